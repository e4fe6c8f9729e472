// Live progress of a session over the best transport that works:
// Server-Sent Events, then WebSocket, then polling — in that order.
//
// The server's messages (identical over SSE and WebSocket):
//   {"type":"snapshot","seq":N,"session":{…}}                 first on every subscription
//   {"type":"movie","seq":N,"movie":{…},"progress":{…}}        a film reached a final state
//   {"type":"imported","seq":N,"session":{…},"diff":{…}}       the owner re-imported the export:
//                                                              diff = {added, changed, removed, unchanged} (movie ids)
//   {"type":"completed","seq":N,"session":{…}}                 last; the stream ends
// Any other type is skipped, so a newer server cannot break an older page.
//
// Handlers: onTransport(name, state), onSnapshot(session, seq),
// onMovie(movie, progress, seq), onImported(session, diff, seq),
// onCompleted(session, seq), onPoll(session, movies).
// Polling has no seqs: it hands over the session and, when they changed, every movie.
//
// SSE and WebSocket share one skeleton (`stream`): first-message timeout,
// backoff, resuming after the last seq seen, falling back to the next
// transport; `STREAMS` holds only what differs between them. No DOM here
// (only EventSource, WebSocket and fetch), so node unit-tests it with
// stand-ins (tests/js/live.test.mjs).

import { allMovies, eventsUrl, getSession, wsUrl } from './api.js';

/** How long a transport may take to deliver its first message before the next one is tried. */
const FIRST_MESSAGE_TIMEOUT_MS = 5000;
/** Reconnection attempts of a transport that worked, before falling back. */
const MAX_RECONNECTS = 5;

/** The named SSE events the page takes (a named event reaches only its own listeners). */
const EVENT_TYPES = ['snapshot', 'movie', 'imported', 'completed'];

/** The transports, best first: each is tried when the one before cannot connect. */
export const TRANSPORTS = ['sse', 'websocket', 'polling'];

/** Follows one session live, handing what the server says to `handlers` (above). */
export class LiveSession {
  constructor(sessionId, handlers, { transports = TRANSPORTS } = {}) {
    this.id = sessionId;
    this.handlers = handlers;
    this.order = transports.filter((t) => TRANSPORTS.includes(t));
    this.lastSeq = 0;
    this.transport = null;
    this.state = 'idle';
    this.stopped = false;
    this.finished = false;
    this.cleanup = () => {};
    this.failures = 0;
  }

  /** Starts with the first transport that is allowed. */
  start(from = this.order[0]) {
    this.stopped = false;
    this.finished = false;
    this.use(from);
    return this;
  }

  /** Stops listening for good. */
  stop() {
    this.stopped = true;
    this.cleanup();
    this.cleanup = () => {};
    if (this.transport) this.setState(this.transport, 'closed');
  }

  /** Switches to transport `name`, or the next one when this browser lacks it. */
  use(name) {
    this.cleanup();
    this.failures = 0;
    if (Object.hasOwn(STREAMS, name)) return STREAMS[name].available() ? this.stream(name) : this.fallback(name);
    return this.polling();
  }

  /** Moves on to the transport after `from`. */
  fallback(from) {
    if (this.stopped || this.finished) return;
    const next = this.order[this.order.indexOf(from) + 1] || 'polling';
    console.info(`reelstream: ${from} unavailable, falling back to ${next}`);
    this.use(next);
  }

  setState(name, state) {
    this.transport = name;
    this.state = state;
    this.handlers.onTransport?.(name, state);
  }

  /** Hands one server message to the handlers; returns true when it was the last. */
  dispatch(message) {
    if (typeof message?.seq === 'number') {
      // Replays after a reconnection may repeat what was seen: skip those.
      if (message.type !== 'snapshot' && message.seq <= this.lastSeq) return false;
      this.lastSeq = Math.max(this.lastSeq, message.seq);
    }
    switch (message?.type) {
      case 'snapshot':
        this.handlers.onSnapshot?.(message.session, message.seq);
        if (message.session?.status !== 'completed') return false;
        // Nothing left to wait for: the session was complete when we subscribed.
        this.finished = true;
        this.handlers.onCompleted?.(message.session, message.seq);
        return true;
      case 'movie':
        this.handlers.onMovie?.(message.movie, message.progress, message.seq);
        return false;
      case 'imported':
        this.handlers.onImported?.(message.session, message.diff, message.seq);
        return false;
      case 'completed':
        this.finished = true;
        this.handlers.onCompleted?.(message.session, message.seq);
        return true;
      default:
        return false;
    }
  }

  finish() {
    this.finished = true;
    this.cleanup();
    this.cleanup = () => {};
    this.setState(this.transport, 'closed');
  }

  // ---- SSE and WebSocket: one skeleton --------------------------------------

  /**
   * Opens a stream (`sse` or `websocket`) resuming after `lastSeq`. One that
   * says nothing in time, or fails before its first message, gives way to
   * the next transport; one that worked and dropped is reopened with backoff.
   */
  stream(name) {
    this.setState(name, this.failures ? 'reconnecting' : 'connecting');
    let received = false;
    let done = false;
    let connection = null;
    const giveUp = () => {
      if (done) return;
      done = true;
      this.cleanup();
      this.fallback(name);
    };
    const timer = setTimeout(() => {
      if (!received) giveUp();
    }, FIRST_MESSAGE_TIMEOUT_MS);
    const on = {
      message: (data) => {
        if (this.stopped) return;
        if (!received) {
          received = true;
          clearTimeout(timer);
          this.failures = 0;
          this.setState(name, 'live');
        }
        let message;
        try {
          message = JSON.parse(data);
        } catch {
          return;
        }
        if (this.dispatch(message)) {
          done = true;
          this.finish();
        }
      },
      // `closed` false: the transport retries by itself (EventSource does).
      drop: (closed) => {
        if (done || this.stopped || this.finished) return;
        if (!received) return giveUp();
        if (!closed) return this.setState(name, 'reconnecting');
        done = true;
        this.reconnect(name);
      },
    };
    // Resuming: the server replays what came after `last_event_id`, with no new snapshot.
    const query = this.lastSeq ? `?last_event_id=${this.lastSeq}` : '';
    try {
      connection = STREAMS[name].open(this.id, query, on);
    } catch {
      clearTimeout(timer);
      return this.fallback(name);
    }
    this.cleanup = () => {
      clearTimeout(timer);
      done = true;
      connection.close();
    };
  }

  /** Re-opens a transport that worked, with backoff; falls back after repeated failures. */
  reconnect(name) {
    this.cleanup();
    this.failures += 1;
    if (this.failures > MAX_RECONNECTS) return this.fallback(name);
    this.setState(name, 'reconnecting');
    const delay = Math.min(10000, 500 * 2 ** (this.failures - 1)) * (0.75 + Math.random() / 2);
    const timer = setTimeout(() => {
      const failures = this.failures;
      this.stream(name);
      this.failures = failures;
    }, delay);
    this.cleanup = () => clearTimeout(timer);
  }

  // ---- Polling ---------------------------------------------------------------

  polling() {
    this.setState('polling', 'live');
    let timer = null;
    let lastStamp = null;
    let busy = false;
    let total = 0;
    const tick = async () => {
      if (this.stopped || busy) return;
      busy = true;
      try {
        const session = await getSession(this.id);
        // Counters or their time stamp moved: read the films again.
        const stamp = `${session.processed_count}/${session.updated_at}/${session.status}`;
        const movies = stamp !== lastStamp ? await allMovies(this.id) : null;
        lastStamp = stamp;
        total = session.total_movies;
        if (this.stopped) return;
        this.setState('polling', 'live');
        this.handlers.onPoll?.(session, movies);
        if (session.status === 'completed') {
          this.finished = true;
          this.handlers.onCompleted?.(session, null);
          this.finish();
          return;
        }
      } catch (err) {
        // A request of a stopped session answers for nothing on the page.
        if (this.stopped) return;
        if (err?.status === 404) {
          this.handlers.onGone?.(err);
          this.stop();
          return;
        }
        this.setState('polling', 'reconnecting');
      } finally {
        busy = false;
      }
      // Large sessions are polled less often: every film is read on each change.
      timer = setTimeout(tick, pollInterval(total));
    };
    tick();
    this.cleanup = () => clearTimeout(timer);
  }
}

/** One second for a small library, up to ten for a very large one. */
function pollInterval(total) {
  return Math.min(10000, Math.max(1000, Math.round((total || 0) / 1000) * 1000));
}

/**
 * What differs between the two streams: how each opens, and how it reports
 * a message (`on.message(text)`) or a drop (`on.drop(closed)`). `open`
 * answers something to `close()`; it may throw, and then the next transport
 * is tried.
 */
const STREAMS = {
  sse: {
    available: () => 'EventSource' in globalThis,
    open(id, query, on) {
      const source = new EventSource(eventsUrl(id) + query);
      const onMessage = (event) => on.message(event.data);
      for (const type of EVENT_TYPES) source.addEventListener(type, onMessage);
      source.onmessage = onMessage; // an unnamed event is still a message
      // A stream that worked dropped: EventSource retries by itself (sending
      // Last-Event-ID) unless the server refused; only then is it reopened by hand.
      source.onerror = () => on.drop(source.readyState === EventSource.CLOSED);
      return { close: () => source.close() };
    },
  },
  websocket: {
    available: () => 'WebSocket' in globalThis,
    open(id, query, on) {
      const socket = new WebSocket(wsUrl(id) + query);
      socket.onmessage = (event) => {
        if (typeof event.data === 'string') on.message(event.data);
      };
      // A WebSocket never retries by itself: every error or close is final.
      socket.onerror = socket.onclose = () => on.drop(true);
      return {
        close() {
          socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
          if (socket.readyState <= WebSocket.OPEN) socket.close(1000);
        },
      };
    },
  },
};
