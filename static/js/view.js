// How the page views a session beyond its films: the year in review chosen
// in the picker, the filter a chart bar or a country put on the film table
// (shown as a chip that clears it), and the share card's link. Both the year
// and the filter live in the address (params.js), so a link or a reload
// reopens the page as it was.

import { country, language } from './format.js';
import { FILTER_KINDS, matchesFilter, sameFilter } from './filter.js';
import { readView, withView } from './params.js';
import { Stats } from './stats.js';
import { cardFileName, cardUrl, yearChoices } from './year-data.js';

const $ = (id) => document.getElementById(id);

/** A filter as the chip names it: "Genre: Drama", "Country: South Korea", "Rating: 4.5 ★". */
export function describeFilter(filter) {
  const noun = FILTER_KINDS[filter.kind]?.noun ?? filter.kind;
  const value = {
    country: () => country(filter.value),
    language: () => language(filter.value),
    decade: () => `${filter.value}s`,
    rating: () => `${filter.value} ★`,
  }[filter.kind]?.() ?? String(filter.value);
  return `${noun}: ${value}`;
}

/** The year, the filter and the card link of the session `currentSession()` names. */
export class View {
  /**
   * @param {() => string|null} currentSession the session on the page
   * @param {import('./library.js').Library} library the film table the filter narrows
   */
  constructor(currentSession, library) {
    this.currentSession = currentSession;
    this.library = library;
    this.year = null;
    this.filter = null;
    this.stats = new Stats(currentSession, {
      onSelect: (filter) => this.chooseFilter(filter),
      isActive: (filter) => sameFilter(filter, this.filter),
    }, (stats) => this.drawPicker(stats));
    $('year-select').addEventListener('change', (event) => {
      this.setYear(event.target.value ? Number(event.target.value) : null);
    });
    $('filter-clear').addEventListener('click', () => {
      this.setFilter(null);
      $('library-search').focus();
    });
  }

  /** Takes the year and filter the address holds, for a session being opened (its statistics are read after). */
  adopt() {
    const { year, filter } = readView(location.search);
    this.year = year;
    this.stats.year = year;
    this.drawPicker(null);
    this.applyFilter(filter);
  }

  /** Adopts the address again when it changed under an open session (back, forward): reads what differs. */
  follow() {
    const { year, filter } = readView(location.search);
    if (!sameFilter(filter, this.filter)) this.applyFilter(filter);
    if (year !== this.year) this.setYear(year, { write: false });
  }

  /** Shows the year in review of `year` (null: all time) and keeps it in the address. */
  setYear(year, { write = true } = {}) {
    this.year = year;
    this.stats.setYear(year);
    this.drawCard();
    if (write) this.write();
  }

  /** Filters the film table (null: no filter) and keeps it in the address. */
  setFilter(filter) {
    this.applyFilter(filter);
    this.write();
  }

  /** A bar or a country was pressed: the table shows its films, in view. */
  chooseFilter(filter) {
    this.setFilter(filter);
    if (!filter) return;
    const tab = this.library.filter;
    if (tab === 'review' || tab === 'unmatched') this.library.select('all');
    const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
    $('library-title').scrollIntoView({ block: 'start', behavior: still ? 'auto' : 'smooth' });
  }

  /** Filters the table and shows the chip, the address left as it is (it holds this filter already, or is written next). */
  applyFilter(filter) {
    this.filter = filter;
    this.library.setMatch(filter ? (movie) => matchesFilter(movie, filter) : null);
    this.drawChip();
    // The pressed bar shows which one filters.
    this.stats.redraw();
  }

  /** Puts the year and filter into the address, in place: a reload or a copied link reopens them. */
  write() {
    const href = withView(location.href, { year: this.year, filter: this.filter });
    if (href !== location.href) history.replaceState(history.state, '', href);
  }

  /** The chip naming the filter, hidden without one. */
  drawChip() {
    const chip = $('filter-chip');
    chip.hidden = !this.filter;
    if (!this.filter) return;
    $('filter-chip-text').textContent = describeFilter(this.filter);
    // The table lists the whole library: a year narrows the figures, not the films.
    $('filter-chip-note').textContent = this.year == null ? '' : ' · every year';
    $('filter-clear').setAttribute('aria-label', `Clear the filter ${describeFilter(this.filter)}`);
  }

  /** The picker's years (those of `stats`, or only the chosen one before any statistics) and the card link. */
  drawPicker(stats) {
    const years = stats?.viewings?.years ?? [];
    const select = $('year-select');
    const choices = yearChoices(years, this.year);
    const wanted = choices.map((y) => String(y ?? ''));
    if (wanted.join() !== [...select.options].map((o) => o.value).join()) {
      select.replaceChildren(...choices.map((year) => new Option(year == null ? 'All time' : String(year), year ?? '')));
    }
    select.value = String(this.year ?? '');
    // No dated viewing: nothing to choose, unless the address chose a year.
    const hidden = choices.length < 2 || (!years.length && this.year == null);
    $('year-picker').hidden = hidden;
    $('year-hint').hidden = hidden;
    this.drawCard();
    this.drawChip();
  }

  /** The share card's link: of the year shown, or of all time. */
  drawCard() {
    const id = this.currentSession();
    const link = $('card-link');
    link.hidden = !id;
    if (!id) return;
    link.href = cardUrl(id, this.year);
    link.download = cardFileName(id, this.year);
    link.title = `A 1200×630 picture of ${this.year == null ? 'the whole library' : `${this.year} in review`}, to share`;
  }
}
