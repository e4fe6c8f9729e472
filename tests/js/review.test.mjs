// The Review tab's rules (static/js/review.js), without a browser.
//
//   node --test tests/js/

import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';

import {
  DebouncedSearch,
  DetailCache,
  ReviewFocus,
  acceptable,
  minConfidence,
  needsWatch,
  percent,
  reviewItems,
  searchQuery,
  searchRequest,
  sessionStamp,
} from '../../static/js/review.js';

const film = (id, status, extra = {}) => ({ id, row: id, status, ...extra });
const ids = (movies) => movies.map((m) => m.id);

describe('the films of the Review tab', () => {
  test('only films in review, in upload order', () => {
    const movies = [film(3, 'review'), film(1, 'enriched'), film(2, 'review'), film(4, 'unmatched'), film(5, 'pending')];
    assert.deepEqual(ids(reviewItems(movies)), [2, 3]);
  });

  test('a film a person pointed elsewhere stays while it is pending, then leaves', () => {
    const picking = new Set([2]);
    assert.deepEqual(ids(reviewItems([film(2, 'pending'), film(3, 'review')], picking)), [2, 3]);
    assert.deepEqual(ids(reviewItems([film(2, 'enriched'), film(3, 'review')], picking)), [3]);
    assert.deepEqual(ids(reviewItems([film(5, 'pending')], picking)), [], 'a pending film nobody picked for');
  });

  test('confidences are shown as whole percents', () => {
    assert.equal(percent(0.736), 74);
    assert.equal(percent(1), 100);
    assert.equal(percent(null), null);
    assert.equal(percent(undefined), null);
  });
});

describe('accept all at N % or more', () => {
  test('takes every film shown at N % or more, and no other', () => {
    const movies = [
      film(1, 'review', { match_confidence: 0.795 }), // shown as 80 %
      film(2, 'review', { match_confidence: 0.794 }), // shown as 79 %
      film(3, 'review', { match_confidence: 0.9 }),
      film(4, 'enriched', { match_confidence: 0.95 }),
      film(5, 'review', { match_confidence: null }),
    ];
    assert.deepEqual(ids(acceptable(movies, 80)), [1, 3]);
    for (const m of acceptable(movies, 80)) assert.ok(percent(m.match_confidence) >= 80);
    assert.deepEqual(ids(acceptable(movies, 95)), []);
    assert.deepEqual(ids(acceptable(movies, 0)), [1, 2, 3]);
  });

  test('the threshold sent is the shown percent’s lower rounding edge, within 0–1', () => {
    assert.equal(minConfidence(80), 0.795);
    assert.equal(minConfidence(0), 0);
    assert.equal(minConfidence(100), 0.995);
    assert.equal(minConfidence(150), 0.995, 'clamped to 100 %');
    assert.equal(minConfidence(-3), 0);
    assert.equal(minConfidence('abc'), 0);
  });
});

describe('the focus in the Review tab', () => {
  test('starts on the first film and moves within the list, stopping at the ends', () => {
    const focus = new ReviewFocus();
    assert.equal(focus.sync([10, 20, 30]), 10);
    assert.equal(focus.move(1), 20);
    assert.equal(focus.move(1), 30);
    assert.equal(focus.move(1), 30, 'the last stays');
    assert.equal(focus.move(-5), 10, 'the first stays');
    assert.equal(focus.last(), 30);
    assert.equal(focus.first(), 10);
  });

  test('a film that leaves gives the focus to the one that took its place', () => {
    const focus = new ReviewFocus();
    focus.sync([10, 20, 30]);
    focus.set(20);
    assert.equal(focus.sync([10, 30]), 30, 'accepted: the next one');
    assert.equal(focus.sync([10]), 10, 'the last one left: the one before');
    assert.equal(focus.sync([]), null, 'none left');
    assert.equal(focus.sync([40]), 40, 'a new film gets it');
  });

  test('several leaving at once (a bulk accept elsewhere): the next still there', () => {
    const focus = new ReviewFocus();
    focus.sync([1, 2, 3, 4, 5]);
    focus.set(2);
    assert.equal(focus.sync([1, 5]), 5);
  });

  test('a film arriving before the focused one does not move the focus', () => {
    const focus = new ReviewFocus();
    focus.sync([10, 20]);
    focus.set(20);
    assert.equal(focus.sync([5, 10, 20]), 20);
  });

  test('set ignores a film not in the list', () => {
    const focus = new ReviewFocus();
    focus.sync([1, 2]);
    assert.equal(focus.set(9), 1);
  });
});

describe('the picker’s search box', () => {
  test('free text, with a year of its own or a trailing “(year)”', () => {
    assert.equal(searchRequest('   '), null);
    assert.deepEqual(searchRequest(' piranha ', ''), { query: 'piranha', year: null, type: 'movie' });
    assert.deepEqual(searchRequest('piranha', '1978'), { query: 'piranha', year: 1978, type: 'movie' });
    assert.deepEqual(searchRequest('Piranha (1978)'), { query: 'Piranha', year: 1978, type: 'movie' });
    assert.deepEqual(searchRequest('Piranha (1978)', '2010').year, 2010, 'the year field wins');
    assert.deepEqual(searchRequest('1917'), { query: '1917', year: null, type: 'movie' }, 'a bare number is a title or an id');
    assert.equal(searchRequest('x', '12').year, null, 'not a year');
    assert.equal(searchRequest('x', '1066').year, null, 'before cinema');
    assert.equal(searchRequest('chernobyl', '', 'tv').type, 'tv');
  });

  test('URLs and ids go to the server as they are', () => {
    const url = 'https://www.themoviedb.org/movie/603-the-matrix';
    assert.deepEqual(searchRequest(url), { query: url, year: null, type: 'movie' });
    assert.equal(searchQuery(searchRequest(url)), `query=${encodeURIComponent(url)}`);
    assert.equal(searchQuery(searchRequest('tt0133093')), 'query=tt0133093');
    assert.equal(searchQuery(searchRequest('dune', '1984', 'tv')), 'query=dune&year=1984&type=tv');
  });

  test('waits for a pause in typing, and only the latest answer lands', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const asked = [];
      const answers = [];
      let release;
      const search = (params) => {
        asked.push(params.query);
        if (params.query === 'pir') return new Promise((resolve) => (release = () => resolve('old')));
        return Promise.resolve(`found ${params.query}`);
      };
      const box = new DebouncedSearch(search, { delay: 300, timers: globalThis });
      const onResult = (answer) => answers.push(answer);
      box.request({ query: 'p' }, { onResult });
      mock.timers.tick(100);
      box.request({ query: 'pir' }, { onResult });
      mock.timers.tick(299);
      assert.deepEqual(asked, [], 'nothing while typing');
      mock.timers.tick(1);
      assert.deepEqual(asked, ['pir']);
      // "pir" is on its way when "piranha" is typed and answered first.
      box.request({ query: 'piranha' }, { onResult });
      mock.timers.tick(300);
      await Promise.resolve();
      await Promise.resolve();
      release();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(asked, ['pir', 'piranha']);
      assert.deepEqual(answers, ['found piranha'], 'the older answer is dropped');

      // Clearing the box drops what is waiting.
      box.request({ query: 'x' }, { onResult });
      box.request(null, { onResult });
      mock.timers.tick(1000);
      assert.deepEqual(asked, ['pir', 'piranha']);

      // A submitted form searches at once.
      box.request({ query: 'now' }, { onResult }, 0);
      mock.timers.tick(0);
      assert.deepEqual(asked, ['pir', 'piranha', 'now']);
    } finally {
      mock.timers.reset();
    }
  });

  test('an error reaches only the latest request', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const errors = [];
      const box = new DebouncedSearch(() => Promise.reject(new Error('502')), { delay: 10, timers: globalThis });
      box.request({ query: 'a' }, { onError: (err) => errors.push(err.message) });
      mock.timers.tick(10);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(errors, ['502']);
      box.request({ query: 'b' }, { onError: (err) => errors.push(err.message) });
      mock.timers.tick(10);
      box.cancel();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(errors, ['502'], 'a cancelled request says nothing');
    } finally {
      mock.timers.reset();
    }
  });
});

describe('candidate details', () => {
  test('asked once per record however many ask, a failure asked again', async () => {
    const calls = [];
    let fail = true;
    const cache = new DetailCache(async (type, id) => {
      calls.push(`${type}/${id}`);
      if (id === 2 && fail) throw new Error('down');
      return { tmdb_id: id, directors: ['D'] };
    });
    const [a, b] = await Promise.all([cache.get('movie', 1), cache.get('movie', 1)]);
    assert.equal(a, b);
    assert.deepEqual(cache.peek('movie', 1), { tmdb_id: 1, directors: ['D'] });
    assert.equal(cache.peek('tv', 1), undefined, 'a series is another record');
    await assert.rejects(cache.get('movie', 2));
    fail = false;
    assert.deepEqual(await cache.get('movie', 2), { tmdb_id: 2, directors: ['D'] });
    assert.deepEqual(calls, ['movie/1', 'movie/2', 'movie/2']);
  });
});

describe('following a completed session with films in review', () => {
  const session = {
    status: 'completed',
    processed_count: 5,
    review_count: 2,
    enriched_count: 3,
    unmatched_count: 0,
    failed_count: 0,
    updated_at: '2026-01-01T00:00:00Z',
  };

  test('is needed only while films wait for a person after completion', () => {
    assert.equal(needsWatch(session), true);
    assert.equal(needsWatch({ ...session, review_count: 0 }), false);
    assert.equal(needsWatch({ ...session, status: 'enriching' }), false, 'the stream is still open');
    assert.equal(needsWatch(null), false);
  });

  test('an accept elsewhere changes the stamp; the same counters read again do not', () => {
    assert.equal(sessionStamp(session), sessionStamp({ ...session }));
    assert.notEqual(sessionStamp(session), sessionStamp({ ...session, review_count: 1, enriched_count: 4 }));
    assert.equal(sessionStamp(session), sessionStamp({ ...session, updated_at: '2026-01-01T00:00:00.000Z' }), 'however the time is written');
    assert.notEqual(sessionStamp(session), sessionStamp({ ...session, status: 'enriching' }), 'a pick reopened it');
  });
});
