// The statistics of a session: tiles, the year in review (year-review.js),
// charts and the world map (worldmap.js), of all time or of the year
// chosen, read again while films keep arriving (at most one request at a
// time) and once it completes. Chart bars and countries filter the films.

import * as api from './api.js';
import { chart as drawChart, keepFocus } from './charts.js';
import { country, h, language, longDuration, number, runtime } from './format.js';
import { renderWorldMap } from './worldmap.js';
import { renderYearReview } from './year-review.js';

/** How often statistics are read again while films keep arriving. */
const STATS_INTERVAL_MS = 1500;
/** Entries asked of each name list: every country for the map (there are about 250 codes). */
const TOP_ASKED = 300;
/** Entries a chart of names shows. */
const TOP_SHOWN = 10;

const $ = (id) => document.getElementById(id);

/** The statistics panel of whichever session `currentSession()` names. */
export class Stats {
  /**
   * @param {() => string|null} currentSession the session on the page
   * @param {{onSelect(filter: object|null): void, isActive(filter: object): boolean}} select
   *   what a chart bar or a country does when pressed, and which one is pressed
   * @param {(stats: object) => void} [onRender] told of each statistics drawn (the year picker follows them)
   */
  constructor(currentSession, select, onRender = () => {}) {
    this.currentSession = currentSession;
    this.select = select;
    this.onRender = onRender;
    this.timer = null;
    this.inFlight = false;
    this.again = false;
    this.last = '';
    this.stats = null;
    /** The year in review shown, or null for all time. */
    this.year = null;
  }

  /** Forgets what was drawn, so a new session's statistics are drawn even when equal. */
  reset() {
    this.last = '';
    this.stats = null;
  }

  /** Shows the statistics of `year` (null: all time), read now. */
  setYear(year) {
    if (year === this.year) return;
    this.year = year;
    this.refresh(true);
  }

  /** Draws the last statistics again (another bar is pressed now). */
  redraw() {
    if (!this.stats) return;
    this.last = '';
    this.render(this.stats);
  }

  /** Reads the statistics again soon, once for any number of calls meanwhile. */
  schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh();
    }, STATS_INTERVAL_MS);
  }

  /** Reads the statistics now when `now`, else as `schedule` would if one read is already in flight. */
  async refresh(now = false) {
    if (now && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inFlight) {
      // The one in flight may predate what asked for this one.
      this.again = now ? 'now' : this.again || 'later';
      return;
    }
    const id = this.currentSession();
    const year = this.year;
    this.inFlight = true;
    try {
      const stats = await api.getStats(id, TOP_ASKED, year);
      // Another year asked meanwhile: its own read follows (`again`).
      if (id === this.currentSession() && year === this.year) this.render(stats);
    } catch (err) {
      console.warn('reelstream: statistics unavailable', err);
    } finally {
      this.inFlight = false;
      const again = this.again;
      this.again = false;
      if (again === 'now') this.refresh(true);
      else if (again) this.schedule();
    }
  }

  /** Draws the tiles, the year in review, the charts and the map, unless they show these statistics already. */
  render(stats) {
    const key = JSON.stringify(stats);
    if (key === this.last) return;
    this.last = key;
    this.stats = stats;
    const year = stats.viewings?.year ?? null;

    const tiles = [
      [year == null ? 'Films' : `Films of ${year}`, number(stats.total_movies),
        `${number(stats.enriched_movies)} enriched${stats.review_movies ? `, ${number(stats.review_movies)} to review (counted once accepted)` : ''}`],
      ['Watch time', longDuration(stats.runtime.total_minutes), `${number(stats.runtime.films)} films with a runtime`],
      ['Average runtime', stats.runtime.average_minutes ? runtime(Math.round(stats.runtime.average_minutes)) : '—', null],
      ['Top genre', stats.genres[0]?.name ?? '—', stats.genres[0] ? `${number(stats.genres[0].count)} films` : null],
      ['Top director', stats.directors[0]?.name ?? '—', stats.directors[0] ? `${number(stats.directors[0].count)} films` : null],
    ];
    if (stats.ratings) {
      tiles.push(['Average rating', `${stats.ratings.average.toFixed(2)} ★`, `${number(stats.ratings.rated)} rated`]);
    }
    $('stat-tiles').replaceChildren(
      ...tiles.map(([label, value, note]) =>
        h('div', { class: 'tile' }, h('p', { class: 'tile-label' }, label), h('p', { class: /^[\d.,\s]+$|^\d/.test(value) ? 'tile-value' : 'tile-value is-text' }, value), note ? h('p', { class: 'tile-note' }, note) : null),
      ),
    );
    renderYearReview($('year-review'), stats, year);
    keepFocus($('charts'), () => $('charts').replaceChildren(...charts(stats, this.select)));
    renderWorldMap($('world-map'), stats.countries, this.select);
    this.onRender(stats);
  }
}

/** Every chart the statistics have data for, in the order they are shown. */
function charts(stats, select) {
  const named = (list, kind, name = (n) => n) =>
    list.slice(0, TOP_SHOWN).map((e) => ({ label: name(e.name), value: e.count, filter: { kind, value: e.name } }));
  const chart = (options) => drawChart({ ...options, select });
  const charts = [
    chart({ id: 'chart-genres', title: 'Genres', items: named(stats.genres, 'genre') }),
    chart({
      id: 'chart-decades',
      title: 'Decades',
      kind: 'columns',
      items: stats.decades.map((d) => ({
        label: `${d.decade}s`,
        short: stats.decades.length > 9 ? `’${String(d.decade).slice(2)}` : `${d.decade}s`,
        value: d.count,
        filter: { kind: 'decade', value: d.decade },
      })),
    }),
    chart({ id: 'chart-directors', title: 'Directors', note: 'most watched', items: named(stats.directors, 'director') }),
    chart({ id: 'chart-countries', title: 'Countries', note: 'of production', items: named(stats.countries, 'country', country) }),
    chart({
      id: 'chart-runtime',
      title: 'Runtime',
      note: stats.runtime.average_minutes ? `average ${runtime(Math.round(stats.runtime.average_minutes))}` : null,
      kind: 'columns',
      items: stats.runtime.buckets.map((b) => ({
        label: b.max_minutes == null ? `${b.min_minutes}+ min` : b.min_minutes === 0 ? `under ${b.max_minutes + 1} min` : `${b.min_minutes}–${b.max_minutes} min`,
        short: b.max_minutes == null ? `${b.min_minutes}+` : b.min_minutes === 0 ? `<${b.max_minutes + 1}` : String(b.min_minutes),
        value: b.count,
      })),
    }),
    chart({ id: 'chart-languages', title: 'Languages', note: 'original', items: named(stats.languages, 'language', language) }),
  ];
  if (stats.ratings) {
    charts.push(chart({
      id: 'chart-ratings',
      title: 'Your ratings',
      note: `average ${stats.ratings.average.toFixed(2)} ★`,
      kind: 'columns',
      items: stats.ratings.histogram.map((r) => ({
        label: `${r.rating} ★`,
        short: String(r.rating),
        value: r.count,
        filter: { kind: 'rating', value: r.rating },
      })),
    }));
  }
  if (stats.watched_years.length) {
    charts.push(chart({
      id: 'chart-watched',
      title: 'Films per year watched',
      kind: 'columns',
      items: stats.watched_years.map((y) => ({
        label: String(y.year),
        short: stats.watched_years.length > 8 ? `’${String(y.year).slice(2)}` : String(y.year),
        value: y.count,
        filter: { kind: 'watched', value: y.year },
      })),
    }));
  }
  charts.push(chart({ id: 'chart-actors', title: 'Actors', note: 'top-billed', items: named(stats.actors, 'actor') }));
  return charts;
}
