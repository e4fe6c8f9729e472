// The Unmatched tab: films TMDB had no confident match for. Each card
// offers the closest candidates and a field for the film's TMDB id; while a
// fix is under way the card says so, until the film's new state arrives. A
// viewer (no owner token) sees the candidates, without the controls.
//
// Cards are keyed by movie and rebuilt only when that movie changes; one
// rebuilt while someone types in it keeps the text and the focus.

import { h, reconcile } from './format.js';

const byRow = (a, b) => a.row - b.row || a.id - b.id;
const yearOf = (m) => (m.release_date ? Number(m.release_date.slice(0, 4)) || m.year : m.year);

export class UnmatchedPanel {
  /**
   * @param {object} options
   * @param {(movie: object, tmdbId: number, mediaType: string) => Promise<object|null>} options.onFix
   *   fixes a match; answers the movie as queued again, or null when its newer state has already arrived
   * @param {(movie: object) => void} options.onQueued shows the film as queued again
   * @param {() => boolean} options.canWrite whether this page may change the session
   */
  constructor({ onFix, onQueued, canWrite }) {
    Object.assign(this, { onFix, onQueued, canWrite });
    this.cards = new Map(); // movie id → {movie, li, fixing}
    this.fixing = new Map(); // movie id → message while a manual match is under way
    this.el = {
      list: document.getElementById('unmatched-list'),
      empty: document.getElementById('unmatched-empty'),
    };
  }

  /** Forgets every film (a new session). */
  reset() {
    this.cards.clear();
    this.fixing.clear();
    this.el.list.replaceChildren();
  }

  /** Forgets films a re-import removed. */
  remove(id) {
    this.cards.delete(id);
    this.fixing.delete(id);
  }

  /** Builds every card again (the page turned owner or viewer). */
  redraw() {
    this.cards.clear();
  }

  /** A film's new state arrived: a fix under way for it is over, and said so. */
  landed(before, movie) {
    if (!this.fixing.has(movie.id) || movie.status === 'pending') return;
    this.fixing.delete(movie.id);
    const status = document.getElementById('library-status');
    if (!status) return;
    status.textContent = movie.status === 'enriched'
      ? `Fixed: “${before?.title ?? movie.title}” is now ${movie.matched_title}${yearOf(movie) ? ` (${yearOf(movie)})` : ''}.`
      : `“${movie.title}” is ${movie.status}.`;
  }

  /** Shows the unmatched films of `movies` (and those being fixed) that `matches` the filter. */
  render(movies, matches) {
    const list = [...movies]
      .filter((m) => m.status === 'unmatched' || this.fixing.has(m.id))
      .filter(matches)
      .sort(byRow);
    const items = list.map((movie) => {
      const fixing = this.fixing.get(movie.id) || null;
      const cached = this.cards.get(movie.id);
      if (cached && cached.movie === movie && cached.fixing === fixing) return cached.li;
      const li = this.card(movie, fixing);
      if (cached && !fixing && !cached.fixing) keepTyping(cached.li, li);
      this.cards.set(movie.id, { movie, li, fixing });
      return li;
    });
    reconcile(this.el.list, items);
    this.el.empty.hidden = items.length > 0;
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
    const candidates = movie.candidates || [];
    if (!this.canWrite()) {
      const names = candidates.map((c) => [c.title, c.year].filter(Boolean).join(' ')).join(' · ');
      li.append(h('p', { class: 'muted', style: 'margin:0' },
        names ? `Closest candidates on TMDB: ${names}.` : 'TMDB had no close candidate for this title.'));
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
          this.onQueued(queued);
        }
      } catch (err) {
        controls.forEach((c) => (c.disabled = false));
        message.dataset.kind = 'error';
        message.textContent = err?.message || 'The match could not be fixed.';
        control?.focus();
      }
    };

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
