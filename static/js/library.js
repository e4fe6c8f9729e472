// The library: a table of films by status (paged, sortable, filterable),
// the "Unmatched" panel where a person fixes a match, and the "To review"
// panel (review-view.js) where a person confirms a proposed one.
//
// Rows and cards are keyed by movie and rebuilt only when that movie
// changes, so live updates do not disturb the focus, a half-typed TMDB id,
// or the highlight of a film that just arrived.

import { h, initials, runtime } from './format.js';

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
   * @param {{render(movies: Iterable<object>): void, reset(): void}} options.review
   *   the "To review" panel, drawn from the same films
   */
  constructor({ onFix, review }) {
    this.onFix = onFix;
    this.review = review;
    this.movies = new Map();
    this.fixing = new Map(); // movie id → message while a manual match is under way
    this.fresh = new Set();
    this.filter = 'all';
    this.query = '';
    this.sort = { key: 'row', dir: 1 };
    this.page = 0;
    this.rows = new Map(); // movie id → {movie, tr}
    this.cards = new Map(); // movie id → {movie, li, state}
    this.scheduled = false;

    this.el = {
      body: document.getElementById('library-body'),
      empty: document.getElementById('library-empty'),
      tabs: [...document.querySelectorAll('#tabs [role="tab"]')],
      tablePanel: document.getElementById('panel-table'),
      unmatchedPanel: document.getElementById('panel-unmatched'),
      unmatchedList: document.getElementById('unmatched-list'),
      unmatchedEmpty: document.getElementById('unmatched-empty'),
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
    this.fixing.clear();
    this.fresh.clear();
    this.rows.clear();
    this.cards.clear();
    this.el.body.replaceChildren();
    this.el.unmatchedList.replaceChildren();
    this.review?.reset();
    this.page = 0;
    this.filter = 'all';
    this.query = '';
    this.el.search.value = '';
    this.sort = { key: 'row', dir: 1 };
    this.select('all');
  }

  /** Sets or replaces films; `fresh` highlights them as just arrived. */
  upsert(movies, { fresh = false } = {}) {
    for (const movie of movies) {
      const before = this.movies.get(movie.id);
      // Reloads repeat what is known: keep the same object, so nothing is redrawn.
      if (before && sameMovie(before, movie)) continue;
      this.movies.set(movie.id, movie);
      if (this.fixing.has(movie.id) && movie.status !== 'pending') {
        this.fixing.delete(movie.id);
        this.announceFix(before, movie);
      }
      if (fresh && movie.status !== 'pending') this.fresh.add(movie.id);
    }
    this.schedule();
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
    if (this.filter === 'unmatched') this.renderUnmatched();
    else if (this.filter === 'review') this.review?.render(this.movies.values());
    else this.renderTable();
    this.fresh.clear();
  }

  visible() {
    let list = [...this.movies.values()];
    if (this.filter !== 'all') list = list.filter((m) => m.status === this.filter);
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
      this.el.empty.textContent = this.query
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

  renderUnmatched() {
    const list = [...this.movies.values()]
      .filter((m) => m.status === 'unmatched' || this.fixing.has(m.id))
      .filter((m) => !this.query || fold([m.title, m.year].join(' ')).includes(this.query))
      .sort(SORTS.row);
    const items = list.map((movie) => {
      const fixing = this.fixing.get(movie.id) || null;
      const cached = this.cards.get(movie.id);
      if (cached && cached.movie === movie && cached.fixing === fixing) return cached.li;
      const li = this.card(movie, fixing);
      if (cached && !fixing && !cached.fixing) keepTyping(cached.li, li);
      this.cards.set(movie.id, { movie, li, fixing });
      return li;
    });
    reconcile(this.el.unmatchedList, items);
    this.el.unmatchedEmpty.hidden = items.length > 0;
  }

  card(movie, fixing) {
    const id = movie.id;
    const message = h('p', { class: 'fix-message', role: 'status', 'aria-live': 'polite' });
    const li = h('li', { class: 'unmatched', dataset: { movieId: id }, 'aria-labelledby': `unmatched-title-${id}` },
      h('h3', { id: `unmatched-title-${id}` }, movie.title, movie.year ? h('span', { class: 'muted' }, ` (${movie.year})`) : null),
    );
    if (fixing) {
      message.textContent = fixing;
      li.append(message);
      return li;
    }
    const submit = async (tmdbId, mediaType, control) => {
      if (!Number.isInteger(tmdbId) || tmdbId < 1) {
        message.dataset.kind = 'error';
        message.textContent = 'Enter a TMDB id: a whole number, like 550.';
        return;
      }
      const controls = li.querySelectorAll('button, input, select');
      controls.forEach((c) => (c.disabled = true));
      message.dataset.kind = '';
      message.textContent = 'Matching…';
      try {
        const queued = await this.onFix(movie, tmdbId, mediaType);
        // The card stays, saying so, until the film's new state arrives
        // (none is returned when that state came first).
        if (queued) {
          this.fixing.set(id, `Matching “${movie.title}” to TMDB ${mediaType === 'tv' ? 'series' : 'film'} ${tmdbId}…`);
          this.upsert([queued]);
        }
      } catch (err) {
        controls.forEach((c) => (c.disabled = false));
        message.dataset.kind = 'error';
        message.textContent = err?.message || 'The match could not be fixed.';
        control?.focus();
      }
    };

    const candidates = movie.candidates || [];
    if (candidates.length) {
      li.append(
        h('p', { class: 'muted', style: 'margin:0' }, 'Closest candidates on TMDB — pick the right one:'),
        h('ul', { class: 'candidates', 'aria-label': `Candidates for ${movie.title}` },
          candidates.map((c) =>
            h('li', {},
              h('button', {
                type: 'button',
                class: 'button candidate',
                dataset: { tmdbId: c.tmdb_id },
                onclick: (event) => submit(c.tmdb_id, c.media_type || 'movie', event.currentTarget),
              },
              h('span', {}, c.title),
              h('small', {}, [c.year, c.media_type === 'tv' ? 'TV' : null, `${Math.round((c.score || 0) * 100)} % match`].filter(Boolean).join(' · ')),
              ),
            ),
          ),
        ),
      );
    } else {
      li.append(h('p', { class: 'muted', style: 'margin:0' }, 'TMDB had no close candidate for this title.'));
    }

    const input = h('input', { id: `fix-id-${id}`, type: 'number', min: '1', step: '1', inputmode: 'numeric', required: true, name: 'tmdb_id' });
    const select = h('select', { id: `fix-type-${id}`, name: 'media_type' },
      h('option', { value: 'movie' }, 'Film'),
      h('option', { value: 'tv' }, 'TV series'),
    );
    const form = h('form', { class: 'fix-form', 'aria-label': `Fix the match of ${movie.title}` },
      h('div', { class: 'field' }, h('label', { for: `fix-id-${id}` }, 'TMDB id'), input),
      h('div', { class: 'field' }, h('label', { for: `fix-type-${id}` }, 'Type'), select),
      h('button', { type: 'submit', class: 'button button-primary' }, 'Fix match'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submit(Number(input.value), select.value, input);
    });
    li.append(form, message);
    return li;
  }

  announceFix(before, movie) {
    const status = document.getElementById('library-status');
    if (!status) return;
    status.textContent = movie.status === 'enriched'
      ? `Fixed: “${before?.title ?? movie.title}” is now ${movie.matched_title}${yearOf(movie) ? ` (${yearOf(movie)})` : ''}.`
      : `“${movie.title}” is ${movie.status}.`;
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

/** Carries what a person typed, and the focus, from a card over to its redrawn self. */
function keepTyping(from, to) {
  for (const field of from.querySelectorAll('input, select')) {
    const twin = to.querySelector(`[name="${field.name}"]`);
    if (!twin) continue;
    twin.value = field.value;
    if (document.activeElement === field) queueMicrotask(() => twin.focus());
  }
}

/**
 * Puts `children` into `parent` in order, moving only what is out of place.
 * What leaves goes first, so a card that merely follows a replaced one stays
 * put; moving a node blurs it, and someone may be typing in it. Focus that a
 * move still takes is given back.
 */
export function reconcile(parent, children) {
  const focused = parent.contains(document.activeElement) ? document.activeElement : null;
  const keep = new Set(children);
  for (const child of [...parent.children]) if (!keep.has(child)) child.remove();
  children.forEach((child, index) => {
    if (parent.children[index] !== child) parent.insertBefore(child, parent.children[index] || null);
  });
  if (focused?.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
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
