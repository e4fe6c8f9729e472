// The dashboard's consistency rules (static/js/state.js), without a browser.
//
//   node --test tests/js/

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { PageState } from '../../static/js/state.js';

const film = (id, status = 'enriched') => ({ id, status });
const ids = (movies) => movies.map((m) => m.id);

/** A page showing session `s1`, as app.js opens it. */
function opened() {
  const page = new PageState();
  page.open('s1');
  page.newStream();
  return page;
}

describe('movie events', () => {
  test('a newer event is taken, a replay of it or an older one is not', () => {
    const page = opened();
    assert.equal(page.applyEvent(7, 3), true);
    assert.equal(page.applyEvent(7, 3), false, 'the same seq again (a replay after reconnecting)');
    assert.equal(page.applyEvent(7, 2), false, 'an older event');
    assert.equal(page.applyEvent(7, 4), true);
    assert.equal(page.applyEvent(8, 1), true, 'each film has its own seq');
  });

  test('an event older than the snapshot a film was read from does not override it', () => {
    const page = opened();
    const reload = page.beginReload(10);
    assert.deepEqual(ids(page.applyReload(reload, [film(1), film(2)])), [1, 2]);
    assert.equal(page.applyEvent(1, 9), false, 'seq 9 is older than the snapshot at 10');
    assert.equal(page.applyEvent(1, 10), false, 'the snapshot at 10 already holds seq 10');
    assert.equal(page.applyEvent(1, 11), true, 'seq 11 came after the snapshot');
  });

  test('opening another session forgets every film’s seqs', () => {
    const page = opened();
    page.applyEvent(1, 50);
    page.open('s2');
    assert.equal(page.applyEvent(1, 1), true);
  });
});

describe('reloads after a snapshot', () => {
  test('films an event updated after the snapshot are not taken from it', () => {
    const page = opened();
    const reload = page.beginReload(10);
    page.applyEvent(2, 12); // arrives while the reload is on its way
    page.applyEvent(3, 10); // no newer than the snapshot
    const taken = page.applyReload(reload, [film(1), film(2, 'pending'), film(3)]);
    assert.deepEqual(ids(taken), [1, 3]);
    // A film taken from the snapshot now counts as set at its seq.
    assert.equal(page.applyEvent(1, 10), false);
    assert.equal(page.applyEvent(2, 12), false, 'the event stays what film 2 was set from');
  });

  test('a stale reload’s answer is dropped once another reload started', () => {
    const page = opened();
    const first = page.beginReload(5);
    const second = page.beginReload(9);
    assert.equal(page.isCurrent(first), false);
    assert.equal(page.applyReload(first, [film(1)]), null);
    assert.equal(page.applyEvent(1, 6), true, 'the dropped answer marked nothing');
    assert.equal(page.isCurrent(second), true);
    assert.deepEqual(ids(page.applyReload(second, [film(1), film(2)])), [1, 2]);
  });

  test('a new stream makes the reload the old one started stale', () => {
    const page = opened();
    const reload = page.beginReload(5);
    page.newStream();
    assert.equal(page.isCurrent(reload), false);
    assert.equal(page.applyReload(reload, [film(1)]), null);
  });

  test('a reload of a session the page left is dropped, even coming back to it', () => {
    const page = opened();
    const reload = page.beginReload(5);
    page.close();
    assert.equal(page.isCurrent(reload), false, 'the upload view shows no session');
    assert.equal(page.applyReload(reload, [film(1)]), null);
    page.open('s2');
    assert.equal(page.applyReload(reload, [film(1)]), null, 'another session');
  });
});

describe('manual fixes', () => {
  test('a fix answer overtaken by its film’s own event is reported as overtaken', () => {
    const page = opened();
    page.applyEvent(4, 3); // the film as unmatched
    const fix = page.beginFix(4);
    page.applyEvent(4, 8); // the film re-enriched, before the PATCH answered
    assert.equal(page.applyFixAnswer(fix, film(4, 'pending'), 8), null);
    assert.equal(page.applyEvent(4, 8), false, 'the event stays what the film was set from');
  });

  test('a fix answer not overtaken is taken, and holds against events up to the stream’s last seq', () => {
    const page = opened();
    page.applyEvent(4, 3);
    const fix = page.beginFix(4);
    const answer = film(4, 'pending');
    assert.equal(page.applyFixAnswer(fix, answer, 6), answer);
    assert.equal(page.applyEvent(4, 6), false, 'a replay up to the last seq is older than the answer');
    assert.equal(page.applyEvent(4, 7), true, 'the film’s next event replaces it');
  });

  test('a reload reading the film meanwhile does not count as overtaking', () => {
    const page = opened();
    page.applyEvent(4, 3);
    const fix = page.beginFix(4);
    const reload = page.beginReload(9); // a snapshot while the PATCH is on its way
    assert.deepEqual(ids(page.applyReload(reload, [film(4, 'unmatched')])), [4]);
    const answer = film(4, 'pending');
    assert.equal(page.applyFixAnswer(fix, answer, 9), answer);
  });

  test('another film’s event does not count as overtaking', () => {
    const page = opened();
    const fix = page.beginFix(4); // a film with no event yet
    page.applyEvent(5, 8);
    const answer = film(4, 'pending');
    assert.equal(page.applyFixAnswer(fix, answer, 8), answer);
  });
});

describe('films a re-import removed', () => {
  test('a reload that no longer lists a film shown from an older snapshot names it', () => {
    const page = opened();
    page.applyReload(page.beginReload(5), [film(1), film(2), film(3)]);
    page.applyEvent(4, 12); // added after the next snapshot: the reload may have read the list before it
    const reload = page.beginReload(10);
    assert.deepEqual(page.missingFrom(reload, [film(1), film(3)], [1, 2, 3, 4]), [2]);
    page.newStream();
    assert.deepEqual(page.missingFrom(reload, [film(1)], [1, 2, 3, 4]), [], 'a stale reload says nothing');
  });

  test('a removed film does not come back from a reload read before the removal', () => {
    const page = opened();
    const reload = page.beginReload(10);
    page.remove([2], 11); // the `imported` event at seq 11 arrives while the reload is on its way
    assert.deepEqual(ids(page.applyReload(reload, [film(1), film(2)])), [1]);
    assert.equal(page.applyEvent(2, 11), false);
    assert.equal(page.applyEvent(2, 12), true, 'a film given the same id later arrives with a newer event');
  });
});
