// The chart filters of the film table (static/js/filter.js), without a browser.
//
//   node --test tests/js/

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { formatFilter, halfStar, matchesFilter, parseFilter, sameFilter, yearWatched } from '../../static/js/filter.js';

/** A film as GET /api/session/{id}/movies lists it, enriched unless said otherwise. */
const film = (fields = {}) => ({
  status: 'enriched',
  genres: ['Drama', 'Romance'],
  directors: ['Celine Song'],
  top_cast: ['Greta Lee', 'Teo Yoo'],
  countries: ['US', 'KR'],
  original_language: 'en',
  release_date: '2023-06-02',
  rating: 4,
  watched_date: '2024-01-06',
  logged_date: null,
  ...fields,
});

describe('parsing a filter', () => {
  test('a kind and a value, numbers for decades, ratings and years watched', () => {
    assert.deepEqual(parseFilter('genre:Drama'), { kind: 'genre', value: 'Drama' });
    assert.deepEqual(parseFilter('director:Bong Joon-ho'), { kind: 'director', value: 'Bong Joon-ho' });
    assert.deepEqual(parseFilter('decade:1950'), { kind: 'decade', value: 1950 });
    assert.deepEqual(parseFilter('rating:4.5'), { kind: 'rating', value: 4.5 });
    assert.deepEqual(parseFilter('watched:2023'), { kind: 'watched', value: 2023 });
    assert.deepEqual(parseFilter('country:KR'), { kind: 'country', value: 'KR' });
  });

  test('only the first colon separates: a value may hold colons', () => {
    assert.deepEqual(parseFilter('actor:Name: With Colon'), { kind: 'actor', value: 'Name: With Colon' });
  });

  test('anything else is no filter', () => {
    for (const text of [null, undefined, '', 'genre', 'genre:', ':Drama', 'colour:red', 'toString:x', '__proto__:x',
      'decade:abc', 'decade:1955.5', 'rating:4.2', 'watched:20x4', 'rating:']) {
      assert.equal(parseFilter(text), null, String(text));
    }
  });

  test('formatting is the inverse of parsing', () => {
    for (const text of ['genre:Science Fiction', 'decade:1990', 'rating:0.5', 'watched:2024', 'language:ko']) {
      assert.equal(formatFilter(parseFilter(text)), text);
    }
  });

  test('two filters are the same when kind and value are', () => {
    assert.ok(sameFilter(parseFilter('decade:1950'), { kind: 'decade', value: 1950 }));
    assert.ok(!sameFilter(parseFilter('decade:1950'), { kind: 'decade', value: '1950' }));
    assert.ok(!sameFilter(parseFilter('genre:Drama'), null));
    assert.ok(sameFilter(null, null));
  });
});

describe('matching a film', () => {
  test('by each of its TMDB fields', () => {
    const f = film();
    assert.ok(matchesFilter(f, parseFilter('genre:Romance')));
    assert.ok(!matchesFilter(f, parseFilter('genre:Comedy')));
    assert.ok(!matchesFilter(f, parseFilter('genre:drama')), 'names are matched exactly, as the server groups them');
    assert.ok(matchesFilter(f, parseFilter('director:Celine Song')));
    assert.ok(matchesFilter(f, parseFilter('actor:Teo Yoo')));
    assert.ok(matchesFilter(f, parseFilter('country:KR')));
    assert.ok(!matchesFilter(f, parseFilter('country:FR')));
    assert.ok(matchesFilter(f, parseFilter('language:en')));
    assert.ok(matchesFilter(f, parseFilter('decade:2020')));
    assert.ok(!matchesFilter(f, parseFilter('decade:2010')));
  });

  test('decades by the release date: 1959 is in the 1950s, 1960 is not', () => {
    assert.ok(matchesFilter(film({ release_date: '1959-12-31' }), parseFilter('decade:1950')));
    assert.ok(!matchesFilter(film({ release_date: '1960-01-01' }), parseFilter('decade:1950')));
    assert.ok(!matchesFilter(film({ release_date: null }), parseFilter('decade:1950')));
    assert.ok(!matchesFilter(film({ release_date: '' }), parseFilter('decade:0')));
  });

  test('TMDB figures count enriched films only, the export’s count every film but the skipped', () => {
    const review = film({ status: 'review' });
    assert.ok(!matchesFilter(review, parseFilter('genre:Drama')), 'a proposal is no match yet');
    assert.ok(!matchesFilter(review, parseFilter('country:US')));
    assert.ok(matchesFilter(review, parseFilter('rating:4')));
    assert.ok(matchesFilter(review, parseFilter('watched:2024')));
    const unmatched = { status: 'unmatched', rating: 3.5, watched_date: '2022-05-01' };
    assert.ok(matchesFilter(unmatched, parseFilter('rating:3.5')));
    assert.ok(matchesFilter(unmatched, parseFilter('watched:2022')));
    const skipped = film({ status: 'skipped' });
    assert.ok(!matchesFilter(skipped, parseFilter('rating:4')));
    assert.ok(!matchesFilter(skipped, parseFilter('watched:2024')));
  });

  test('ratings by the half star the server’s histogram rounds them to', () => {
    assert.equal(halfStar(4.2), 4);
    assert.equal(halfStar(4.25), 4.5, 'halves round up, as ROUND does for positive numbers');
    assert.equal(halfStar(4.74), 4.5);
    assert.equal(halfStar(0.5), 0.5);
    assert.ok(matchesFilter(film({ rating: 4.3 }), parseFilter('rating:4.5')));
    assert.ok(!matchesFilter(film({ rating: null }), parseFilter('rating:0.5')));
  });

  test('years watched by the watched date, else the logged date', () => {
    assert.equal(yearWatched(film()), 2024);
    assert.equal(yearWatched(film({ watched_date: null, logged_date: '2021-03-04' })), 2021);
    assert.equal(yearWatched(film({ watched_date: '2020-01-01', logged_date: '2021-03-04' })), 2020);
    assert.equal(yearWatched(film({ watched_date: null, logged_date: null })), null);
    assert.ok(matchesFilter(film({ watched_date: null, logged_date: '2021-03-04' }), parseFilter('watched:2021')));
    assert.ok(!matchesFilter(film({ watched_date: null }), parseFilter('watched:2024')));
  });

  test('films missing a list field match nothing in it', () => {
    const bare = { status: 'enriched' };
    for (const text of ['genre:Drama', 'director:X', 'actor:X', 'country:US', 'language:en', 'decade:2020', 'rating:4', 'watched:2024']) {
      assert.ok(!matchesFilter(bare, parseFilter(text)), text);
    }
    assert.ok(!matchesFilter(film(), null));
  });
});
