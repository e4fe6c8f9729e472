// Owner or viewer. A session this browser holds the owner token of (it
// uploaded the file, or an owner link brought the token) shows the controls
// that change it; without the token the page is read-only and says so. The
// tokens are owner.js's; api.js sends them, and forgets one the server
// refuses.
//
// The session view carries `data-access="owner|viewer"`; app.css hides the
// `[data-owner-only]` controls from a viewer and shows `[data-viewer-only]`
// to a viewer only. Cards built in JS ask `owner` before drawing controls.

import { onRefused } from './api.js';
import { ownerKey, ownerLink, owners, shareLink, tokenFromHash, withoutOwnerFragment } from './owner.js';

const $ = (id) => document.getElementById(id);

/** How long a copy button says "copied". */
const COPIED_MS = 2000;

export class Access {
  /** @param {(owner: boolean) => void} onChange called when the open session's page turns owner or viewer */
  constructor(onChange) {
    this.onChange = onChange;
    this.sessionId = null;
    this.owner = false;
    $('copy-share').addEventListener('click', () =>
      this.copy($('copy-share'), shareLink(location.origin, this.sessionId), 'Copy this link to share the session (read-only):'));
    $('copy-owner').addEventListener('click', () => {
      const token = owners.get(this.sessionId);
      if (!token) return this.render();
      this.copy($('copy-owner'), ownerLink(location.origin, this.sessionId, token),
        'Copy this link to change the session from another browser (keep it to yourself):');
    });
    onRefused((id, err) => {
      if (id === this.sessionId) this.refused(err);
    });
    // Another tab of this browser stored or dropped the token (`key` null: storage cleared).
    window.addEventListener('storage', (event) => {
      if (event.key === null || event.key === ownerKey(this.sessionId)) this.render();
    });
  }

  /** Shows session `id` as its owner or a viewer. */
  open(id) {
    this.sessionId = id;
    $('access-note').textContent = '';
    this.owner = Boolean(owners.get(id));
    this.mark();
  }

  /**
   * Takes an owner token arriving in the address (`?session=<id>#owner=<token>`):
   * kept for that session, then taken out of the address bar, so that it is
   * neither bookmarked nor shared along with the page's address.
   */
  adoptFromUrl() {
    const token = tokenFromHash(location.hash);
    if (token === undefined) return;
    const id = new URLSearchParams(location.search).get('session');
    if (id && token) owners.set(id, token);
    history.replaceState(history.state, '', withoutOwnerFragment(location.href));
    if (id && id === this.sessionId) {
      $('access-note').textContent = '';
      this.render();
    }
  }

  /** The server refused a change (401, 403): api.js forgot the token; the page turns read-only and says why. */
  refused(err) {
    $('access-note').textContent = err?.status === 401
      ? ' The server asked for the owner token, which this browser does not hold.'
      : ' The server refused this browser’s owner token, so it was forgotten.';
    this.render();
  }

  /** Reads whether this browser holds the token now; tells `onChange` when that changed. */
  render() {
    const owner = Boolean(owners.get(this.sessionId));
    const changed = owner !== this.owner;
    this.owner = owner;
    this.mark();
    if (changed) this.onChange(owner);
  }

  mark() {
    $('session-view').dataset.access = this.owner ? 'owner' : 'viewer';
  }

  /** Puts `url` on the clipboard, the button saying so for a moment; where that is refused, shows it to copy by hand. */
  async copy(button, url, prompt) {
    const label = button.dataset.label || (button.dataset.label = button.textContent);
    try {
      await navigator.clipboard.writeText(url);
      button.textContent = 'Link copied';
      setTimeout(() => (button.textContent = label), COPIED_MS);
    } catch {
      window.prompt(prompt, url);
    }
  }
}
