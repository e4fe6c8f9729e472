// The live transports (static/js/live.js) without a browser: EventSource,
// WebSocket, fetch and the timers are stand-ins the tests drive by hand.
//
//   node --test tests/js/

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { LiveSession } from '../../static/js/live.js';

/** An EventSource the test opens, feeds and breaks. */
class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static opened = [];
  constructor(url) {
    this.url = url;
    this.readyState = FakeEventSource.CONNECTING;
    this.listeners = new Map();
    FakeEventSource.opened.push(this);
  }
  addEventListener(type, listener) {
    this.listeners.set(type, [...(this.listeners.get(type) || []), listener]);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  /** The server sends one event; named events reach only their listeners, as in a browser. */
  send(message, type = message.type) {
    this.readyState = FakeEventSource.OPEN;
    const event = { data: JSON.stringify(message) };
    if (type === 'message') this.onmessage?.(event);
    for (const listener of this.listeners.get(type) || []) listener(event);
  }
  /** The connection fails: `closed` when the browser gives up (a refusal, a 204), else it retries. */
  fail({ closed }) {
    this.readyState = closed ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING;
    this.onerror?.({});
  }
}

/** A WebSocket the test opens, feeds and breaks. */
class FakeWebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static opened = [];
  constructor(url) {
    this.url = url;
    this.readyState = FakeWebSocket.CONNECTING;
    this.closedWith = null;
    FakeWebSocket.opened.push(this);
  }
  close(code) {
    this.readyState = FakeWebSocket.CLOSED;
    this.closedWith = code;
  }
  /** The server sends a message (JSON), or a binary frame. */
  send(data) {
    this.onmessage?.({ data: ArrayBuffer.isView(data) ? data : JSON.stringify(data) });
  }
  /** The server closes the connection, or it breaks (1006). */
  drop(code = 1006, reason = '') {
    this.readyState = FakeWebSocket.CLOSED;
    if (code !== 1000) this.onerror?.({});
    this.onclose?.({ code, reason });
  }
}

/** setTimeout and clearTimeout on a clock only `tick` moves. */
class Clock {
  constructor() {
    this.now = 0;
    this.timers = new Map();
    this.nextId = 1;
  }
  install() {
    this.saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
    globalThis.setTimeout = (fn, ms = 0) => {
      this.timers.set(this.nextId, { at: this.now + ms, fn });
      return this.nextId++;
    };
    globalThis.clearTimeout = (id) => this.timers.delete(id);
  }
  uninstall() {
    Object.assign(globalThis, this.saved);
  }
  /** Moves time on by `ms`, running what falls due in order. */
  tick(ms) {
    const end = this.now + ms;
    for (;;) {
      const [id, due] = [...this.timers].filter(([, t]) => t.at <= end).sort(([a, x], [b, y]) => x.at - y.at || a - b)[0] || [];
      if (!due) break;
      this.timers.delete(id);
      this.now = due.at;
      due.fn();
    }
    this.now = end;
  }
}

/** Lets promise chains (the polling's fetches) run to their end. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

const SESSION = { id: 's1', status: 'enriching', processed_count: 1, total_movies: 3, updated_at: 't1' };
const COMPLETED = { ...SESSION, status: 'completed', processed_count: 3, updated_at: 't2' };

let clock;
let saved;
let following;
let fetched;
let serverSession;

beforeEach(() => {
  saved = Object.fromEntries(['EventSource', 'WebSocket', 'location', 'fetch'].map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]));
  FakeEventSource.opened = [];
  FakeWebSocket.opened = [];
  fetched = [];
  following = [];
  serverSession = SESSION;
  Object.assign(globalThis, {
    EventSource: FakeEventSource,
    WebSocket: FakeWebSocket,
    location: { protocol: 'http:', host: 'dash.test' },
    fetch: async (path) => {
      fetched.push(path);
      const body = path.includes('/movies') ? { items: [], total: 0 } : serverSession;
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    },
  });
  clock = new Clock();
  clock.install();
});

afterEach(() => {
  for (const live of following) live.stop();
  clock.uninstall();
  for (const [key, descriptor] of Object.entries(saved)) {
    if (descriptor) Object.defineProperty(globalThis, key, descriptor);
    else delete globalThis[key];
  }
});

/** A LiveSession of `s1` recording the badge and what reached the page. */
function follow(t, options) {
  t.mock.method(console, 'info', () => {});
  const badge = [];
  const got = [];
  const live = new LiveSession('s1', {
    onTransport: (name, state) => badge.push(`${name}:${state}`),
    onSnapshot: (session, seq) => got.push(`snapshot ${seq}`),
    onMovie: (movie, progress, seq) => got.push(`movie ${movie.id}@${seq}`),
    onImported: (session, diff, seq) => got.push(`imported -${diff.removed.join(',')} +${diff.added.join(',')} ${session.status}@${seq}`),
    onCompleted: (session, seq) => got.push(`completed ${seq}`),
    onPoll: (session, movies) => got.push(`poll ${session.status}`),
    onGone: (err) => got.push(`gone ${err.status}`),
  }, options);
  following.push(live);
  return { live, badge, got };
}

const snapshot = (seq, session = SESSION) => ({ type: 'snapshot', seq, session });
const movie = (id, seq) => ({ type: 'movie', seq, movie: { id }, progress: SESSION });
const completed = (seq) => ({ type: 'completed', seq, session: COMPLETED });
const imported = (seq) => ({ type: 'imported', seq, session: SESSION, diff: { added: [9], changed: [7], removed: [3, 4], unchanged: [8] } });
const lastSource = () => FakeEventSource.opened.at(-1);
const lastSocket = () => FakeWebSocket.opened.at(-1);

describe('the SSE and WebSocket streams', () => {
  test('SSE comes first: connecting, live on the first message, each event handed over once', (t) => {
    const { live, badge, got } = follow(t);
    live.start();
    assert.equal(lastSource().url, '/api/session/s1/events');
    assert.deepEqual(badge, ['sse:connecting']);
    lastSource().send(snapshot(3));
    lastSource().send(movie(7, 4));
    lastSource().send(movie(7, 4)); // a repeat is skipped
    lastSource().send(movie(8, 5), 'message'); // an unnamed event still counts
    assert.deepEqual(badge, ['sse:connecting', 'sse:live']);
    assert.deepEqual(got, ['snapshot 3', 'movie 7@4', 'movie 8@5']);
    assert.equal(live.lastSeq, 5);
  });

  test('`completed` ends the stream: closed, and nothing reopens it', (t) => {
    const { live, badge, got } = follow(t);
    live.start();
    const source = lastSource();
    source.send(snapshot(1));
    source.send(completed(2));
    assert.deepEqual(got, ['snapshot 1', 'completed 2']);
    assert.equal(source.readyState, FakeEventSource.CLOSED);
    assert.equal(badge.at(-1), 'sse:closed');
    source.fail({ closed: true });
    clock.tick(60_000);
    assert.equal(FakeEventSource.opened.length, 1);
    assert.equal(FakeWebSocket.opened.length, 0);
  });

  test('a snapshot of a completed session finishes at once', (t) => {
    const { live, badge, got } = follow(t);
    live.start();
    lastSource().send(snapshot(9, COMPLETED));
    assert.deepEqual(got, ['snapshot 9', 'completed 9']);
    assert.equal(badge.at(-1), 'sse:closed');
  });

  test('SSE silent for 5 s gives way to the WebSocket', (t) => {
    const { live, badge } = follow(t);
    live.start();
    clock.tick(4999);
    assert.equal(FakeWebSocket.opened.length, 0);
    clock.tick(1);
    assert.equal(lastSource().readyState, FakeEventSource.CLOSED);
    assert.equal(lastSocket().url, 'ws://dash.test/api/session/s1/ws');
    assert.deepEqual(badge, ['sse:connecting', 'websocket:connecting']);
  });

  test('failing before its first message, SSE gives way to the WebSocket, and the WebSocket to polling', async (t) => {
    const { live, badge, got } = follow(t);
    live.start();
    lastSource().fail({ closed: true });
    assert.equal(FakeWebSocket.opened.length, 1);
    lastSocket().drop();
    await settle();
    assert.deepEqual(badge, ['sse:connecting', 'websocket:connecting', 'polling:live', 'polling:live']);
    assert.deepEqual(fetched, ['/api/session/s1', '/api/session/s1/movies?offset=0&limit=1000']);
    assert.deepEqual(got, ['poll enriching']);
  });

  test('without EventSource it starts with the WebSocket', (t) => {
    delete globalThis.EventSource;
    const { live, badge } = follow(t);
    live.start();
    assert.equal(FakeWebSocket.opened.length, 1);
    assert.deepEqual(badge, ['websocket:connecting']);
  });

  test('a dropped SSE stream that EventSource retries by itself only says so', (t) => {
    const { live, badge } = follow(t);
    live.start();
    lastSource().send(snapshot(3));
    lastSource().fail({ closed: false });
    assert.equal(badge.at(-1), 'sse:reconnecting');
    clock.tick(60_000);
    assert.equal(FakeEventSource.opened.length, 1, 'no second EventSource: the browser retries with Last-Event-ID');
    assert.equal(FakeWebSocket.opened.length, 0);
    lastSource().send(movie(7, 4));
    assert.equal(live.lastSeq, 4);
  });

  test('a closed SSE stream is reopened by hand after a backoff, resuming after the last seq', (t) => {
    t.mock.method(Math, 'random', () => 0.5); // no jitter
    const { live, badge, got } = follow(t);
    live.start();
    const first = lastSource();
    first.send(snapshot(3));
    first.send(movie(7, 5));
    first.fail({ closed: true });
    assert.equal(badge.at(-1), 'sse:reconnecting');
    clock.tick(499);
    assert.equal(FakeEventSource.opened.length, 1);
    clock.tick(1);
    assert.equal(lastSource().url, '/api/session/s1/events?last_event_id=5');
    lastSource().send(movie(7, 5)); // replayed: already seen
    lastSource().send(movie(8, 6));
    assert.deepEqual(got, ['snapshot 3', 'movie 7@5', 'movie 8@6']);
    assert.deepEqual(badge, ['sse:connecting', 'sse:live', 'sse:reconnecting', 'sse:reconnecting', 'sse:live']);
    assert.equal(live.failures, 0, 'a stream that works again starts its count afresh');
  });

  test('a dropped WebSocket is reopened after a backoff, resuming after the last seq', (t) => {
    t.mock.method(Math, 'random', () => 0.5);
    const { live, badge, got } = follow(t, { transports: ['websocket', 'polling'] });
    live.start();
    const first = lastSocket();
    first.send(new Uint8Array([1])); // a binary frame is no message
    assert.deepEqual(badge, ['websocket:connecting']);
    first.send(snapshot(2));
    first.send(movie(7, 7));
    first.drop();
    assert.equal(first.onclose, null, 'the old socket is let go');
    clock.tick(500);
    assert.equal(lastSocket().url, 'ws://dash.test/api/session/s1/ws?last_event_id=7');
    lastSocket().send(movie(8, 8));
    assert.deepEqual(got, ['snapshot 2', 'movie 7@7', 'movie 8@8']);
    assert.deepEqual(badge, ['websocket:connecting', 'websocket:live', 'websocket:reconnecting', 'websocket:reconnecting', 'websocket:live']);
  });

  for (const transport of ['sse', 'websocket']) {
    test(`a ${transport} resume too far behind gets a snapshot: taken (the films reloaded), then what follows it`, (t) => {
      t.mock.method(Math, 'random', () => 0.5);
      const { live, got } = follow(t, { transports: [transport, 'polling'] });
      const last = transport === 'sse' ? lastSource : lastSocket;
      const drop = () => (transport === 'sse' ? last().fail({ closed: true }) : last().drop());
      live.start();
      last().send(snapshot(2));
      last().send(movie(7, 3));
      drop();
      clock.tick(500);
      assert.match(last().url, /last_event_id=3$/);
      // The server is more than its replay depth past seq 3: a snapshot, not the replay.
      last().send(snapshot(2500));
      last().send(movie(7, 2400)); // older than the snapshot: already in the reload
      last().send(movie(8, 2501));
      assert.deepEqual(got, ['snapshot 2', 'movie 7@3', 'snapshot 2500', 'movie 8@2501']);
      assert.equal(live.lastSeq, 2501);
    });
  }

  test('a reopened stream that fails before its first message gives way to the next transport', (t) => {
    t.mock.method(Math, 'random', () => 0.5);
    const { live, badge } = follow(t);
    live.start();
    lastSource().send(snapshot(3));
    lastSource().fail({ closed: true });
    clock.tick(500);
    lastSource().fail({ closed: true });
    assert.equal(lastSocket().url, 'ws://dash.test/api/session/s1/ws?last_event_id=3');
    assert.equal(badge.at(-1), 'websocket:connecting');
  });

  test('the backoff grows with each failure and the transport is given up after five', (t) => {
    t.mock.method(Math, 'random', () => 0.5);
    const { live, badge } = follow(t, { transports: ['websocket', 'polling'] });
    live.start();
    lastSocket().send(snapshot(1));
    // On the page a reopened stream either delivers (its count starts
    // afresh) or fails before its first message (and gives way to the next
    // transport); the count grows only with reconnections in a row, driven
    // here directly.
    const delays = [];
    for (let i = 0; i < 5; i++) {
      live.reconnect('websocket');
      const before = FakeWebSocket.opened.length;
      let waited = 0;
      while (FakeWebSocket.opened.length === before) {
        clock.tick(100);
        waited += 100;
      }
      delays.push(waited);
    }
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000]);
    live.reconnect('websocket');
    assert.equal(badge.at(-1), 'polling:live', 'the sixth failure falls back');
  });

  test('a WebSocket the server closes after `completed` stays closed', (t) => {
    const { live, badge, got } = follow(t, { transports: ['websocket', 'polling'] });
    live.start();
    const socket = lastSocket();
    socket.send(snapshot(1));
    socket.send(completed(2));
    assert.equal(socket.closedWith, 1000, 'the page closes it first');
    socket.drop(1000, 'completed');
    clock.tick(60_000);
    assert.equal(FakeWebSocket.opened.length, 1);
    assert.deepEqual(got, ['snapshot 1', 'completed 2']);
    assert.equal(badge.at(-1), 'websocket:closed');
  });

  test('resuming after a lost `completed`: SSE answers 204, the WebSocket closes, polling tells', async (t) => {
    t.mock.method(Math, 'random', () => 0.5);
    const { live, badge, got } = follow(t);
    live.start();
    lastSource().send(snapshot(1));
    lastSource().send(movie(7, 2));
    lastSource().fail({ closed: true }); // the stream broke before `completed` (seq 3) arrived
    serverSession = COMPLETED;
    clock.tick(500);
    assert.equal(lastSource().url, '/api/session/s1/events?last_event_id=2');
    lastSource().fail({ closed: true }); // as a 204 does
    lastSocket().drop(1000, 'completed');
    await settle();
    assert.deepEqual(got, ['snapshot 1', 'movie 7@2', 'poll completed', 'completed null']);
    assert.deepEqual(badge.slice(-4), ['websocket:connecting', 'polling:live', 'polling:live', 'polling:closed']);
  });

  test('stop closes the stream; nothing reaches the page after it', (t) => {
    const { live, badge, got } = follow(t);
    live.start();
    const source = lastSource();
    source.send(snapshot(1));
    live.stop();
    assert.equal(source.readyState, FakeEventSource.CLOSED);
    assert.equal(badge.at(-1), 'sse:closed');
    source.send(movie(7, 2)); // an event already on its way
    source.fail({ closed: true });
    clock.tick(60_000);
    assert.deepEqual(got, ['snapshot 1']);
    assert.equal(FakeEventSource.opened.length + FakeWebSocket.opened.length, 1);
  });
});

describe('a re-import, and events the page does not know', () => {
  test('`imported` reaches the page with its diff over SSE; the films looked up again and `completed` follow', (t) => {
    const { live, got } = follow(t);
    live.start();
    lastSource().send(snapshot(10, COMPLETED));
    // A completed session's stream ended with its snapshot: the page subscribes again after re-importing.
    live.start();
    lastSource().send(snapshot(10));
    lastSource().send(imported(11));
    lastSource().send(imported(11)); // a replay is skipped
    lastSource().send(movie(9, 12));
    lastSource().send(completed(13));
    assert.deepEqual(got, ['snapshot 10', 'completed 10', 'snapshot 10', 'imported -3,4 +9 enriching@11', 'movie 9@12', 'completed 13']);
  });

  test('`imported` reaches the page over the WebSocket too', (t) => {
    delete globalThis.EventSource;
    const { live, got } = follow(t);
    live.start();
    lastSocket().send(snapshot(1));
    lastSocket().send(imported(2));
    assert.deepEqual(got, ['snapshot 1', 'imported -3,4 +9 enriching@2']);
  });

  test('an unknown event breaks nothing: skipped, its seq still counted for resuming', (t) => {
    const { live, got } = follow(t);
    live.start();
    lastSource().send(snapshot(1));
    lastSource().send({ type: 'renamed', seq: 2, session: SESSION }, 'message'); // unnamed: it reaches onmessage
    lastSource().send({ type: 'renamed', seq: 3 }); // named: no listener takes it, as in a browser
    lastSource().send('a string, not an event', 'message');
    lastSource().send(movie(7, 4));
    assert.deepEqual(got, ['snapshot 1', 'movie 7@4']);
    assert.equal(live.lastSeq, 4);

    delete globalThis.EventSource;
    const other = follow(t);
    other.live.start();
    lastSocket().send(snapshot(1));
    lastSocket().send({ type: 'renamed', seq: 2 });
    lastSocket().send(movie(7, 3));
    assert.deepEqual(other.got, ['snapshot 1', 'movie 7@3']);
    assert.equal(other.live.lastSeq, 3);
  });
});

describe('polling', () => {
  test('a session that is gone is reported, and polling stops', async (t) => {
    globalThis.fetch = async (path) => {
      fetched.push(path);
      return new Response(JSON.stringify({ title: 'Not Found' }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
    };
    const { live, got } = follow(t, { transports: ['polling'] });
    live.start();
    await settle();
    assert.deepEqual(got, ['gone 404']);
    clock.tick(60_000);
    await settle();
    assert.equal(fetched.length, 1);
  });

  test('films are read again only when the session changed', async (t) => {
    const { live, got } = follow(t, { transports: ['polling'] });
    live.start();
    await settle();
    clock.tick(1000);
    await settle();
    serverSession = COMPLETED;
    clock.tick(1000);
    await settle();
    assert.deepEqual(fetched.filter((p) => p.includes('/movies')).length, 2, 'not on the unchanged second read');
    assert.deepEqual(got, ['poll enriching', 'poll enriching', 'poll completed', 'completed null']);
  });
});
