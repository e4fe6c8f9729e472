// The upload view: a file chosen, dropped anywhere on the drop zone, or the
// sample, sent to the API; a refused file is explained with the server's
// problem document.

import * as api from './api.js';
import { h } from './format.js';

const $ = (id) => document.getElementById(id);

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

async function uploadFile(file, onUploaded) {
  if (!file) return;
  $('upload-error').hidden = true;
  setUploadBusy(true, `Uploading ${file.name}…`);
  try {
    const session = await api.upload(file);
    setUploadBusy(false);
    onUploaded(session);
  } catch (err) {
    setUploadBusy(false);
    showUploadError(err);
  }
}

/** Wires the upload view; `onUploaded(session)` is called with each session the API accepted. */
export function bindUpload(onUploaded) {
  const input = $('file-input');
  const zone = $('dropzone');
  input.addEventListener('change', () => {
    uploadFile(input.files?.[0], onUploaded);
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
    if (file) uploadFile(file, onUploaded);
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
      await uploadFile(new File([blob], 'watched.csv', { type: 'text/csv' }), onUploaded);
    } catch (err) {
      setUploadBusy(false);
      showUploadError(err);
    }
  });
}
