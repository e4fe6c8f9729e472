// The calendar heatmap of a year's viewing days, GitHub-style: a column per
// week, a row per weekday, each day a square shaded by its viewings, with a
// <title> naming the day and its count. Layout in heatmap-layout.js.

import { s } from './charts.js';
import { h, number } from './format.js';
import { LEVELS, heatmapLayout } from './heatmap-layout.js';
import { WEEKDAYS } from './year-data.js';

const CELL = 11;
const GAP = 2;
const STEP = CELL + GAP;
const LEFT = 30;
const TOP = 16;
const MONTH_LABELS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const dayFormat = new Intl.DateTimeFormat(document.documentElement.lang || 'en', {
  weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC',
});

const viewings = (n) => `${number(n)} viewing${n === 1 ? '' : 's'}`;

/** A <figure> with the heatmap of `year`'s viewing days (`days`: [{date, viewings}]). */
export function heatmap(year, days) {
  const layout = heatmapLayout(year, days);
  const width = LEFT + layout.weeks * STEP;
  const height = TOP + 7 * STEP;
  const summary = layout.activeDays
    ? `Viewing days in ${year}: ${number(layout.activeDays)} day${layout.activeDays === 1 ? '' : 's'} with ${viewings(layout.viewings)}, at most ${number(layout.max)} a day`
    : `Viewing days in ${year}: none`;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': summary, class: 'heatmap-grid' });
  for (const { month, week } of layout.months) {
    svg.append(s('text', { class: 'axis', x: LEFT + week * STEP, y: TOP - 5 }, MONTH_LABELS[month]));
  }
  for (const weekday of [0, 2, 4]) {
    svg.append(s('text', { class: 'axis', x: LEFT - 6, y: TOP + weekday * STEP + CELL - 2, 'text-anchor': 'end' }, WEEKDAYS[weekday].slice(0, 3)));
  }
  for (const cell of layout.cells) {
    const when = dayFormat.format(new Date(`${cell.date}T00:00:00Z`));
    svg.append(s('rect', {
      class: `day level-${cell.level}`,
      x: LEFT + cell.week * STEP,
      y: TOP + cell.weekday * STEP,
      width: CELL,
      height: CELL,
      rx: 2,
      'data-date': cell.date,
      'data-count': cell.count,
    }, s('title', {}, `${when}: ${cell.count ? viewings(cell.count) : 'no viewing'}`)));
  }
  const legend = h('p', { class: 'heatmap-legend muted', 'aria-hidden': 'true' }, 'Less',
    ...Array.from({ length: LEVELS + 1 }, (_, level) => h('span', { class: `swatch level-${level}` })), 'More');
  return h('figure', { class: 'heatmap', id: 'heatmap', dataset: { year: String(year) } },
    h('figcaption', {}, h('span', {}, `Viewing days in ${year}`),
      h('span', { class: 'muted' }, layout.activeDays ? `${number(layout.activeDays)} days, ${viewings(layout.viewings)}` : 'no dated viewing')),
    h('div', { class: 'heatmap-scroll' }, svg),
    legend);
}
