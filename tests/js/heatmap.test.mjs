// The calendar heatmap's layout and shades (static/js/heatmap-layout.js), without a browser.
//
//   node --test tests/js/

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { heatmapLayout, heatmapYear, levelOf, logLevelOf } from '../../static/js/heatmap-layout.js';

describe('the heatmap layout', () => {
  test('a leap year starting on a Monday: 366 days in 53 weeks, Monday first', () => {
    const layout = heatmapLayout(2024, []);
    assert.equal(layout.cells.length, 366);
    assert.equal(layout.weeks, 53);
    assert.deepEqual(layout.cells[0], { date: '2024-01-01', week: 0, weekday: 0, count: 0, level: 0 });
    // 31 December 2024 is a Tuesday in the 53rd column.
    assert.deepEqual(layout.cells.at(-1), { date: '2024-12-31', week: 52, weekday: 1, count: 0, level: 0 });
    assert.equal(layout.activeDays, 0);
    assert.equal(layout.max, 0);
  });

  test('a year starting on a Sunday leaves six empty days in its first column', () => {
    const layout = heatmapLayout(2023, []);
    assert.equal(layout.cells.length, 365);
    assert.deepEqual(layout.cells[0], { date: '2023-01-01', week: 0, weekday: 6, count: 0, level: 0 });
    assert.deepEqual(layout.cells[1], { date: '2023-01-02', week: 1, weekday: 0, count: 0, level: 0 });
    assert.equal(layout.weeks, 53);
  });

  test('a year can need 54 columns (a leap year from a Sunday)', () => {
    const layout = heatmapLayout(2012, []);
    assert.equal(layout.cells[0].weekday, 6);
    assert.equal(layout.weeks, 54);
  });

  test('every weekday is the real one, whatever the time zone', () => {
    for (const cell of heatmapLayout(2024, []).cells) {
      const real = (new Date(`${cell.date}T12:00:00Z`).getUTCDay() + 6) % 7;
      assert.equal(cell.weekday, real, cell.date);
    }
  });

  test('months start in the column of their first day', () => {
    const { months } = heatmapLayout(2024, []);
    assert.equal(months.length, 12);
    assert.deepEqual(months[0], { month: 0, week: 0 });
    assert.deepEqual(months[1], { month: 1, week: 4 }, '1 February 2024 is a Thursday of the fifth week');
    assert.deepEqual(months[11], { month: 11, week: 47 });
  });

  test('days with viewings are counted and shaded; days of other years are left out', () => {
    const days = [
      { date: '2023-12-31', viewings: 9 },
      { date: '2024-01-06', viewings: 1 },
      { date: '2024-03-01', viewings: 4 },
      { date: '2024-03-02', viewings: 2 },
      { date: '2025-01-01', viewings: 9 },
    ];
    const layout = heatmapLayout(2024, days);
    const active = layout.cells.filter((c) => c.count > 0);
    assert.deepEqual(active.map((c) => [c.date, c.count, c.level]), [
      ['2024-01-06', 1, 1],
      ['2024-03-01', 4, 4],
      ['2024-03-02', 2, 2],
    ]);
    assert.equal(layout.activeDays, 3);
    assert.equal(layout.viewings, 7);
    assert.equal(layout.max, 4);
    assert.deepEqual([active[0].week, active[0].weekday], [0, 5], '6 January 2024 is the first Saturday');
  });
});

describe('shades', () => {
  test('linear: none for zero, the darkest for the maximum', () => {
    assert.equal(levelOf(0, 10), 0);
    assert.equal(levelOf(1, 10), 1);
    assert.equal(levelOf(3, 10), 2);
    assert.equal(levelOf(5, 10), 2);
    assert.equal(levelOf(6, 10), 3);
    assert.equal(levelOf(10, 10), 4);
    assert.equal(levelOf(1, 1), 4);
    assert.equal(levelOf(1, 0), 0);
  });

  test('logarithmic: a country of one film still shows beside one of hundreds', () => {
    assert.equal(logLevelOf(0, 500), 0);
    assert.equal(logLevelOf(1, 500), 1);
    assert.ok(logLevelOf(20, 500) >= 2);
    assert.equal(logLevelOf(500, 500), 4);
    assert.equal(logLevelOf(4, 4), 4);
  });
});

describe('the year a heatmap shows', () => {
  test('the one chosen, else the latest with viewings, else none', () => {
    const years = [{ year: 2021, viewings: 3 }, { year: 2024, viewings: 5 }, { year: 2023, viewings: 1 }];
    assert.equal(heatmapYear(2021, years), 2021);
    assert.equal(heatmapYear(1999, years), 1999, 'a year without viewings still gets its (empty) calendar');
    assert.equal(heatmapYear(null, years), 2024);
    assert.equal(heatmapYear(null, []), null);
  });
});
