// The year in review's address and figures (static/js/params.js,
// static/js/year-data.js), without a browser.
//
//   node --test tests/js/

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseYear, readView, withView } from '../../static/js/params.js';
import {
  aboveTmdb, busiestWeekday, cardFileName, cardUrl, monthsOfYear, viewingsPerYear, yearChoices,
} from '../../static/js/year-data.js';

const SESSION = 'http://127.0.0.1:8080/?session=0b9c';

describe('the address', () => {
  test('reads the year and the filter', () => {
    assert.deepEqual(readView('?session=x&year=2024&filter=genre:Drama'), { year: 2024, filter: { kind: 'genre', value: 'Drama' } });
    assert.deepEqual(readView('?session=x&filter=genre%3AScience+Fiction'), { year: null, filter: { kind: 'genre', value: 'Science Fiction' } });
    assert.deepEqual(readView('?session=x'), { year: null, filter: null });
  });

  test('drops a year the server would refuse, and a filter of no kind', () => {
    for (const year of ['20x4', '1869', '2101', '24', '2024.0', ' 2024', '']) assert.equal(parseYear(year), null, year);
    assert.equal(parseYear('1870'), 1870);
    assert.deepEqual(readView('?year=abc&filter=colour:red'), { year: null, filter: null });
  });

  test('writes them after the session, readable, the rest of the address kept', () => {
    assert.equal(withView(SESSION, { year: 2024 }), `${SESSION}&year=2024`);
    assert.equal(withView(SESSION, { filter: { kind: 'genre', value: 'Drama' } }), `${SESSION}&filter=genre:Drama`);
    assert.equal(withView(`${SESSION}&transport=polling#x`, { year: 2023, filter: { kind: 'decade', value: 1950 } }),
      `${SESSION}&transport=polling&year=2023&filter=decade:1950#x`);
  });

  test('replaces or removes what was there', () => {
    const viewed = `${SESSION}&year=2023&filter=genre:Drama`;
    assert.equal(withView(viewed, { year: 2024, filter: { kind: 'genre', value: 'Drama' } }), `${SESSION}&year=2024&filter=genre:Drama`);
    assert.equal(withView(viewed, {}), SESSION);
    assert.equal(withView('http://h/?year=2023', {}), 'http://h/');
  });

  test('what it writes reads back the same, whatever the value holds', () => {
    for (const value of ['Science Fiction', 'Drama & Crime', 'Bong Joon-ho', 'Amélie, Poulain', 'a+b=c?', '50%', 'x#y']) {
      const filter = { kind: 'actor', value };
      const href = withView(SESSION, { year: 2024, filter });
      assert.deepEqual(readView(new URL(href).search), { year: 2024, filter }, href);
      assert.equal(new URL(href).searchParams.get('session'), '0b9c');
    }
  });
});

describe('the year picker', () => {
  test('all time, then the years with viewings, latest first', () => {
    const years = [{ year: 2021, viewings: 1 }, { year: 2023, viewings: 2 }, { year: 2024, viewings: 4 }];
    assert.deepEqual(yearChoices(years), [null, 2024, 2023, 2021]);
    assert.deepEqual(yearChoices(years, 2023), [null, 2024, 2023, 2021]);
  });

  test('a year the address chose is offered even without viewings', () => {
    assert.deepEqual(yearChoices([{ year: 2024, viewings: 4 }], 1999), [null, 2024, 1999]);
    assert.deepEqual(yearChoices([], 2024), [null, 2024]);
    assert.deepEqual(yearChoices([]), [null]);
  });
});

describe('the figures of a year', () => {
  test('every month of the year, those without viewings at zero', () => {
    const months = monthsOfYear(2024, [
      { month: '2024-01', viewings: 1, films: 1 },
      { month: '2024-03', viewings: 2, films: 2 },
      { month: '2023-03', viewings: 9, films: 9 },
    ]);
    assert.equal(months.length, 12);
    assert.deepEqual(months.map((m) => m.viewings), [1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(months[2], { month: '2024-03', name: 'March', viewings: 2, films: 2 });
  });

  test('viewings per year from the first to the last, gaps at zero', () => {
    assert.deepEqual(viewingsPerYear([{ year: 2024, viewings: 5 }, { year: 2021, viewings: 1 }]), [
      { year: 2021, viewings: 1 }, { year: 2022, viewings: 0 }, { year: 2023, viewings: 0 }, { year: 2024, viewings: 5 },
    ]);
    assert.deepEqual(viewingsPerYear([]), []);
  });

  test('the busiest weekday, Monday first', () => {
    assert.equal(busiestWeekday([0, 0, 1, 0, 1, 3, 0]), 5);
    assert.equal(busiestWeekday([2, 0, 0, 0, 0, 0, 2]), 0, 'the first of a tie');
    assert.equal(busiestWeekday([0, 0, 0, 0, 0, 0, 0]), null);
    assert.equal(busiestWeekday([]), null);
  });

  test('how far a rating lies from TMDB’s average, on TMDB’s scale', () => {
    assert.equal(aboveTmdb({ rating: 5, vote_average: 8.5 }), 1.5);
    assert.equal(aboveTmdb({ rating: 3, vote_average: 7.7 }), -1.7);
    assert.equal(aboveTmdb({ rating: 4, vote_average: 8.1 }), -0.1);
    assert.equal(aboveTmdb({ rating: null, vote_average: 8.1 }), null);
    assert.equal(aboveTmdb({ rating: 4 }), null);
  });
});

describe('the share card', () => {
  test('of a year, or of all time', () => {
    assert.equal(cardUrl('0b9c', 2024), '/api/session/0b9c/card.png?year=2024');
    assert.equal(cardUrl('0b9c'), '/api/session/0b9c/card.png');
    assert.equal(cardFileName('0b9c', 2024), 'reelstream-0b9c-2024.png');
    assert.equal(cardFileName('0b9c', null), 'reelstream-0b9c-all.png');
  });
});
