// The reelstream dashboard: upload, live progress, statistics, library.
// Plain ES modules, no build step.

import * as api from './api.js';
import { chart } from './charts.js';
import { country, eta, h, language, longDuration, number, runtime } from './format.js';
import { Library } from './library.js';
import { LiveSession, TRANSPORTS } from './live.js';
import { PageState } from './state.js';

const $ = (id) => document.getElementById(id);

const TRANSPORT_NAMES = { sse: 'SSE', websocket: 'WebSocket', polling: 'polling' };
const FORMAT_NAMES = {
  letterboxd_zip: 'Letterboxd export',
  letterboxd_watched: 'Letterboxd watched films',
  letterboxd_ratings: 'Letterboxd ratings',
  letterboxd_diary: 'Letterboxd diary',
  letterboxd_watchlist: 'Letterboxd watchlist',
  letterboxd_reviews: 'Letterboxd reviews',
  letterboxd_likes: 'Letterboxd liked films',
  letterboxd_list: 'Letterboxd list',
  imdb: 'IMDb export',
  generic: 'CSV',
};
/** How often statistics are read again while films keep arriving. */
const STATS_INTERVAL_MS = 1500;
/** Window over which the rate of films per second is measured. */
const RATE_WINDOW_MS = 10000;

/** The session on the page and which state of each film it shows (state.js). */
const page = new PageState();
const state = {
  session: null,
  live: null,
  samples: [],
  lastAnnounce: 0,
  stats: { timer: null, inFlight: false, again: false, last: '' },
};

const library = new Library({ onFix: fixMovie });

// ---- Start-up and routing --------------------------------------------------------

function sessionFromUrl() {
  const params = new URLSearchParams(location.search);
  const fromQuery = params.get('session');
  if (fromQuery) return fromQuery;
  const match = location.hash.match(/^#\/session\/([^/?#]+)/);
  return match ? decodeURIComponent(match[1]) : null;
}

/** Transports the page may use; `?transport=polling` (or `websocket`) starts lower in the chain. */
function allowedTransports() {
  const wanted = new URLSearchParams(location.search).get('transport');
  const index = TRANSPORTS.indexOf(wanted);
  return index > 0 ? TRANSPORTS.slice(index) : TRANSPORTS;
}

function route() {
  const id = sessionFromUrl();
  if (id) openSession(id);
  else showUpload();
}

window.addEventListener('popstate', route);
window.addEventListener('hashchange', route);

// ---- Upload ------------------------------------------------------------------------

function showUpload() {
  stopLive();
  page.close();
  $('session-view').hidden = true;
  $('upload-view').hidden = false;
  $('transport').hidden = true;
  document.title = 'reelstream — your film library, enriched live';
}

function setUploadBusy(busy, text = '') {
  $('dropzone').dataset.state = busy ? 'busy' : 'idle';
  $('file-input').disabled = busy;
  $('sample-button').disabled = busy;
  $('upload-status').textContent = text;
}

function showUploadError(err) {
  const box = $('upload-error');
  const problem = err?.problem;
  box.replaceChildren(
    h('h2', {}, problem?.title || 'The upload failed'),
    h('p', { style: 'margin:0' }, err?.message || String(err)),
  );
  const rows = problem?.errors || [];
  if (rows.length) {
    box.append(
      h('ul', {},
        rows.slice(0, 10).map((e) =>
          h('li', {}, [e.row ? `Line ${e.row}` : null, e.column ? `column “${e.column}”` : null].filter(Boolean).join(', ') + (e.row || e.column ? ': ' : ''), e.message),
        ),
      ),
    );
  }
  box.hidden = false;
}

async function uploadFile(file) {
  if (!file) return;
  $('upload-error').hidden = true;
  setUploadBusy(true, `Uploading ${file.name}…`);
  try {
    const session = await api.upload(file);
    setUploadBusy(false);
    history.pushState({ session: session.id }, '', `/?session=${encodeURIComponent(session.id)}`);
    openSession(session.id, session);
  } catch (err) {
    setUploadBusy(false);
    showUploadError(err);
  }
}

function bindUpload() {
  const input = $('file-input');
  const zone = $('dropzone');
  input.addEventListener('change', () => {
    uploadFile(input.files?.[0]);
    input.value = '';
  });
  const over = (event) => {
    event.preventDefault();
    if (zone.dataset.state !== 'busy') zone.dataset.state = 'over';
  };
  zone.addEventListener('dragenter', over);
  zone.addEventListener('dragover', over);
  zone.addEventListener('dragleave', (event) => {
    if (!zone.contains(event.relatedTarget) && zone.dataset.state === 'over') zone.dataset.state = 'idle';
  });
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.dataset.state = 'idle';
    const file = event.dataTransfer?.files?.[0];
    if (file) uploadFile(file);
  });
  // A file dropped anywhere else must not navigate away from the page.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());

  $('sample-button').addEventListener('click', async () => {
    setUploadBusy(true, 'Fetching the sample…');
    try {
      const response = await fetch('/sample/watched.csv');
      if (!response.ok) throw new Error(`the sample could not be loaded (HTTP ${response.status})`);
      const blob = await response.blob();
      await uploadFile(new File([blob], 'watched.csv', { type: 'text/csv' }));
    } catch (err) {
      setUploadBusy(false);
      showUploadError(err);
    }
  });
}

// ---- A session ----------------------------------------------------------------------

async function openSession(id, known = null) {
  if (page.sessionId === id && state.live) return;
  stopLive();
  page.open(id);
  Object.assign(state, { session: null, samples: [], lastAnnounce: 0 });
  state.stats.last = '';
  library.reset();
  $('upload-view').hidden = true;
  $('session-view').hidden = false;
  $('session-error').hidden = true;
  $('session-id').textContent = id;
  $('session-format').textContent = '';
  $('export-csv').href = api.exportUrl(id, 'csv');
  $('export-json').href = api.exportUrl(id, 'json');
  $('stat-tiles').replaceChildren();
  $('charts').replaceChildren();
  $('library-status').textContent = '';
  renderProgress(null);
  $('main').focus({ preventScroll: true });

  try {
    updateSession(known || (await api.getSession(id)));
  } catch (err) {
    return showSessionError(err);
  }
  if (page.sessionId !== id) return;
  refreshStats(true);
  startLive();
}

function showSessionError(err) {
  stopLive();
  const box = $('session-error');
  const missing = err?.status === 404;
  box.replaceChildren(
    h('h2', {}, missing ? 'No such session' : 'Something went wrong'),
    h('p', { style: 'margin:0' },
      missing ? 'This session does not exist, or it was deleted. ' : `${err?.message || err} `,
      h('a', { href: '/' }, 'Upload a file'),
    ),
  );
  box.hidden = false;
}

function startLive(from) {
  stopLive();
  // A film load the old stream started may have read films before a fix the
  // new stream is about to report: its answer must not land.
  page.newStream();
  const id = page.sessionId;
  const live = new LiveSession(id, {
    onTransport: renderTransport,
    onSnapshot: (session, seq) => {
      updateSession(session);
      reloadMovies(seq);
    },
    onMovie: (movie, progress, seq) => {
      if (!page.applyEvent(movie.id, seq)) return;
      library.upsert([movie], { fresh: true });
      updateProgress(progress);
      scheduleStats();
    },
    onCompleted: (session) => {
      updateSession(session);
      refreshStats(true);
    },
    onPoll: (session, movies) => {
      updateSession(session);
      if (movies) {
        library.replace(movies);
        scheduleStats();
      }
    },
    onGone: (err) => showSessionError(err),
  }, { transports: allowedTransports() });
  state.live = live;
  live.start(from);
}

function stopLive() {
  state.live?.stop();
  state.live = null;
}

/**
 * Subscribes again after a fix or a retry reopened the session: a stream
 * that is ending (its `completed` may still be on the way) would miss the
 * films queued again. Keeps the transport that worked.
 */
function resubscribe() {
  startLive(state.live?.transport || undefined);
}

/** Reads every film after a snapshot; events newer than the snapshot win. */
async function reloadMovies(snapshotSeq) {
  const reload = page.beginReload(snapshotSeq);
  try {
    const movies = await api.allMovies(reload.sessionId);
    const fresh = page.applyReload(reload, movies);
    if (fresh) library.upsert(fresh);
  } catch (err) {
    if (err?.status === 404 && page.isCurrent(reload)) showSessionError(err);
  }
}

function updateSession(session) {
  if (!session || session.id !== page.sessionId) return;
  state.session = session;
  $('session-format').textContent = FORMAT_NAMES[session.source_format] || session.source_format;
  updateProgress(session);
}

// ---- Progress ------------------------------------------------------------------------

function updateProgress(progress) {
  if (!progress) return;
  const now = performance.now();
  const last = state.samples.at(-1);
  if (last && progress.processed_count < last.processed) state.samples = [];
  state.samples.push({ t: now, processed: progress.processed_count });
  while (state.samples.length > 2 && now - state.samples[0].t > RATE_WINDOW_MS) state.samples.shift();
  state.session = { ...state.session, ...progress };
  renderProgress(state.session);
}

function renderProgress(session) {
  const total = session?.total_movies ?? 0;
  const processed = session?.processed_count ?? 0;
  const completed = session?.status === 'completed';
  const percent = total ? Math.floor((processed / total) * 100) : completed ? 100 : 0;

  const bar = $('progressbar');
  bar.setAttribute('aria-valuenow', String(percent));
  bar.setAttribute('aria-valuetext', `${percent} %, ${processed} of ${total} films`);
  bar.dataset.complete = String(completed);
  $('progress-fill').style.width = `${percent}%`;
  $('progress-percent').textContent = `${percent} %`;
  $('progress-processed').textContent = number(processed);
  $('progress-total').textContent = number(total);
  $('count-enriched').textContent = number(session?.enriched_count);
  $('count-unmatched').textContent = number(session?.unmatched_count);
  $('count-failed').textContent = number(session?.failed_count);

  const pill = $('session-status');
  pill.dataset.status = completed ? 'completed' : 'enriching';
  pill.textContent = session ? (completed ? 'Completed' : 'Enriching') : 'Loading';

  // Rate and time left, measured over the last seconds; once done, the whole run.
  let rate = null;
  let left = null;
  if (completed && session.completed_at) {
    const seconds = (Date.parse(session.completed_at) - Date.parse(session.created_at)) / 1000;
    rate = seconds > 0 ? processed / seconds : null;
    $('eta-label').textContent = 'Took';
    $('progress-eta').textContent = eta(Math.max(seconds, 0));
  } else {
    const first = state.samples[0];
    const last = state.samples.at(-1);
    if (first && last && last.t - first.t >= 400 && last.processed > first.processed) {
      rate = ((last.processed - first.processed) * 1000) / (last.t - first.t);
      left = (total - processed) / rate;
    }
    $('eta-label').textContent = 'Time left';
    $('progress-eta').textContent = left == null ? '—' : eta(left);
  }
  $('progress-rate').textContent = rate == null ? '—' : `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} films/s`;

  const failed = session?.failed_count ?? 0;
  const retry = $('retry-button');
  retry.hidden = !failed;
  retry.textContent = `Retry ${failed} failed film${failed === 1 ? '' : 's'}`;

  document.title = session && !completed ? `(${percent} %) reelstream` : 'reelstream — your library';
  announce(session, percent, completed);
}

/** Tells screen readers how far along it is, without flooding them. */
function announce(session, percent, completed) {
  if (!session) return;
  const now = performance.now();
  const text = completed
    ? `All ${session.total_movies} films processed: ${session.enriched_count} enriched, ${session.unmatched_count} unmatched, ${session.failed_count} failed.`
    : `${percent} percent: ${session.processed_count} of ${session.total_movies} films processed.`;
  const announcer = $('progress-announcer');
  if (announcer.textContent === text) return;
  if (completed || now - state.lastAnnounce > 5000) {
    announcer.textContent = text;
    state.lastAnnounce = now;
  }
}

const TRANSPORT_STATES = {
  connecting: 'Connecting via ',
  reconnecting: 'Reconnecting via ',
  live: 'Live updates via ',
  closed: 'Up to date via ',
};

/** The badge saying which transport is in use, and how it fares. */
function renderTransport(name, liveState) {
  const el = $('transport');
  el.hidden = false;
  el.dataset.transport = name || 'none';
  el.dataset.state = liveState;
  const label = TRANSPORT_NAMES[name] || '—';
  const words = TRANSPORT_STATES[liveState] || 'Updates via ';
  $('transport-name').textContent = label;
  el.querySelector('.transport-label').firstChild.textContent = words;
  el.title = `${words}${label}`;
}

// ---- Actions -------------------------------------------------------------------------

/** Fixes a match; answers the film as queued again, or null when its own newer event came first. */
async function fixMovie(movie, tmdbId, mediaType) {
  const fix = page.beginFix(movie.id);
  const queued = await api.fixMovie(page.sessionId, movie.id, tmdbId, mediaType);
  const answer = page.applyFixAnswer(fix, queued, state.live?.lastSeq ?? 0);
  const session = await api.getSession(page.sessionId).catch(() => null);
  if (session) updateSession(session);
  resubscribe();
  return answer;
}

async function retryFailed() {
  const button = $('retry-button');
  button.disabled = true;
  try {
    const session = await api.retryFailed(page.sessionId);
    updateSession(session);
    resubscribe();
  } catch (err) {
    $('library-status').textContent = `Retry failed: ${err?.message || err}`;
  } finally {
    button.disabled = false;
  }
}

async function copyLink() {
  const button = $('copy-link');
  const url = `${location.origin}/?session=${encodeURIComponent(page.sessionId)}`;
  try {
    await navigator.clipboard.writeText(url);
    button.textContent = 'Link copied';
  } catch {
    window.prompt('Copy this link to come back to this session:', url);
  }
  setTimeout(() => (button.textContent = 'Copy link'), 2000);
}

// ---- Statistics -------------------------------------------------------------------

function scheduleStats() {
  if (state.stats.timer) return;
  state.stats.timer = setTimeout(() => {
    state.stats.timer = null;
    refreshStats();
  }, STATS_INTERVAL_MS);
}

async function refreshStats(now = false) {
  if (now && state.stats.timer) {
    clearTimeout(state.stats.timer);
    state.stats.timer = null;
  }
  if (state.stats.inFlight) {
    // The one in flight may predate what asked for this one.
    state.stats.again = now ? 'now' : state.stats.again || 'later';
    return;
  }
  const id = page.sessionId;
  state.stats.inFlight = true;
  try {
    const stats = await api.getStats(id, 10);
    if (id === page.sessionId) renderStats(stats);
  } catch (err) {
    console.warn('reelstream: statistics unavailable', err);
  } finally {
    state.stats.inFlight = false;
    const again = state.stats.again;
    state.stats.again = false;
    if (again === 'now') refreshStats(true);
    else if (again) scheduleStats();
  }
}

function renderStats(stats) {
  const key = JSON.stringify(stats);
  if (key === state.stats.last) return;
  state.stats.last = key;

  const tiles = [
    ['Films', number(stats.total_movies), `${number(stats.enriched_movies)} enriched`],
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

  const named = (list, name = (n) => n) => list.map((e) => ({ label: name(e.name), value: e.count }));
  const charts = [
    chart({ id: 'chart-genres', title: 'Genres', items: named(stats.genres) }),
    chart({
      id: 'chart-decades',
      title: 'Decades',
      kind: 'columns',
      items: stats.decades.map((d) => ({ label: `${d.decade}s`, short: stats.decades.length > 9 ? `’${String(d.decade).slice(2)}` : `${d.decade}s`, value: d.count })),
    }),
    chart({ id: 'chart-directors', title: 'Directors', note: 'most watched', items: named(stats.directors) }),
    chart({ id: 'chart-countries', title: 'Countries', note: 'of production', items: named(stats.countries, country) }),
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
    chart({ id: 'chart-languages', title: 'Languages', note: 'original', items: named(stats.languages, language) }),
  ];
  if (stats.ratings) {
    charts.push(chart({
      id: 'chart-ratings',
      title: 'Your ratings',
      note: `average ${stats.ratings.average.toFixed(2)} ★`,
      kind: 'columns',
      items: stats.ratings.histogram.map((r) => ({ label: `${r.rating} ★`, short: String(r.rating), value: r.count })),
    }));
  }
  if (stats.watched_years.length) {
    charts.push(chart({
      id: 'chart-watched',
      title: 'Films per year watched',
      kind: 'columns',
      items: stats.watched_years.map((y) => ({ label: String(y.year), short: stats.watched_years.length > 8 ? `’${String(y.year).slice(2)}` : String(y.year), value: y.count })),
    }));
  }
  charts.push(chart({ id: 'chart-actors', title: 'Actors', note: 'top-billed', items: named(stats.actors) }));
  $('charts').replaceChildren(...charts);
}

// ---- Wiring -----------------------------------------------------------------------

bindUpload();
$('retry-button').addEventListener('click', retryFailed);
$('copy-link').addEventListener('click', copyLink);
$('new-upload').addEventListener('click', (event) => {
  event.preventDefault();
  history.pushState({}, '', '/');
  showUpload();
  $('file-input').focus();
});
route();
