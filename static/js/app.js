// The reelstream dashboard: routing, a session's progress, its live updates
// and the actions on it. The upload view (upload.js), the statistics
// (stats.js) with the year in review and the filter of the film table
// (view.js), the library (library.js) with its "Unmatched" and "To review"
// tabs (unmatched-view.js, review-view.js, rules in review.js), owner or
// viewer (access.js, tokens in owner.js) and re-importing (reimport.js)
// have modules of their own; the rules that keep the page consistent are in
// state.js, away from the DOM so node can unit-test them. Plain ES modules,
// no build step.

import * as api from './api.js';
import { Access } from './access.js';
import { eta, h, number } from './format.js';
import { Library } from './library.js';
import { LiveSession, TRANSPORTS } from './live.js';
import { bindReimport, showDiff, showImport } from './reimport.js';
import { needsWatch, sessionStamp } from './review.js';
import { ReviewPanel } from './review-view.js';
import { renderSessionInfo } from './session-info.js';
import { PageState } from './state.js';
import { bindUpload } from './upload.js';
import { View } from './view.js';
import { clearWorldMap } from './worldmap.js';

const $ = (id) => document.getElementById(id);

const TRANSPORT_NAMES = { sse: 'SSE', websocket: 'WebSocket', polling: 'polling' };
/** Window over which the rate of films per second is measured. */
const RATE_WINDOW_MS = 10000;
/** How often a completed session with films in review is checked for another person's decisions. */
const REVIEW_WATCH_MS = 2000;

/** The session on the page and which state of each film it shows (state.js). */
const page = new PageState();
const state = {
  session: null,
  live: null,
  samples: [],
  lastAnnounce: 0,
  watch: null,
};

// Turning owner or viewer (an owner link, a refused token) brings the controls or takes them away.
const access = new Access(() => library.redraw());
const canWrite = () => access.owner;
const review = new ReviewPanel({
  onAccept: acceptMovie,
  onPick: fixMovie,
  onBulk: acceptAll,
  search: api.searchTmdb,
  details: api.tmdbTitle,
  canWrite,
});
const library = new Library({ onFix: fixMovie, review, canWrite });
// The year in review and the chart filter, kept in the address; it owns the statistics panel.
const view = new View(() => page.sessionId, library);
const stats = view.stats;

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
  access.adoptFromUrl();
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

/** A session the upload created (api.upload kept its owner token): its address goes into the history, and it opens. */
function uploaded(session) {
  history.pushState({ session: session.id }, '', `/?session=${encodeURIComponent(session.id)}`);
  openSession(session.id, session);
}

// ---- A session ----------------------------------------------------------------------

async function openSession(id, known = null) {
  // The same session (back or forward within it): only its year or filter may have changed.
  if (page.sessionId === id && state.live) return view.follow();
  stopLive();
  page.open(id);
  access.open(id);
  Object.assign(state, { session: null, samples: [], lastAnnounce: 0 });
  stats.reset();
  library.reset();
  view.adopt();
  $('upload-view').hidden = true;
  $('session-view').hidden = false;
  $('session-error').hidden = true;
  $('session-id').textContent = id;
  $('session-format').textContent = '';
  $('export-csv').href = api.exportUrl(id, 'csv');
  $('export-json').href = api.exportUrl(id, 'json');
  $('export-letterboxd').href = api.exportUrl(id, 'letterboxd');
  $('export-review').href = api.exportUrl(id, 'review');
  for (const el of ['stat-tiles', 'charts', 'year-review']) $(el).replaceChildren();
  $('year-review').hidden = true;
  clearWorldMap($('world-map'));
  $('library-status').textContent = '';
  showImport('');
  renderProgress(null);
  $('main').focus({ preventScroll: true });

  try {
    updateSession(known || (await api.getSession(id)));
  } catch (err) {
    return showSessionError(err);
  }
  if (page.sessionId !== id) return;
  stats.refresh(true);
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
      stats.schedule();
    },
    onImported: (session, diff, seq) => imported(session, diff, seq),
    onCompleted: (session) => {
      updateSession(session);
      stats.refresh(true);
      watchReviews();
    },
    onPoll: (session, movies) => {
      updateSession(session);
      if (movies) {
        library.replace(movies);
        stats.schedule();
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
  clearTimeout(state.watch);
  state.watch = null;
}

/**
 * A completed session's stream ends with `completed`, but films in review
 * still change when someone (on another page, or the API) accepts or picks:
 * while any wait, the session is read every few seconds, and a change in
 * its counters subscribes again (a snapshot, then the films reloaded).
 */
function watchReviews() {
  clearTimeout(state.watch);
  state.watch = null;
  if (!needsWatch(state.session)) return;
  const id = page.sessionId;
  state.watch = setTimeout(async () => {
    state.watch = null;
    if (page.sessionId !== id) return;
    // The stream is open again (a fix reopened the session): it reports by itself.
    if (state.live && !state.live.finished) return;
    if (!document.hidden) {
      const session = await api.getSession(id).catch(() => null);
      if (page.sessionId !== id || (state.live && !state.live.finished)) return;
      if (session && sessionStamp(session) !== sessionStamp(state.session)) {
        updateSession(session);
        resubscribe();
        return; // the new stream's `completed` watches again
      }
    }
    watchReviews();
  }, REVIEW_WATCH_MS);
}

/** After a decision: a stream that ended would not report it; the watch covers one that was just ending. */
function catchUp() {
  if (!state.live || state.live.finished) resubscribe();
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
    // Films the server no longer lists were removed by a re-import this page did not hear of.
    library.remove(page.missingFrom(reload, movies, library.movies.keys()));
    const fresh = page.applyReload(reload, movies);
    if (fresh) library.upsert(fresh);
  } catch (err) {
    if (err?.status === 404 && page.isCurrent(reload)) showSessionError(err);
  }
}

function updateSession(session) {
  if (!session || session.id !== page.sessionId) return;
  state.session = session;
  renderSessionInfo(session);
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
  $('count-review').textContent = number(session?.review_count);
  $('count-unmatched').textContent = number(session?.unmatched_count);
  $('count-failed').textContent = number(session?.failed_count);
  $('count-skipped').textContent = number(session?.skipped_count);

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
    ? `All ${session.total_movies} films processed: ${session.enriched_count} enriched, ${session.review_count ? `${session.review_count} to review, ` : ''}${session.unmatched_count} unmatched, ${session.failed_count} failed${session.skipped_count ? `, ${session.skipped_count} skipped` : ''}.`
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

/** Takes the proposal of a film in review; its new state shows at once. */
async function acceptMovie(movie) {
  const decision = page.beginFix(movie.id);
  const accepted = await api.acceptReview(page.sessionId, movie.id);
  const answer = page.applyFixAnswer(decision, accepted, state.live?.lastSeq ?? 0);
  if (answer) library.upsert([answer], { fresh: true });
  const session = await api.getSession(page.sessionId).catch(() => null);
  if (session) updateSession(session);
  catchUp();
}

/** Accepts every proposal at or above `minConfidence`; the films follow from the stream or a reload. */
async function acceptAll(minConfidence) {
  const answer = await api.acceptReviews(page.sessionId, minConfidence);
  const session = await api.getSession(page.sessionId).catch(() => null);
  if (session) updateSession(session);
  if (answer.accepted) catchUp();
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

/**
 * A re-import (its answer, or its `imported` event at `seq`): the films it
 * removed leave, its diff is shown, the counters and statistics follow.
 */
function imported(session, diff, seq = state.live?.lastSeq ?? 0) {
  const removed = diff?.removed || [];
  page.remove(removed, seq);
  library.remove(removed);
  showDiff(diff);
  updateSession(session);
  stats.refresh(true);
}

// ---- Wiring -----------------------------------------------------------------------

bindUpload(uploaded);
$('retry-button').addEventListener('click', retryFailed);
// The session goes back to enriching: a stream that ended would not report its films.
bindReimport(() => page.sessionId, (session, diff) => {
  imported(session, diff);
  resubscribe();
});
$('new-upload').addEventListener('click', (event) => {
  event.preventDefault();
  history.pushState({}, '', '/');
  showUpload();
  $('file-input').focus();
});
route();
