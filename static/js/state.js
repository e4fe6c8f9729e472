// The rules that keep the page consistent while films arrive from three
// sources at once: live `movie` events, a reload of every film after each
// snapshot, and the answer to a manual fix. Each source can be older than
// what the page already shows; these rules say which one wins.
//
// No DOM here: node imports this module directly for its unit tests
// (tests/js/state.test.mjs).

/** Which state of each film the page shows, and where that state came from. */
export class PageState {
  constructor() {
    /** The session on the page, or null on the upload view. */
    this.sessionId = null;
    // movie id → seq of the event (or snapshot) the film was last set from
    this.movieSeq = new Map();
    // movie id → seq of the film's last `movie` event; only these tell a fix
    // answer is stale, as a reload may have read the film before the fix
    this.eventSeq = new Map();
    // Bumped by every reload and new stream: an answer carrying an older
    // token was overtaken by them.
    this.reloadToken = 0;
  }

  /** Shows a session: every film's seqs from before are forgotten. */
  open(sessionId) {
    this.sessionId = sessionId;
    this.movieSeq = new Map();
    this.eventSeq = new Map();
  }

  /** Shows no session (the upload view); the films' seqs stay until the next `open`. */
  close() {
    this.sessionId = null;
  }

  /** Takes a film's `movie` event: false when the film already shows something as new (a replay, a snapshot read after it). */
  applyEvent(movieId, seq) {
    if ((this.movieSeq.get(movieId) ?? -1) >= seq) return false;
    this.movieSeq.set(movieId, seq);
    this.eventSeq.set(movieId, seq);
    return true;
  }

  /** A new stream begins: a film load the old one started must not land, as it may predate what the new one reports. */
  newStream() {
    this.reloadToken += 1;
  }

  /** Starts reading every film after the snapshot at `snapshotSeq`; any reload begun earlier is stale from now on. */
  beginReload(snapshotSeq) {
    this.reloadToken += 1;
    return { token: this.reloadToken, sessionId: this.sessionId, snapshotSeq };
  }

  /** Whether a reload's answer still counts: nothing started since, and its session is still on the page. */
  isCurrent(reload) {
    return reload.token === this.reloadToken && reload.sessionId === this.sessionId;
  }

  /** Takes a reload's films: null when the answer is stale, else those no event after the snapshot set, now marked as of the snapshot. */
  applyReload(reload, movies) {
    if (!this.isCurrent(reload)) return null;
    const { snapshotSeq } = reload;
    const taken = movies.filter((m) => (this.movieSeq.get(m.id) ?? -1) <= snapshotSeq);
    for (const m of taken) this.movieSeq.set(m.id, snapshotSeq);
    return taken;
  }

  /**
   * The films of `shown` (ids on the page) that a reload's answer no longer
   * lists: a re-import removed them. A film an event set after the snapshot
   * stays, as it may have come after the reload read the list.
   */
  missingFrom(reload, movies, shown) {
    if (!this.isCurrent(reload)) return [];
    const listed = new Set(movies.map((m) => m.id));
    return [...shown].filter((id) => !listed.has(id) && (this.movieSeq.get(id) ?? -1) <= reload.snapshotSeq);
  }

  /**
   * Takes films a re-import removed, as of `seq` (its `imported` event, or
   * the last seq seen when its answer came): a reload read before the
   * removal must not bring them back, while a film the server later gives
   * the same id arrives with a newer event.
   */
  remove(ids, seq) {
    for (const id of ids) {
      this.movieSeq.set(id, seq);
      this.eventSeq.delete(id);
    }
  }

  /** Notes a fix about to be sent, before the request, for `applyFixAnswer`. */
  beginFix(movieId) {
    return { movieId, seen: this.eventSeq.get(movieId) ?? -1 };
  }

  /**
   * Takes a fix's answer (the film queued again), `lastSeq` being the last
   * seq the stream delivered: answers it, or null when the film's own event
   * came while the answer was on its way, the answer then being the older.
   */
  applyFixAnswer(fix, answer, lastSeq) {
    const overtaken = (this.eventSeq.get(fix.movieId) ?? -1) > fix.seen;
    if (overtaken) return null;
    // The film's `movie` event follows; nothing up to `lastSeq` may undo the answer.
    this.movieSeq.set(answer.id, lastSeq);
    return answer;
  }
}
