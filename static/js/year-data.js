// The figures of a year in review, shaped for drawing: the year picker's
// choices, viewings per month or per year, per weekday, and the share card's
// address and file name.
//
// No DOM here: node imports this module directly (tests/js/year.test.mjs).

/** Weekday names, Monday first like the statistics' `weekdays`. */
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Month names, January first. */
export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * The year picker's choices: `null` (all time) then the years with dated
 * viewings, latest first; a chosen year the library has no viewing in (an
 * old link) is kept so the picker can show it.
 */
export function yearChoices(years = [], chosen = null) {
  const list = years.map((y) => y.year);
  if (chosen != null && !list.includes(chosen)) list.push(chosen);
  return [null, ...list.sort((a, b) => b - a)];
}

/** Viewings per month of `year`, all twelve months (statistics' months: [{month: 'YYYY-MM', viewings, films}]). */
export function monthsOfYear(year, months = []) {
  return MONTHS.map((name, index) => {
    const key = `${year}-${String(index + 1).padStart(2, '0')}`;
    const found = months.find((m) => m.month === key);
    return { month: key, name, viewings: found?.viewings ?? 0, films: found?.films ?? 0 };
  });
}

/** Viewings per year from the first dated one to the last, years without any included (statistics' years: [{year, viewings}]). */
export function viewingsPerYear(years = []) {
  if (!years.length) return [];
  const byYear = new Map(years.map((y) => [y.year, y.viewings]));
  const first = Math.min(...byYear.keys());
  const last = Math.max(...byYear.keys());
  const out = [];
  for (let year = first; year <= last; year += 1) out.push({ year, viewings: byYear.get(year) ?? 0 });
  return out;
}

/** The weekday most viewings fall on (Monday first index), or null without viewings. */
export function busiestWeekday(weekdays = []) {
  const max = Math.max(0, ...weekdays);
  return max > 0 ? weekdays.indexOf(max) : null;
}

/** Where the share card of session `id` (and `year`, or all time) is drawn. */
export const cardUrl = (id, year = null) =>
  `/api/session/${encodeURIComponent(id)}/card.png${year != null ? `?year=${year}` : ''}`;

/** The share card's file name: `reelstream-<id>-<year|all>.png`. */
export const cardFileName = (id, year = null) => `reelstream-${id}-${year ?? 'all'}.png`;

/** How far a person's rating (0.5–5) lies above TMDB's average (0–10), on TMDB's scale; null without both. */
export function aboveTmdb(film) {
  if (film?.rating == null || film?.vote_average == null) return null;
  return Math.round((film.rating * 2 - film.vote_average) * 10) / 10;
}
