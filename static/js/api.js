// The reelstream HTTP API, as the dashboard uses it. Errors are RFC 9457
// problem documents; they are thrown as ApiError carrying the problem.
// Reads need only a session's id; every change sends the session's owner
// token (owner.js) as `Authorization: Bearer …`, never in a URL.

import { owners } from './owner.js';

/** An API answer that was not a success, with its problem document. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem || null;
  }
}

const enc = encodeURIComponent;

async function request(method, path, { body, json, token } = {}) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, { title: 'Network error', detail: 'The server could not be reached. Check your connection and try again.' });
  }
  const type = response.headers.get('content-type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Who hears that a change was refused for want of the owner token (`onRefused`). */
let refused = () => {};

/** Calls `listener(sessionId, error)` when the server refuses a change (401, 403); the token is forgotten by then. */
export function onRefused(listener) {
  refused = listener;
}

/** A change to session `id`, with its owner token; a refusal forgets the token the server would not take. */
async function change(id, method, path, options = {}) {
  const token = owners.get(id);
  try {
    return await request(method, path, { ...options, token });
  } catch (err) {
    if (err.status === 401 || err.status === 403) {
      if (token) owners.forget(id, token);
      refused(id, err);
    }
    throw err;
  }
}

function fileForm(file) {
  const form = new FormData();
  form.append('file', file, file.name);
  return form;
}

/** Uploads a file (multipart part `file`); keeps the owner token the answer holds, and answers the new Session. */
export async function upload(file) {
  const { owner_token: token, ...session } = await request('POST', '/api/upload', { body: fileForm(file) });
  owners.set(session.id, token);
  return session;
}

/** Uploads a newer export into a session (owner only); answers `{session, diff: {added, changed, removed, unchanged}}`. */
export const reimport = (id, file) =>
  change(id, 'POST', `/api/session/${enc(id)}/upload`, { body: fileForm(file) });

/** The session and its counters. */
export const getSession = (id) => request('GET', `/api/session/${enc(id)}`);

/** One page of movies. */
export const listMovies = (id, offset = 0, limit = 1000) =>
  request('GET', `/api/session/${enc(id)}/movies?offset=${offset}&limit=${limit}`);

/** Every movie of a session, page by page. */
export async function allMovies(id) {
  const items = [];
  for (let offset = 0; ; ) {
    const page = await listMovies(id, offset, 1000);
    items.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return items;
  }
}

/** The library's statistics: of the films watched in `year` when given, else of all. */
export const getStats = (id, top = 10, year = null) =>
  request('GET', `/api/session/${enc(id)}/stats?top=${top}${year != null ? `&year=${year}` : ''}`);

/** Points a movie at a TMDB id and re-enriches it. */
export const fixMovie = (id, movieId, tmdbId, mediaType = 'movie') =>
  change(id, 'PATCH', `/api/session/${enc(id)}/movies/${enc(movieId)}`, {
    json: { tmdb_id: tmdbId, media_type: mediaType },
  });

/** Takes the proposal of a film in review; answers the film, now enriched (409 when not in review). */
export const acceptReview = (id, movieId) =>
  change(id, 'PATCH', `/api/session/${enc(id)}/movies/${enc(movieId)}`, { json: { accept: true } });

/** Accepts every proposal at or above `minConfidence` (0–1); answers `{accepted, movie_ids, review_count}`. */
export const acceptReviews = (id, minConfidence) =>
  change(id, 'POST', `/api/session/${enc(id)}/review/accept`, { json: { min_confidence: minConfidence } });

/** The picker's TMDB search; `query` is a query string (review.js `searchQuery`). */
export const searchTmdb = (query) => request('GET', `/api/tmdb/search?${query}`);

/** One TMDB record with its directors and runtime. */
export const tmdbTitle = (mediaType, tmdbId) => request('GET', `/api/tmdb/${enc(mediaType)}/${enc(tmdbId)}`);

/** Queues the failed films again. */
export const retryFailed = (id) => change(id, 'POST', `/api/session/${enc(id)}/retry`);

/** Where to download the library. */
export const exportUrl = (id, format) => `/api/session/${enc(id)}/export?format=${format}`;

/** The live endpoints. */
export const eventsUrl = (id) => `/api/session/${enc(id)}/events`;
export function wsUrl(id) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/session/${enc(id)}/ws`;
}
