// The library: a table of films by status (paged, sortable, filterable),
// the "Unmatched" panel (unmatched-view.js) where a person fixes a match,
// and the "To review" panel (review-view.js) where a person confirms a
// proposed one. A viewer (no owner token) gets both without their controls.
//
// Rows are keyed by movie and rebuilt only when that movie changes, so live
// updates do not disturb the focus or the highlight of a film that just
// arrived.

import { h, initials, reconcile, runtime } from './format.js';
import { UnmatchedPanel } from './unmatched-view.js';

const PAGE_SIZE = 50;
const STATUSES = ['review', 'enriched', 'unmatched', 'failed', 'skipped', 'pending'];

/** A status as the page names it. */
export const STATUS_LABELS = { review: 'To review' };

/** What a skipped row is, for people (the API's `skip_reason`). */
const SKIP_REASONS = {
  tv_episode: 'a TV episode',
  video_game: 'a video game',
  podcast: 'a podcast',
  music_video: 'a music video',
};

const fold = (text) =>
  String(text ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();

const yearOf = (m) => (m.release_date ? Number(m.release_date.slice(0, 4)) || m.year : m.year);

const SORTS = {
  row: (a, b) => a.row - b.row || a.id - b.id,
  title: (a, b) => fold(a.matched_title || a.title).localeCompare(fold(b.matched_title || b.title)),
  year: (a, b) => (yearOf(a) ?? 99999) - (yearOf(b) ?? 99999),
  runtime: (a, b) => (a.runtime ?? -1) - (b.runtime ?? -1),
  confidence: (a, b) => (a.match_confidence ?? -1) - (b.match_confidence ?? -1),
};

export class Library {
  /**
   * @param {object} options
   * @param {(movie: object, tmdbId: number, mediaType: string) => Promise<object|null>} options.onFix
   *   fixes a match and answers the movie as queued again, or null when the
   *   film's newer state has already arrived
   * @param {{render(movies: Iterable<object>): void, reset(): void, redraw(): void}} options.review
   *   the "To review" panel, drawn from the same films
   * @param {() => boolean} [options.canWrite] whether this page may change the session (owner.js)
   */
  constructor({ onFix, review, canWrite = () => true }) {
    this.review = review;
    this.unmatched = new UnmatchedPanel({ onFix, canWrite, onQueued: (movie) => this.upsert([movie]) });
    this.movies = new Map();
    this.fresh = new Set();
    this.filter = 'all';
    this.query = '';
    // A chart's filter (view.js): only the films it counts are listed.
    this.match = null;
    this.sort = { key: 'row', dir: 1 };
    this.page = 0;
    this.rows = new Map(); // movie id → {movie, tr}
    this.scheduled = false;

    this.el = {
      body: document.getElementById('library-body'),
      empty: document.getElementById('library-empty'),
      tabs: [...document.querySelectorAll('#tabs [role="tab"]')],
      tablePanel: document.getElementById('panel-table'),
      unmatchedPanel: document.getElementById('panel-unmatched'),
      reviewPanel: document.getElementById('panel-review'),
      search: document.getElementById('library-search'),
      prev: document.getElementById('page-prev'),
      next: document.getElementById('page-next'),
      pageInfo: document.getElementById('page-info'),
      sorts: [...document.querySelectorAll('button.sort')],
    };
    this.bind();
  }

  bind() {
    const { tabs, search, prev, next, sorts } = this.el;
    tabs.forEach((tab, index) => {
      tab.addEventListener('click', () => this.select(tab.dataset.filter));
      tab.addEventListener('keydown', (event) => {
        const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
        if (!(event.key in moves)) return;
        event.preventDefault();
        const target = tabs[(moves[event.key] + tabs.length) % tabs.length];
        target.focus();
        this.select(target.dataset.filter);
      });
    });
    search.addEventListener('input', () => {
      this.query = fold(search.value.trim());
      this.page = 0;
      this.render();
    });
    prev.addEventListener('click', () => {
      this.page = Math.max(0, this.page - 1);
      this.render();
    });
    next.addEventListener('click', () => {
      this.page += 1;
      this.render();
    });
    for (const button of sorts) {
      button.addEventListener('click', () => {
        const key = button.dataset.sort;
        if (this.sort.key !== key) this.sort = { key, dir: 1 };
        else if (this.sort.dir === 1) this.sort = { key, dir: -1 };
        else this.sort = { key: 'row', dir: 1 };
        this.page = 0;
        this.render();
      });
    }
  }

  /** Forgets every film (a new session). */
  reset() {
    this.movies.clear();
    this.fresh.clear();
    this.rows.clear();
    this.el.body.replaceChildren();
    this.unmatched.reset();
    this.review?.reset();
    this.page = 0;
    this.filter = 'all';
    this.query = '';
    this.el.search.value = '';
    this.sort = { key: 'row', dir: 1 };
    this.select('all');
  }

  /** Lists only the films `match` accepts (null: every film), from the first page. */
  setMatch(match) {
    this.match = match;
    this.page = 0;
    this.render();
  }

  /** Sets or replaces films; `fresh` highlights them as just arrived. */
  upsert(movies, { fresh = false } = {}) {
    for (const movie of movies) {
      const before = this.movies.get(movie.id);
      // Reloads repeat what is known: keep the same object, so nothing is redrawn.
      if (before && sameMovie(before, movie)) continue;
      this.movies.set(movie.id, movie);
      this.unmatched.landed(before, movie);
      if (fresh && movie.status !== 'pending') this.fresh.add(movie.id);
    }
    this.schedule();
  }

  /** Takes films out of the library (a re-import removed them). */
  remove(ids) {
    for (const id of ids) {
      for (const set of [this.movies, this.fresh, this.rows]) set.delete(id);
      this.unmatched.remove(id);
    }
    this.schedule();
  }

  /** Builds every card again: the page turned owner or viewer, and their controls come or go. */
  redraw() {
    this.unmatched.redraw();
    this.review?.redraw();
    this.render();
  }

  /** Replaces the whole set of films (polling). */
  replace(movies) {
    const known = new Set(movies.map((m) => m.id));
    for (const id of this.movies.keys()) if (!known.has(id)) this.movies.delete(id);
    this.upsert(movies, { fresh: this.movies.size > 0 });
  }

  counts() {
    const counts = { all: this.movies.size, review: 0, enriched: 0, unmatched: 0, failed: 0, skipped: 0, pending: 0 };
    for (const m of this.movies.values()) counts[m.status] = (counts[m.status] || 0) + 1;
    return counts;
  }

  select(filter) {
    this.filter = filter;
    this.page = 0;
    for (const tab of this.el.tabs) {
      const selected = tab.dataset.filter === filter;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    const panel = filter === 'unmatched' || filter === 'review' ? filter : 'table';
    this.el.tablePanel.hidden = panel !== 'table';
    this.el.unmatchedPanel.hidden = panel !== 'unmatched';
    this.el.reviewPanel.hidden = panel !== 'review';
    this.el.tablePanel.setAttribute('aria-labelledby', `tab-${panel === 'table' ? filter : 'all'}`);
    this.render();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  render() {
    const counts = this.counts();
    for (const key of ['all', ...STATUSES]) {
      const el = document.getElementById(`tab-count-${key}`);
      el.textContent = counts[key] ?? 0;
      el.toggleAttribute('data-zero', !counts[key]);
    }
    if (this.filter === 'unmatched') {
      this.unmatched.render(this.movies.values(), (m) => !this.query || fold([m.title, m.year].join(' ')).includes(this.query));
    }
    else if (this.filter === 'review') this.review?.render(this.movies.values());
    else this.renderTable();
    this.fresh.clear();
  }

  visible() {
    let list = [...this.movies.values()];
    if (this.filter !== 'all') list = list.filter((m) => m.status === this.filter);
    if (this.match) list = list.filter(this.match);
    if (this.query) {
      list = list.filter((m) =>
        fold([m.title, m.matched_title, m.original_title, ...(m.directors || []), ...(m.genres || []), yearOf(m)].join(' ')).includes(this.query),
      );
    }
    const compare = SORTS[this.sort.key] || SORTS.row;
    list.sort((a, b) => this.sort.dir * compare(a, b) || SORTS.row(a, b));
    return list;
  }

  renderTable() {
    const list = this.visible();
    const pages = Math.max(1, Math.ceil(list.length / PAGE_SIZE));
    this.page = Math.min(this.page, pages - 1);
    const start = this.page * PAGE_SIZE;
    const shown = list.slice(start, start + PAGE_SIZE);

    const rows = shown.map((movie) => {
      const cached = this.rows.get(movie.id);
      if (cached && cached.movie === movie) return cached.tr;
      const tr = row(movie);
      if (this.fresh.has(movie.id)) tr.dataset.fresh = '';
      this.rows.set(movie.id, { movie, tr });
      return tr;
    });
    reconcile(this.el.body, rows);

    for (const th of document.querySelectorAll('#library-table th[aria-sort]')) {
      const key = th.querySelector('.sort')?.dataset.sort;
      th.setAttribute('aria-sort', key === this.sort.key ? (this.sort.dir === 1 ? 'ascending' : 'descending') : 'none');
    }

    const empty = list.length === 0;
    this.el.empty.hidden = !empty;
    if (empty) {
      this.el.empty.textContent = this.query || this.match
        ? 'No film matches this filter.'
        : this.movies.size === 0
          ? 'Films appear here as they are looked up.'
          : `No ${this.filter === 'all' ? '' : `${this.filter} `}films.`;
    }
    this.el.prev.disabled = this.page === 0;
    this.el.next.disabled = this.page >= pages - 1;
    this.el.pageInfo.textContent = list.length
      ? `${start + 1}–${start + shown.length} of ${list.length}`
      : '';
  }
}

/** The same film state, whichever way it was serialised (null or absent, key order). */
function sameMovie(a, b) {
  return canonical(a) === canonical(b);
}

/** JSON with object keys sorted and null members left out, at every depth. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const members = Object.keys(value)
      .filter((key) => value[key] != null)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function poster(movie) {
  const title = movie.matched_title || movie.title;
  const box = h('div', { class: 'poster', 'aria-hidden': 'true' }, initials(title));
  if (movie.poster_url) {
    const img = h('img', { src: movie.poster_url, alt: '', loading: 'lazy', decoding: 'async', width: '40', height: '60' });
    // No image CDN (offline demo, blocked network): the initials stay.
    img.addEventListener('error', () => img.remove(), { once: true });
    box.append(img);
  }
  return box;
}

function row(movie) {
  // A proposal is not a match yet: the film goes by its exported title.
  const review = movie.status === 'review';
  const title = review ? movie.title : movie.matched_title || movie.title;
  const year = yearOf(movie);
  const sub = [];
  if (review && movie.matched_title) sub.push(`Proposed: ${movie.matched_title}${year ? ` (${year})` : ''}`);
  else if (movie.matched_title && fold(movie.matched_title) !== fold(movie.title)) sub.push(`as “${movie.title}” in your export`);
  else if (movie.original_title && fold(movie.original_title) !== fold(title)) sub.push(movie.original_title);
  const confidence = movie.match_confidence;
  return h('tr', { dataset: { movieId: movie.id, status: movie.status } },
    h('td', { class: 'col-poster' }, poster(movie)),
    h('td', { class: 'col-title' },
      h('span', { class: 'title-main' }, title),
      sub.length ? h('span', { class: 'title-sub' }, sub.join(' · ')) : null,
      movie.status === 'failed' && movie.error ? h('span', { class: 'error-text' }, movie.error) : null,
      movie.status === 'skipped'
        ? h('span', { class: 'title-sub' }, `Not looked up: ${SKIP_REASONS[movie.skip_reason] || 'not a film'}`)
        : null,
    ),
    h('td', { class: 'col-year' }, year ?? ''),
    h('td', { class: 'col-directors' }, (movie.directors || []).join(', ')),
    h('td', { class: 'col-genres' },
      (movie.genres || []).length ? h('span', { class: 'chips' }, movie.genres.slice(0, 3).map((g) => h('span', { class: 'chip' }, g))) : null,
    ),
    h('td', { class: 'col-runtime' }, runtime(movie.runtime)),
    h('td', { class: 'col-status' },
      h('span', { class: 'badge', dataset: { status: movie.status } }, STATUS_LABELS[movie.status] || movie.status),
      movie.media_type === 'tv' ? h('span', { class: 'badge badge-tv', title: 'TV miniseries' }, 'TV') : null,
    ),
    h('td', { class: 'col-confidence' },
      confidence != null
        ? h('span', { class: 'confidence', title: 'How sure the matcher is' },
          h('span', { class: 'confidence-bar', 'aria-hidden': 'true' }, h('span', { style: `width:${Math.round(confidence * 100)}%` })),
          `${Math.round(confidence * 100)} %`)
        : null,
    ),
  );
}
