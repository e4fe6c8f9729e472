// Re-importing a newer export into a session (owner only): the films it
// adds are looked up, those it changes are looked up again, those it no
// longer lists leave the library. The server answers what changed (the
// diff), and tells every page following the session with an `imported`
// event carrying the same diff.
//
// `diffSummary` touches no DOM: node imports this module for its unit tests
// (tests/js/reimport.test.mjs); the rest runs in the page only.

import { reimport } from './api.js';

const $ = (id) => document.getElementById(id);

/** What a diff holds of one kind: its movie ids counted (or a count, should the server send one). */
const size = (part) => (Array.isArray(part) ? part.length : Math.max(0, Number(part) || 0));

/** {added: [1, 2, 3], changed: [4], removed: [5, 6], unchanged: […80]} → "3 added, 1 changed, 2 removed, 80 unchanged". */
export function diffSummary(diff) {
  return ['added', 'changed', 'removed', 'unchanged'].map((kind) => `${size(diff?.[kind])} ${kind}`).join(', ');
}

/** Says what a re-import changed, or why it failed (`kind` "error"). */
export function showImport(text, kind = 'ok') {
  const status = $('import-status');
  status.dataset.kind = kind;
  status.textContent = text;
}

/** Shows a re-import's diff, as its answer or its event brought it. */
export const showDiff = (diff) => showImport(`Re-imported: ${diffSummary(diff)}.`);

/**
 * Wires the "Re-import a newer export" control: the file goes to the open
 * session (`sessionId()`), and `onImported(session, diff)` takes the answer
 * when that session is still on the page.
 */
export function bindReimport(sessionId, onImported) {
  const input = $('reimport-input');
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.value = '';
    const id = sessionId();
    if (!file || !id) return;
    input.disabled = true;
    showImport(`Re-importing ${file.name}…`);
    try {
      const answer = await reimport(id, file);
      if (id === sessionId()) onImported(answer.session, answer.diff);
    } catch (err) {
      if (id !== sessionId()) return;
      // No such route (an older server) answers a bare 404 or a 405; a gone session says so.
      const unsupported = err?.status === 405 || (err?.status === 404 && !/session/i.test(err.message));
      const reason = unsupported ? 'this server cannot re-import into a session' : err?.message || String(err);
      showImport(`Re-import failed: ${reason}`, 'error');
    } finally {
      input.disabled = false;
    }
  });
}
