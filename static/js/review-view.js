// The Review tab: films the matcher proposed a match for, waiting for a
// person. Each card shows the film as exported, the proposal (poster,
// title, year, director, runtime, confidence) with an Accept button, the
// other candidates TMDB found, and a search box for anything else (words of
// a title, a TMDB or IMDb URL or id). "Accept all at N % or more" takes
// every proposal shown at N % or more in one request.
//
// Keys, on a focused card: j / ↓ next, k / ↑ previous, Home / End, a accept,
// / search; Escape in the search box goes back to the card. A viewer (no
// owner token) sees the proposals only: no Accept, no other candidates to
// pick, no search, and the keys that change something do nothing.
//
// Cards are built once per film state and reused; what changes while a
// person works on one (a message, the controls disabled, search results)
// is changed in place, so live updates never lose a half-typed search or
// the focus. The rules (which films, which has the focus) are review.js's.

import { h, reconcile, runtime } from './format.js';
import { poster } from './library.js';
import {
  DebouncedSearch,
  DetailCache,
  REVIEW_KEYS,
  ReviewFocus,
  acceptable,
  minConfidence,
  percent,
  reviewItems,
  searchQuery,
  searchRequest,
} from './review.js';

const yearOf = (m) => (m.release_date ? Number(m.release_date.slice(0, 4)) || null : null);
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const kindOf = (c) => (c.media_type === 'tv' ? 'tv' : 'movie');
const named = (title, year) => (year ? `${title} (${year})` : title);

export class ReviewPanel {
  /**
   * @param {object} options
   * @param {(movie: object) => Promise<void>} options.onAccept takes the proposal
   * @param {(movie: object, tmdbId: number, mediaType: string) => Promise<object|null>} options.onPick
   *   points the film at another record; answers it as queued again, or null when its new state came first
   * @param {(minConfidence: number) => Promise<object>} options.onBulk accepts in bulk
   * @param {(query: string) => Promise<{results: object[]}>} options.search the picker's search
   * @param {(mediaType: string, tmdbId: number) => Promise<object>} options.details one record's details
   * @param {() => boolean} [options.canWrite] whether this page may change the session
   */
  constructor({ onAccept, onPick, onBulk, search, details, canWrite = () => true }) {
    Object.assign(this, { onAccept, onPick, onBulk, search, canWrite });
    this.details = new DetailCache(details);
    this.focus = new ReviewFocus();
    this.cards = new Map(); // movie id → {movie, li, parts}
    this.picking = new Map(); // movie id → what it was pointed at, until its new state lands
    this.items = [];
    this.el = {
      panel: document.getElementById('panel-review'),
      list: document.getElementById('review-list'),
      empty: document.getElementById('review-empty'),
      status: document.getElementById('review-status'),
      threshold: document.getElementById('review-threshold'),
      range: document.getElementById('review-threshold-range'),
      acceptAll: document.getElementById('review-accept-all'),
    };
    this.observer = 'IntersectionObserver' in window
      ? new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          this.observer.unobserve(entry.target);
          entry.target.load?.();
        }
      }, { rootMargin: '200px' })
      : null;
    this.bind();
  }

  bind() {
    const { list, threshold, range, acceptAll } = this.el;
    list.addEventListener('keydown', (event) => this.onKey(event));
    list.addEventListener('focusin', (event) => {
      const li = event.target.closest('li.review-item');
      if (li) this.setFocus(Number(li.dataset.movieId), false);
    });
    threshold.addEventListener('input', () => {
      range.value = threshold.value;
      this.renderBulk();
    });
    range.addEventListener('input', () => {
      threshold.value = range.value;
      this.renderBulk();
    });
    acceptAll.addEventListener('click', () => this.acceptAll());
  }

  /** Forgets every film (a new session). */
  reset() {
    this.cards.clear();
    this.picking.clear();
    this.items = [];
    this.focus = new ReviewFocus();
    this.el.list.replaceChildren();
    this.el.status.textContent = '';
    this.el.status.dataset.kind = '';
  }

  /** Builds every card again at the next `render` (the page turned owner or viewer). */
  redraw() {
    this.cards.clear();
  }

  /** Shows the films of `movies` (every film of the session) that are in review. */
  render(movies) {
    const all = [...movies];
    const byId = new Map(all.map((m) => [m.id, m]));
    // A film pointed elsewhere leaves once its new state landed.
    for (const [id, target] of this.picking) {
      const movie = byId.get(id);
      if (movie && (movie.status === 'pending' || movie.status === 'review')) continue;
      this.picking.delete(id);
      if (movie) this.say(movie.status === 'enriched'
        ? `“${movie.title}” is now ${named(movie.matched_title, yearOf(movie))}.`
        : `“${movie.title}” is ${movie.status}: ${target} did not match.`, movie.status === 'enriched' ? 'ok' : 'error');
    }
    this.items = reviewItems(all, new Set(this.picking.keys()));
    const focusedBefore = this.el.list.contains(document.activeElement);
    const lis = this.items.map((movie) => {
      const cached = this.cards.get(movie.id);
      if (cached && cached.movie === movie) return cached.li;
      const card = this.card(movie);
      this.cards.set(movie.id, card);
      return card.li;
    });
    const shown = new Set(this.items.map((m) => m.id));
    for (const id of this.cards.keys()) if (!shown.has(id)) this.cards.delete(id);
    reconcile(this.el.list, lis);
    const id = this.focus.sync(this.items.map((m) => m.id));
    this.rove(id);
    // The focused card left (accepted): the focus goes to the one after it.
    if (focusedBefore && !this.el.list.contains(document.activeElement) && id != null) {
      this.cards.get(id)?.li.focus({ preventScroll: false });
    }
    this.el.empty.hidden = this.items.length > 0;
    this.renderBulk();
  }

  /** The bulk accept's button says how many films it would take. */
  renderBulk() {
    const min = Math.min(100, Math.max(0, Math.round(Number(this.el.threshold.value) || 0)));
    const n = acceptable(this.items, min).length;
    const button = this.el.acceptAll;
    button.textContent = `Accept ${plural(n, 'film')} at ${min} % or more`;
    button.disabled = n === 0 || button.dataset.busy === 'true';
  }

  /** Roving tabindex: only the focused card is in the tab order. */
  rove(id) {
    for (const [key, { li }] of this.cards) {
      const focused = key === id;
      li.tabIndex = focused ? 0 : -1;
      li.toggleAttribute('data-focused', focused);
    }
  }

  setFocus(id, move = true) {
    const now = this.focus.set(id);
    this.rove(now);
    if (move && now != null) {
      const li = this.cards.get(now)?.li;
      li?.focus();
      li?.scrollIntoView({ block: 'nearest' });
    }
  }

  onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const li = event.target.closest('li.review-item');
    if (!li) return;
    if (event.target.closest('input, select, textarea, summary')) {
      if (event.key === 'Escape') {
        event.preventDefault();
        li.focus();
      }
      return;
    }
    const action = REVIEW_KEYS[event.key];
    if (!action) return;
    // Arrow keys and Home/End move between cards only from the card itself,
    // not from a button within it; letters work from both.
    if (event.target !== li && !/^[a-z/]$/.test(event.key)) return;
    event.preventDefault();
    const id = Number(li.dataset.movieId);
    this.focus.set(id);
    switch (action) {
      case 'next': return this.setFocus(this.focus.move(1));
      case 'previous': return this.setFocus(this.focus.move(-1));
      case 'first': return this.setFocus(this.focus.first());
      case 'last': return this.setFocus(this.focus.last());
      case 'accept': return this.accept(id);
      case 'search': return this.openSearch(id);
      default:
    }
  }

  openSearch(id) {
    const parts = this.cards.get(id)?.parts;
    if (!parts || !this.canWrite()) return;
    parts.search.open = true;
    parts.query.focus();
  }

  /** Says something about the tab as a whole (a screen reader hears it). */
  say(text, kind = 'ok') {
    this.el.status.dataset.kind = kind;
    this.el.status.textContent = text;
  }

  /** Shows a message on a card, its controls disabled while `busy`. */
  note(id, text, { kind = '', busy = false } = {}) {
    const card = this.cards.get(id);
    if (!card) return;
    card.parts.message.dataset.kind = kind;
    card.parts.message.textContent = text;
    // A disabled control loses the focus: the card keeps it, so that it
    // passes on to the next film when this one leaves.
    if (busy && card.li.contains(document.activeElement)) card.li.focus({ preventScroll: true });
    card.li.toggleAttribute('data-busy', busy);
    card.li.setAttribute('aria-busy', String(busy));
    for (const control of card.li.querySelectorAll('button, input, select')) control.disabled = busy;
  }

  async accept(id) {
    const card = this.cards.get(id);
    const movie = card?.movie;
    if (!movie || movie.status !== 'review' || card.li.hasAttribute('data-busy') || !this.canWrite()) return;
    this.note(id, 'Accepting…', { busy: true });
    try {
      await this.onAccept(movie);
      this.say(`Accepted: “${movie.title}” is ${named(movie.matched_title, yearOf(movie))}.`);
    } catch (err) {
      this.note(id, err?.message || 'The proposal could not be accepted.', { kind: 'error' });
    }
  }

  async pick(movie, choice) {
    const id = movie.id;
    const target = named(choice.title, choice.year);
    this.note(id, `Matching to ${target}…`, { busy: true });
    try {
      const queued = await this.onPick(movie, choice.tmdb_id, kindOf(choice));
      // The card stays, saying so, until the film's new state arrives (none
      // is answered when that state came first).
      if (queued) this.picking.set(id, target);
    } catch (err) {
      this.note(id, err?.message || 'The match could not be changed.', { kind: 'error' });
    }
  }

  async acceptAll() {
    const button = this.el.acceptAll;
    const min = Math.min(100, Math.max(0, Math.round(Number(this.el.threshold.value) || 0)));
    button.dataset.busy = 'true';
    button.disabled = true;
    this.say(`Accepting every proposal at ${min} % or more…`);
    try {
      const answer = await this.onBulk(minConfidence(min));
      this.say(answer.accepted
        ? `Accepted ${plural(answer.accepted, 'film')} at ${min} % or more; ${plural(answer.review_count, 'film')} left to review.`
        : `No film in review at ${min} % or more.`);
    } catch (err) {
      this.say(err?.message || 'The proposals could not be accepted.', 'error');
    } finally {
      button.dataset.busy = 'false';
      this.renderBulk();
    }
  }

  // ---- Building a card --------------------------------------------------------

  card(movie) {
    const id = movie.id;
    const year = yearOf(movie);
    const proposal = movie.matched_title || '—';
    const confidence = percent(movie.match_confidence);
    const picking = this.picking.get(id);

    const message = h('p', { class: 'fix-message', role: 'status', 'aria-live': 'polite' });
    const li = h('li', {
      class: 'review-item',
      dataset: { movieId: id },
      tabindex: '-1',
      'aria-labelledby': `review-title-${id}`,
      'aria-describedby': `review-proposal-${id}`,
    },
    h('h3', { id: `review-title-${id}`, class: 'review-title' },
      movie.title, movie.year ? h('span', { class: 'muted' }, ` (${movie.year})`) : null,
      h('span', { class: 'visually-hidden' }, ', in your export'),
    ),
    );
    const parts = { message };

    const accept = h('button', {
      type: 'button',
      class: 'button button-primary review-accept',
      'aria-label': `Accept ${named(proposal, year)} for “${movie.title}”`,
      'aria-keyshortcuts': 'A',
      title: 'Accept (a)',
      onclick: () => this.accept(id),
    }, 'Accept');
    li.append(
      h('div', { class: 'review-proposal', id: `review-proposal-${id}` },
        poster({ title: proposal, poster_url: movie.poster_url }),
        h('div', { class: 'review-what' },
          h('span', { class: 'review-label' }, 'Proposed match'),
          h('span', { class: 'review-match' }, h('strong', { class: 'review-match-title' }, proposal), year ? h('span', { class: 'muted' }, ` (${year})`) : null),
          h('span', { class: 'review-meta' }, [(movie.directors || []).join(', '), runtime(movie.runtime)].filter(Boolean).join(' · ')),
        ),
        confidenceBadge(confidence),
        movie.status === 'review' && this.canWrite() ? accept : null,
      ),
    );
    if (!this.canWrite()) {
      li.append(message);
      return { movie, li, parts: { message, search: h('details'), query: h('input') } };
    }

    if (picking || movie.status !== 'review') {
      message.textContent = `Matching to ${picking || 'another record'}…`;
      li.append(message);
      li.setAttribute('aria-busy', 'true');
      return { movie, li, parts: { message, search: h('details'), query: h('input') } };
    }

    const others = (movie.candidates || []).filter((c) => !(c.tmdb_id === movie.tmdb_id && kindOf(c) === (movie.media_type || 'movie')));
    if (others.length) {
      li.append(
        h('ul', { class: 'review-candidates', 'aria-label': `Other candidates for “${movie.title}”` },
          others.map((c) => h('li', {}, this.choice(movie, c))),
        ),
      );
    }

    const query = h('input', {
      id: `review-query-${id}`, name: 'query', type: 'search', autocomplete: 'off',
      placeholder: 'A title, a TMDB or IMDb address or id',
    });
    const yearInput = h('input', { id: `review-year-${id}`, name: 'year', type: 'number', min: '1870', max: '2100', step: '1', inputmode: 'numeric', class: 'review-year' });
    const type = h('select', { id: `review-type-${id}`, name: 'type' },
      h('option', { value: 'movie' }, 'Film'),
      h('option', { value: 'tv' }, 'TV series'),
    );
    const results = h('ul', { class: 'review-candidates review-results', 'aria-label': `Search results for “${movie.title}”` });
    const searchNote = h('p', { class: 'muted search-note', role: 'status', 'aria-live': 'polite' });
    const form = h('form', { class: 'fix-form', role: 'search', 'aria-label': `Search TMDB for “${movie.title}”` },
      h('div', { class: 'field field-wide' }, h('label', { for: query.id }, 'Search TMDB'), query),
      h('div', { class: 'field' }, h('label', { for: yearInput.id }, 'Year'), yearInput),
      h('div', { class: 'field' }, h('label', { for: type.id }, 'Type'), type),
    );
    const search = h('details', { class: 'review-search' },
      h('summary', {}, 'Search TMDB for another match'),
      form, searchNote, results,
    );
    const box = new DebouncedSearch((params) => this.search(searchQuery(params)));
    const run = (delay) => {
      const params = searchRequest(query.value, yearInput.value, type.value);
      if (!params) {
        results.replaceChildren();
        searchNote.textContent = '';
      }
      box.request(params, {
        onStart: () => (searchNote.textContent = 'Searching…'),
        onResult: (answer) => {
          const found = answer?.results || [];
          searchNote.textContent = found.length ? `${plural(found.length, 'result')}` : 'Nothing found on TMDB.';
          results.replaceChildren(...found.map((c) => h('li', {}, this.choice(movie, c))));
        },
        onError: (err) => {
          searchNote.textContent = err?.message || 'The search failed.';
        },
      }, delay);
    };
    query.addEventListener('input', () => run());
    yearInput.addEventListener('input', () => run());
    type.addEventListener('change', () => run());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      run(0);
    });
    li.append(search, message);
    Object.assign(parts, { search, query });
    return { movie, li, parts };
  }

  /** A record to pick: poster thumbnail, title, year, director and runtime (read lazily), score. */
  choice(movie, c) {
    const meta = h('span', { class: 'choice-meta' });
    const show = (d) => {
      meta.textContent = [(d?.directors || []).join(', '), runtime(d?.runtime)].filter(Boolean).join(' · ');
    };
    if ((c.directors || []).length || c.runtime) show(c);
    else {
      const known = this.details.peek(kindOf(c), c.tmdb_id);
      if (known) show(known);
      else {
        meta.textContent = '…';
        meta.load = () => this.details.get(kindOf(c), c.tmdb_id).then(show, () => (meta.textContent = ''));
        if (this.observer) this.observer.observe(meta);
        else meta.load();
      }
    }
    const score = percent(c.score);
    return h('button', {
      type: 'button',
      class: 'button candidate review-choice',
      dataset: { tmdbId: c.tmdb_id, mediaType: kindOf(c) },
      'aria-label': `Pick ${named(c.title, c.year)}${c.media_type === 'tv' ? ', a TV series,' : ''} for “${movie.title}”`,
      onclick: () => this.pick(movie, c),
    },
    poster({ title: c.title, poster_url: c.poster_url }),
    h('span', { class: 'choice-text' },
      h('span', { class: 'choice-title' }, c.title),
      h('small', {}, [c.year, c.media_type === 'tv' ? 'TV' : null, score != null ? `${score} % match` : null].filter(Boolean).join(' · ')),
      meta,
    ),
    );
  }
}

function confidenceBadge(value) {
  if (value == null) return null;
  return h('span', { class: 'confidence review-confidence', title: 'How sure the matcher is' },
    h('span', { class: 'confidence-bar', 'aria-hidden': 'true' }, h('span', { style: `width:${value}%` })),
    h('span', { class: 'visually-hidden' }, 'confidence '),
    `${value} %`,
  );
}
