// Owner tokens (static/js/owner.js) and how the API calls use them
// (static/js/api.js), without a browser: the storage and fetch are stand-ins.
//
//   node --test tests/js/

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';

import * as api from '../../static/js/api.js';
import {
  OwnerTokens,
  ownerKey,
  ownerLink,
  owners,
  shareLink,
  tokenFromHash,
  validToken,
  withoutOwnerFragment,
} from '../../static/js/owner.js';

const TOKEN = `rso_${'ab12'.repeat(16)}`;
const OTHER = `rso_${'cd34'.repeat(16)}`;

/** localStorage as far as owner.js uses it; `broken` makes every call throw, as storage disabled does. */
class FakeStorage {
  constructor({ broken = false } = {}) {
    this.items = new Map();
    this.broken = broken;
  }
  check() {
    if (this.broken) throw new DOMException('The operation is insecure.', 'SecurityError');
  }
  getItem(key) {
    this.check();
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.check();
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.check();
    this.items.delete(key);
  }
}

describe('the token store', () => {
  test('each session has its own key; a token is kept, read and forgotten', () => {
    const storage = new FakeStorage();
    const tokens = new OwnerTokens(storage);
    assert.equal(tokens.get('s1'), null);
    assert.equal(tokens.set('s1', TOKEN), true);
    assert.equal(tokens.set('s2', OTHER), true);
    assert.equal(storage.getItem(ownerKey('s1')), TOKEN);
    assert.equal(ownerKey('s1'), 'reelstream.owner.s1');
    assert.equal(tokens.get('s1'), TOKEN);
    assert.equal(tokens.get('s2'), OTHER);
    tokens.forget('s1');
    assert.equal(tokens.get('s1'), null);
    assert.equal(storage.getItem(ownerKey('s1')), null);
    assert.equal(tokens.get('s2'), OTHER, 'the other session keeps its token');
  });

  test('what another page stored is read, as tabs of one browser share localStorage', () => {
    const storage = new FakeStorage();
    const mine = new OwnerTokens(storage);
    new OwnerTokens(storage).set('s1', TOKEN);
    assert.equal(mine.get('s1'), TOKEN);
  });

  test('something that is not a token is refused, and one garbled in storage is not used', () => {
    const storage = new FakeStorage();
    const tokens = new OwnerTokens(storage);
    for (const bad of [undefined, null, '', 'has space', 'ünïcode', 42, 'x'.repeat(513)]) {
      assert.equal(tokens.set('s1', bad), false, JSON.stringify(bad));
    }
    assert.equal(tokens.set('', TOKEN), false, 'no session');
    assert.equal(storage.items.size, 0);
    storage.setItem(ownerKey('s1'), 'not a token');
    assert.equal(tokens.get('s1'), null);
    assert.equal(validToken(TOKEN), true);
  });

  test('forgetting only a given token leaves a newer one (an owner link opened meanwhile)', () => {
    const tokens = new OwnerTokens(new FakeStorage());
    tokens.set('s1', OTHER);
    assert.equal(tokens.forget('s1', TOKEN), false);
    assert.equal(tokens.get('s1'), OTHER);
    assert.equal(tokens.forget('s1', OTHER), true);
    assert.equal(tokens.get('s1'), null);
  });

  test('without storage, or when it refuses, the tokens live in memory for the page', () => {
    for (const storage of [null, new FakeStorage({ broken: true }), () => undefined]) {
      const tokens = new OwnerTokens(storage);
      assert.equal(tokens.set('s1', TOKEN), true);
      assert.equal(tokens.get('s1'), TOKEN);
      tokens.forget('s1');
      assert.equal(tokens.get('s1'), null);
    }
  });

  test('a storage given as a function is read at each use', () => {
    let storage = null;
    const tokens = new OwnerTokens(() => storage);
    storage = new FakeStorage();
    tokens.set('s1', TOKEN);
    assert.equal(storage.getItem(ownerKey('s1')), TOKEN);
  });
});

describe('owner links', () => {
  test('the share link has the session only; the owner link adds the token in the fragment', () => {
    assert.equal(shareLink('https://r.test', 'a b'), 'https://r.test/?session=a%20b');
    assert.equal(ownerLink('https://r.test', 's1', TOKEN), `https://r.test/?session=s1#owner=${TOKEN}`);
  });

  test('the token is read from the fragment, alone or among other parameters', () => {
    assert.equal(tokenFromHash(`#owner=${TOKEN}`), TOKEN);
    assert.equal(tokenFromHash(`#tab=review&owner=${TOKEN}`), TOKEN);
    assert.equal(tokenFromHash(`#owner=${encodeURIComponent('rso_a/b')}`), 'rso_a/b');
    assert.equal(tokenFromHash(''), undefined);
    assert.equal(tokenFromHash('#tab=review'), undefined);
    assert.equal(tokenFromHash('#/session/s1'), undefined, 'the hash route is not parameters');
    assert.equal(tokenFromHash('#owner='), null, 'there, but empty');
    assert.equal(tokenFromHash('#owner=%E0%A4%A'), null, 'there, but not decodable');
  });

  test('the fragment leaves the address; the session and other parameters stay', () => {
    assert.equal(withoutOwnerFragment(`https://r.test/?session=s1#owner=${TOKEN}`), 'https://r.test/?session=s1');
    assert.equal(withoutOwnerFragment(`https://r.test/?session=s1&transport=polling#owner=${TOKEN}`), 'https://r.test/?session=s1&transport=polling');
    assert.equal(withoutOwnerFragment(`https://r.test/?session=s1#tab=review&owner=${TOKEN}`), 'https://r.test/?session=s1#tab=review');
    assert.equal(withoutOwnerFragment('https://r.test/#/session/s1'), 'https://r.test/#/session/s1');
  });
});

describe('the API calls', () => {
  let calls;
  let answer;
  let saved;

  beforeEach(() => {
    saved = globalThis.fetch;
    calls = [];
    answer = { status: 200, body: { id: 's1' } };
    globalThis.fetch = async (path, init) => {
      calls.push({ path, method: init.method, auth: init.headers.Authorization ?? null, body: init.body });
      return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
    };
    owners.forget('s1');
    owners.forget('s2');
  });

  afterEach(() => {
    globalThis.fetch = saved;
    api.onRefused(() => {});
  });

  test('the upload keeps the owner token it answers, and hands on the session without it', async () => {
    answer.body = { id: 's1', status: 'enriching', owner_token: TOKEN };
    const session = await api.upload(new File(['Title\nPersona\n'], 'f.csv'));
    assert.deepEqual(session, { id: 's1', status: 'enriching' });
    assert.equal(owners.get('s1'), TOKEN);
  });

  test('every change sends the token of its session as a bearer token, never in the address', async () => {
    owners.set('s1', TOKEN);
    owners.set('s2', OTHER);
    await api.fixMovie('s1', 7, 550, 'movie');
    await api.acceptReview('s1', 7);
    await api.acceptReviews('s1', 0.795);
    await api.retryFailed('s1');
    await api.reimport('s2', new File(['Title\nPersona\n'], 'newer.csv'));
    assert.deepEqual(calls.map((c) => [c.method, c.path, c.auth]), [
      ['PATCH', '/api/session/s1/movies/7', `Bearer ${TOKEN}`],
      ['PATCH', '/api/session/s1/movies/7', `Bearer ${TOKEN}`],
      ['POST', '/api/session/s1/review/accept', `Bearer ${TOKEN}`],
      ['POST', '/api/session/s1/retry', `Bearer ${TOKEN}`],
      ['POST', '/api/session/s2/upload', `Bearer ${OTHER}`],
    ]);
    assert.equal(calls.at(-1).body.get('file').name, 'newer.csv', 'the re-import is a multipart `file` part');
    for (const call of calls) assert.ok(!call.path.includes('rso_'), call.path);
  });

  test('reads send no token', async () => {
    owners.set('s1', TOKEN);
    answer.body = { items: [], total: 0 };
    await api.getSession('s1');
    await api.listMovies('s1');
    await api.getStats('s1');
    assert.deepEqual(calls.map((c) => c.auth), [null, null, null]);
  });

  test('a refusal (403, 401) forgets the token and is told; other errors are not', async () => {
    const refused = [];
    api.onRefused((id, err) => refused.push(`${id} ${err.status}`));
    owners.set('s1', TOKEN);
    answer = { status: 409, body: { title: 'Conflict', detail: 'not in review' } };
    await assert.rejects(api.acceptReview('s1', 7), { status: 409, message: 'not in review' });
    assert.equal(owners.get('s1'), TOKEN);

    answer = { status: 403, body: { title: 'Forbidden', detail: 'not this session’s owner token' } };
    await assert.rejects(api.retryFailed('s1'), { status: 403 });
    assert.equal(owners.get('s1'), null);

    answer = { status: 401, body: { title: 'Unauthorized' } };
    await assert.rejects(api.retryFailed('s1'), { status: 401 });
    assert.deepEqual(calls.map((c) => c.auth), [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, null], 'no header without a token');
    assert.deepEqual(refused, ['s1 403', 's1 401']);
  });
});
