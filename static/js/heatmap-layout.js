// Where each day of a year goes in the calendar heatmap: a column per week,
// a row per weekday (Monday first, as the statistics' weekdays are), and how
// dark its cell is. Dates are handled in UTC so no time zone moves a day.
//
// No DOM here: node imports this module directly (tests/js/heatmap.test.mjs).

const DAY_MS = 86_400_000;

/** How many shades a cell or a country can take besides "none". */
export const LEVELS = 4;

/** The shade of `count` (1 to `levels`, 0 for none) on a linear scale up to `max`. */
export function levelOf(count, max, levels = LEVELS) {
  if (!(count > 0) || !(max > 0)) return 0;
  return Math.min(levels, Math.max(1, Math.ceil((count / max) * levels)));
}

/**
 * The shade of `count` on a logarithmic scale up to `max`: one country
 * (often the United States) holds most films, and a linear scale would
 * leave every other one in the palest shade.
 */
export function logLevelOf(count, max, levels = LEVELS) {
  if (!(count > 0) || !(max > 0)) return 0;
  return Math.min(levels, Math.max(1, Math.ceil((Math.log1p(count) / Math.log1p(max)) * levels)));
}

/** The ISO date (`YYYY-MM-DD`) of a UTC timestamp. */
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

/** Monday 0 … Sunday 6, of a UTC timestamp. */
const weekdayOf = (ms) => (new Date(ms).getUTCDay() + 6) % 7;

/** The year a heatmap shows: the one chosen, else the latest year with viewings (`years`: [{year, viewings}]), else null. */
export function heatmapYear(chosen, years = []) {
  if (chosen != null) return chosen;
  const dated = years.filter((y) => y.viewings > 0).map((y) => y.year);
  return dated.length ? Math.max(...dated) : null;
}

/**
 * The grid of `year`: every day as `{date, week, weekday, count, level}`
 * (`days` being the statistics' [{date, viewings}], other years' ignored),
 * the number of week columns, the week each month starts in, and totals.
 */
export function heatmapLayout(year, days = []) {
  const counts = new Map();
  for (const d of days) {
    if (typeof d.date === 'string' && d.date.startsWith(`${year}-`)) counts.set(d.date, (counts.get(d.date) ?? 0) + d.viewings);
  }
  const max = Math.max(0, ...counts.values());
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  // Days before 1 January in its week leave the first column partly empty.
  const offset = weekdayOf(start);
  const cells = [];
  const months = [];
  for (let ms = start, index = 0; ms < end; ms += DAY_MS, index += 1) {
    const date = isoDate(ms);
    const week = Math.floor((index + offset) / 7);
    if (date.endsWith('-01')) months.push({ month: Number(date.slice(5, 7)) - 1, week });
    const count = counts.get(date) ?? 0;
    cells.push({ date, week, weekday: (index + offset) % 7, count, level: levelOf(count, max) });
  }
  const active = cells.filter((c) => c.count > 0);
  return {
    year,
    weeks: cells.at(-1).week + 1,
    cells,
    months,
    max,
    activeDays: active.length,
    viewings: active.reduce((sum, c) => sum + c.count, 0),
  };
}
