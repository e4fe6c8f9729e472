// The year in review: when and how often the films were watched (viewings
// and films, first watches and rewatches, per month, per weekday, the
// calendar heatmap) and the films worth naming (rated furthest from TMDB,
// longest, shortest, new releases against older), for the year chosen or
// all time. Figures from the statistics' `viewings` and `highlights`.

import { chart } from './charts.js';
import { h, number, runtime } from './format.js';
import { heatmap } from './heatmap.js';
import { heatmapYear } from './heatmap-layout.js';
import { WEEKDAYS, aboveTmdb, busiestWeekday, monthsOfYear, viewingsPerYear } from './year-data.js';

const signed = (n) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(1)}`;

/** A film a highlight names: title and year, then what it is named for. */
function film(f, detail) {
  return h('li', { dataset: { movieId: f.id } },
    h('span', { class: 'highlight-title' }, f.title), f.year ? h('span', { class: 'muted' }, ` (${f.year})`) : null,
    h('span', { class: 'highlight-detail' }, detail(f)));
}

function list(id, title, films, detail) {
  return h('section', { class: 'highlight', id, 'aria-labelledby': `${id}-title` },
    h('h4', { id: `${id}-title` }, title),
    films.length ? h('ol', {}, films.map((f) => film(f, detail))) : h('p', { class: 'muted' }, 'None.'));
}

const versus = (f) => `${f.rating} ★ · TMDB ${f.vote_average.toFixed(1)} (${signed(aboveTmdb(f))})`;
const length = (f) => runtime(f.runtime);

/** The split of the films between new releases and older ones, as words and a bar. */
function releaseSplit(hl, year) {
  const total = hl.new_releases + hl.older;
  const share = total ? Math.round((hl.new_releases / total) * 100) : 0;
  const when = year == null ? 'the year they came out' : `${year}, the year they came out`;
  const bar = h('span', { class: 'split-bar', 'aria-hidden': 'true' }, h('span', { class: 'split-new' }));
  // The CSSOM, not a style attribute: the content security policy refuses those.
  bar.firstChild.style.width = `${share}%`;
  return h('div', { class: 'release-split', id: 'release-split' },
    h('p', {},
      h('strong', { dataset: { figure: 'new-releases' } }, number(hl.new_releases)), ` new release${hl.new_releases === 1 ? '' : 's'} (watched in ${when}) · `,
      h('strong', { dataset: { figure: 'older' } }, number(hl.older)), ` older film${hl.older === 1 ? '' : 's'}`),
    bar);
}

function figures(v) {
  const busiest = busiestWeekday(v.weekdays);
  const entries = [
    ['viewings', 'Viewings', number(v.viewings)],
    ['films', 'Films watched', number(v.films)],
    ['first-watches', 'First watches', number(v.first_watches)],
    ['rewatches', 'Rewatches', number(v.rewatches)],
    ['busiest', 'Busiest day', busiest == null ? '—' : WEEKDAYS[busiest]],
  ];
  return h('dl', { class: 'viewing-figures', id: 'viewing-figures' },
    entries.map(([key, label, value]) => h('div', { dataset: { figure: key } }, h('dt', {}, label), h('dd', {}, value))));
}

function viewingCharts(v, year) {
  const perPeriod = year == null
    ? chart({
      id: 'chart-viewing-years',
      title: 'Viewings per year',
      kind: 'columns',
      items: viewingsPerYear(v.years).map((y) => ({ label: String(y.year), short: String(y.year), value: y.viewings })),
    })
    : chart({
      id: 'chart-months',
      title: 'Viewings per month',
      kind: 'columns',
      items: monthsOfYear(year, v.months).map((m) => ({ label: `${m.name} ${year}`, short: m.name.slice(0, 3), value: m.viewings })),
    });
  const weekdays = chart({
    id: 'chart-weekdays',
    title: 'Viewings per weekday',
    kind: 'columns',
    items: WEEKDAYS.map((day, index) => ({ label: day, short: day.slice(0, 3), value: v.weekdays?.[index] ?? 0 })),
  });
  return h('div', { class: 'year-charts' }, perPeriod, weekdays);
}

/**
 * Draws the year in review of `stats` into `container` (`year` null for all
 * time); hides it for a library without any dated viewing.
 */
export function renderYearReview(container, stats, year) {
  const v = stats.viewings;
  const hl = stats.highlights;
  if (!v || (!v.years.length && year == null)) {
    container.hidden = true;
    container.replaceChildren();
    return;
  }
  container.hidden = false;
  const shownYear = heatmapYear(year, v.years);
  container.replaceChildren(...[
    h('h3', { id: 'year-review-title', class: 'year-review-title' }, year == null ? 'All time in review' : `${year} in review`),
    h('p', { class: 'muted year-review-note' }, year == null
      ? 'Every dated viewing in the export (diary entries, viewing history).'
      : `The viewings dated in ${year}; every figure on this page counts the films watched that year.`),
    figures(v),
    viewingCharts(v, year),
    shownYear == null ? null : heatmap(shownYear, v.days),
    hl ? h('div', { class: 'highlights', id: 'highlights' },
      list('highlight-above', 'Rated above TMDB', hl.above_tmdb, versus),
      list('highlight-below', 'Rated below TMDB', hl.below_tmdb, versus),
      list('highlight-longest', 'Longest', hl.longest, length),
      list('highlight-shortest', 'Shortest', hl.shortest, length),
    ) : null,
    hl ? releaseSplit(hl, year) : null,
  ].filter(Boolean));
}
