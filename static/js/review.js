// The rules of the Review tab, away from the DOM: which films it lists,
// which one has the focus as films leave it, what "Accept all at N % or
// more" takes, how the picker's search box turns into a request (debounced,
// only the latest answer lands), and when a completed session that still
// has films in review changed under the page (another person accepted).
//
// No DOM here: node imports this module directly for its unit tests
// (tests/js/review.test.mjs).

/** A confidence 0–1 as the whole percent the page shows; null when there is none. */
export const percent = (confidence) =>
  confidence == null || !Number.isFinite(confidence) ? null : Math.round(confidence * 100);

const byRow = (a, b) => (a.row ?? 0) - (b.row ?? 0) || a.id - b.id;

/**
 * The films the Review tab lists, in upload order: those in review, and
 * those a person just pointed at another record (`picking`, movie ids) until
 * their new state lands — they are `pending` meanwhile.
 */
export function reviewItems(movies, picking = new Set()) {
  return [...movies]
    .filter((m) => m.status === 'review' || (picking.has(m.id) && m.status === 'pending'))
    .sort(byRow);
}

/**
 * The threshold the bulk accept sends for "every film shown at `minPercent`
 * or more": shown percents are rounded, so a film shown at 80 % (0.795) is
 * taken at 80. Answers a `min_confidence` 0–1.
 */
export function minConfidence(minPercent) {
  const n = Math.min(100, Math.max(0, Number(minPercent) || 0));
  return Math.min(1, Math.max(0, (n - 0.5) / 100));
}

/** The films in review a bulk accept at `minPercent` would take (what the button counts). */
export function acceptable(movies, minPercent) {
  const min = minConfidence(minPercent);
  return movies.filter((m) => m.status === 'review' && m.match_confidence != null && m.match_confidence >= min);
}

/**
 * Which film of the Review tab has the focus. Keys move it (`move`); when
 * the focused film leaves the list (accepted here or by someone else), the
 * film that took its place gets it, or the one before when it was the last.
 */
export class ReviewFocus {
  constructor() {
    this.id = null;
    this.order = [];
  }

  /** Takes the list's ids, in order; answers the focused id (null for an empty list). */
  sync(ids) {
    const present = new Set(ids);
    if (this.id != null && !present.has(this.id)) {
      const at = this.order.indexOf(this.id);
      const after = at < 0 ? undefined : this.order.slice(at + 1).find((id) => present.has(id));
      const before = at < 0 ? undefined : this.order.slice(0, at).reverse().find((id) => present.has(id));
      this.id = after ?? before ?? null;
    }
    if (this.id == null) this.id = ids[0] ?? null;
    this.order = [...ids];
    return this.id;
  }

  /** Sets the focus on a film of the list (a click, a tab into it). */
  set(id) {
    if (this.order.includes(id)) this.id = id;
    return this.id;
  }

  /** Moves the focus `delta` films on, stopping at either end. */
  move(delta) {
    if (!this.order.length) return null;
    const at = Math.max(0, this.order.indexOf(this.id));
    this.id = this.order[Math.min(this.order.length - 1, Math.max(0, at + delta))];
    return this.id;
  }

  first() {
    this.id = this.order[0] ?? null;
    return this.id;
  }

  last() {
    this.id = this.order.at(-1) ?? null;
    return this.id;
  }
}

/** The keys of the Review tab, by `KeyboardEvent.key`, to what they do. */
export const REVIEW_KEYS = {
  j: 'next',
  ArrowDown: 'next',
  k: 'previous',
  ArrowUp: 'previous',
  Home: 'first',
  End: 'last',
  a: 'accept',
  '/': 'search',
};

/**
 * The picker's search box as a request to `/api/tmdb/search`, or null when
 * there is nothing to search. A year typed in its own field wins; else a
 * trailing "(1999)" in the text is taken as the year (not a bare number:
 * "1917" is a title, and a TMDB id).
 */
export function searchRequest(text, yearText = '', type = 'movie') {
  let query = String(text ?? '').trim();
  if (!query) return null;
  let year = null;
  const typed = String(yearText ?? '').trim();
  if (/^\d{4}$/.test(typed)) year = Number(typed);
  else {
    const trailing = query.match(/^(.*\S)\s*\((\d{4})\)$/);
    if (trailing) {
      query = trailing[1];
      year = Number(trailing[2]);
    }
  }
  if (year != null && (year < 1870 || year > 2100)) year = null;
  return { query: query.slice(0, 200), year, type: type === 'tv' ? 'tv' : 'movie' };
}

/** A request's query string for `/api/tmdb/search`. */
export function searchQuery({ query, year, type }) {
  const params = new URLSearchParams({ query });
  if (year != null) params.set('year', String(year));
  if (type && type !== 'movie') params.set('type', type);
  return params.toString();
}

/**
 * A search box's requests: each `request` waits `delay` ms of quiet before
 * searching, and only the answer to the latest request reaches `onResult`
 * (or `onError`); an older one still on its way is dropped.
 */
export class DebouncedSearch {
  constructor(search, { delay = 300, timers = globalThis } = {}) {
    this.search = search;
    this.delay = delay;
    this.timers = timers;
    this.timer = null;
    this.latest = 0;
  }

  /** Searches for `params` (null: nothing) after `delay` ms of quiet (0 for a submitted form). */
  request(params, { onResult, onError, onStart } = {}, delay = this.delay) {
    this.timers.clearTimeout(this.timer);
    const token = ++this.latest;
    if (!params) {
      this.timer = null;
      return token;
    }
    this.timer = this.timers.setTimeout(async () => {
      this.timer = null;
      onStart?.();
      try {
        const answer = await this.search(params);
        if (token === this.latest) onResult?.(answer, params);
      } catch (err) {
        if (token === this.latest) onError?.(err, params);
      }
    }, delay);
    return token;
  }

  /** Drops whatever is waiting or on its way. */
  cancel() {
    this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.latest += 1;
  }
}

/**
 * Lazily read details (a candidate's directors and runtime), asked for once
 * per key however many cards show it; a failure is forgotten, so the next
 * time asks again.
 */
export class DetailCache {
  constructor(fetch) {
    this.fetch = fetch;
    this.entries = new Map();
  }

  static key(mediaType, tmdbId) {
    return `${mediaType === 'tv' ? 'tv' : 'movie'}/${tmdbId}`;
  }

  /** What is known already, or undefined. */
  peek(mediaType, tmdbId) {
    return this.entries.get(DetailCache.key(mediaType, tmdbId))?.value;
  }

  get(mediaType, tmdbId) {
    const key = DetailCache.key(mediaType, tmdbId);
    const known = this.entries.get(key);
    if (known) return known.promise;
    const entry = {};
    entry.promise = Promise.resolve()
      .then(() => this.fetch(mediaType === 'tv' ? 'tv' : 'movie', tmdbId))
      .then(
        (value) => {
          entry.value = value;
          return value;
        },
        (err) => {
          this.entries.delete(key);
          throw err;
        },
      );
    this.entries.set(key, entry);
    return entry.promise;
  }
}

/**
 * What tells that a session changed: the page keeps following a completed
 * session with films in review by comparing this, as its stream ended with
 * `completed` and another person's accept starts no new one.
 */
export function sessionStamp(session) {
  if (!session) return '';
  // Counters only: every accept moves `review_count` and `enriched_count`, a
  // pick reopens the session; a time stamp could differ in its serialisation.
  const { status, processed_count, review_count, enriched_count, unmatched_count, failed_count } = session;
  return [status, processed_count, review_count, enriched_count, unmatched_count, failed_count].join('/');
}

/** Whether a page should keep watching a session for changes its ended stream will not report. */
export const needsWatch = (session) => session?.status === 'completed' && (session.review_count ?? 0) > 0;
