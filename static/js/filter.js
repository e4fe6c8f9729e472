// Filters the film table by what a chart bar or a map country counts: a
// genre, a decade, a person, a country, a language, a rating, a year
// watched. Each is written `kind:value` in the address (`filter=genre:Drama`)
// and matched against a film's own fields exactly as the server's
// statistics count it (src/store/stats.rs), so a bar of 6 shows 6 films.
//
// No DOM here: node imports this module directly (tests/js/filter.test.mjs).

/** Each kind of filter: what it is called, and whether its value is a number. */
export const FILTER_KINDS = {
  genre: { noun: 'Genre' },
  decade: { noun: 'Decade', numeric: true },
  director: { noun: 'Director' },
  actor: { noun: 'Actor' },
  country: { noun: 'Country' },
  language: { noun: 'Language' },
  rating: { noun: 'Rating', numeric: true },
  watched: { noun: 'Year watched', numeric: true },
};

/** A filter read from its text (`genre:Drama`), or null when it names no kind or no value. */
export function parseFilter(text) {
  if (typeof text !== 'string') return null;
  const colon = text.indexOf(':');
  if (colon < 1) return null;
  const kind = text.slice(0, colon);
  const raw = text.slice(colon + 1).trim();
  const spec = Object.hasOwn(FILTER_KINDS, kind) ? FILTER_KINDS[kind] : null;
  if (!spec || !raw) return null;
  if (!spec.numeric) return { kind, value: raw };
  const value = Number(raw);
  if (!Number.isFinite(value)) return null;
  if (kind === 'rating' && value * 2 !== Math.round(value * 2)) return null;
  if (kind !== 'rating' && !Number.isInteger(value)) return null;
  return { kind, value };
}

/** A filter as its text, the inverse of `parseFilter`. */
export const formatFilter = (filter) => `${filter.kind}:${filter.value}`;

/** Whether two filters (or nulls) are the same. */
export const sameFilter = (a, b) => (a && b ? a.kind === b.kind && a.value === b.value : a === b);

/** The year at the start of an ISO date, or null. */
export function yearOfDate(date) {
  const year = /^(\d{4})/.exec(date ?? '')?.[1];
  return year ? Number(year) : null;
}

/** A rating rounded to the nearest half star, as the server's histogram rounds it. */
export const halfStar = (rating) => Math.round(rating * 2) / 2;

/** The year a film counts for in "Films per year watched": its watched date's, else its logged date's. */
export const yearWatched = (movie) => yearOfDate(movie.watched_date ?? movie.logged_date);

const has = (list, value) => Array.isArray(list) && list.includes(value);

/**
 * Whether a film is one the filter's bar counts. TMDB's figures (genres,
 * people, countries, language, decade) count enriched films only; ratings
 * and years watched come from the export and count every film but the
 * skipped rows.
 */
export function matchesFilter(movie, filter) {
  if (!filter || !movie) return false;
  const enriched = movie.status === 'enriched';
  const film = movie.status !== 'skipped';
  switch (filter.kind) {
    case 'genre':
      return enriched && has(movie.genres, filter.value);
    case 'director':
      return enriched && has(movie.directors, filter.value);
    case 'actor':
      return enriched && has(movie.top_cast, filter.value);
    case 'country':
      return enriched && has(movie.countries, filter.value);
    case 'language':
      return enriched && movie.original_language === filter.value;
    case 'decade': {
      const year = yearOfDate(movie.release_date);
      return enriched && year !== null && Math.floor(year / 10) * 10 === filter.value;
    }
    case 'rating':
      return film && movie.rating != null && halfStar(movie.rating) === filter.value;
    case 'watched':
      return film && yearWatched(movie) === filter.value;
    default:
      return false;
  }
}
