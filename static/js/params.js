// What the address says about the view of a session beyond its id: the
// year in review (`year=2024`) and the film filter (`filter=genre:Drama`),
// so that a link or a reload reopens the page as it was.
//
// No DOM here: node imports this module directly (tests/js/year.test.mjs).

import { formatFilter, parseFilter } from './filter.js';

/** The years the server takes for `?year=` (src/api/stats.rs). */
export const MIN_YEAR = 1870;
export const MAX_YEAR = 2100;

/** A year from text, or null when it is not one the server takes. */
export function parseYear(text) {
  if (typeof text !== 'string' || !/^\d{4}$/.test(text)) return null;
  const year = Number(text);
  return year >= MIN_YEAR && year <= MAX_YEAR ? year : null;
}

/** The year and filter of an address's query (`location.search`): `{year, filter}`, each null when absent or invalid. */
export function readView(search) {
  const params = new URLSearchParams(search);
  return { year: parseYear(params.get('year')), filter: parseFilter(params.get('filter')) };
}

// Colons and commas read better unescaped, and are safe in a query value.
const encode = (value) => encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',');

/**
 * `href` with its year and filter set to `view` (removed when null), every
 * other parameter and the fragment kept, in their order.
 */
export function withView(href, { year = null, filter = null }) {
  const url = new URL(href);
  const kept = [...new URLSearchParams(url.search)].filter(([key]) => key !== 'year' && key !== 'filter');
  const parts = kept.map(([key, value]) => `${encode(key)}=${encode(value)}`);
  if (year != null) parts.push(`year=${year}`);
  if (filter) parts.push(`filter=${encode(formatFilter(filter))}`);
  url.search = parts.length ? `?${parts.join('&')}` : '';
  return url.href;
}
