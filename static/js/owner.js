// Owner tokens. The upload answers one per session (`owner_token`, shown
// once): whoever holds it may change the session, anyone with the id may
// read it. This browser keeps each session's token in localStorage, so the
// owner's other tabs and later visits have it too; an owner link
// (`/?session=<id>#owner=<token>`) hands it to another browser in the
// fragment, which browsers never send to a server.
//
// No DOM here: the storage is injected, and node imports this module
// directly for its unit tests (tests/js/owner.test.mjs).

/** The storage key of a session's token. */
export const ownerKey = (sessionId) => `reelstream.owner.${sessionId}`;

/** What a token may look like: visible ASCII, as an `Authorization` header can carry it. */
const TOKEN = /^[\x21-\x7e]{1,512}$/;

/** Whether `token` can be used at all (not whether the server takes it). */
export const validToken = (token) => typeof token === 'string' && TOKEN.test(token);

/**
 * Each session's owner token. `storage` is a Storage (localStorage), or a
 * function answering one, read at each use; when it is absent or refuses
 * (private browsing, a full quota, storage disabled), the tokens live in
 * memory for as long as the page does.
 */
export class OwnerTokens {
  constructor(storage = () => globalThis.localStorage) {
    this.storage = typeof storage === 'function' ? storage : () => storage;
    this.memory = new Map();
  }

  /** The token of a session, or null. */
  get(sessionId) {
    if (!sessionId) return null;
    try {
      const stored = this.storage()?.getItem(ownerKey(sessionId));
      if (validToken(stored)) return stored;
    } catch {
      // Storage refused: what memory holds is all there is.
    }
    return this.memory.get(sessionId) ?? null;
  }

  /** Keeps a session's token; answers false for something that is not a token. */
  set(sessionId, token) {
    if (!sessionId || !validToken(token)) return false;
    this.memory.set(sessionId, token);
    try {
      this.storage()?.setItem(ownerKey(sessionId), token);
    } catch {
      // Kept in memory only: this page can still change the session.
    }
    return true;
  }

  /**
   * Drops a session's token after the server refused it. With `only`, only
   * when the token is still that one: an owner link opened meanwhile may
   * have brought another.
   */
  forget(sessionId, only = null) {
    if (only != null && this.get(sessionId) !== only) return false;
    this.memory.delete(sessionId);
    try {
      this.storage()?.removeItem(ownerKey(sessionId));
    } catch {
      // Nothing stored to remove.
    }
    return true;
  }
}

/**
 * The owner token a URL fragment carries (`#owner=<token>`, alone or among
 * other `&`-separated parameters): the token, null when the fragment has
 * `owner=` with nothing usable, undefined when it has none.
 */
export function tokenFromHash(hash) {
  const params = fragmentParams(hash);
  if (!params.some(([key]) => key === 'owner')) return undefined;
  const token = params.find(([key]) => key === 'owner')[1];
  return validToken(token) ? token : null;
}

/** The same address without `owner=` in its fragment; the `?session=` part stays. */
export function withoutOwnerFragment(href) {
  const url = new URL(href);
  const params = fragmentParams(url.hash);
  if (!params.some(([key]) => key === 'owner')) return url.href;
  const rest = params.filter(([key]) => key !== 'owner');
  url.hash = rest.map(([key, value]) => (value === null ? key : `${key}=${encodeURIComponent(value)}`)).join('&');
  // An empty fragment still leaves a bare `#` behind.
  return url.hash ? url.href : url.href.replace(/#$/, '');
}

/** `#a=1&owner=x` → [['a', '1'], ['owner', 'x']]; a route such as `#/session/<id>` is not parameters. */
function fragmentParams(hash) {
  const text = String(hash || '').replace(/^#/, '');
  if (!text || text.startsWith('/')) return [];
  return text.split('&').filter(Boolean).map((part) => {
    const at = part.indexOf('=');
    if (at < 0) return [part, null];
    try {
      return [part.slice(0, at), decodeURIComponent(part.slice(at + 1))];
    } catch {
      return [part.slice(0, at), null];
    }
  });
}

/** The read-only link of a session: anyone who has it can follow the session. */
export const shareLink = (origin, sessionId) => `${origin}/?session=${encodeURIComponent(sessionId)}`;

/** The owner link: the share link with the token in its fragment, which never reaches a server. */
export const ownerLink = (origin, sessionId, token) => `${shareLink(origin, sessionId)}#owner=${encodeURIComponent(token)}`;

/** The tokens of this browser (localStorage, read when used: node has none and keeps them in memory). */
export const owners = new OwnerTokens();
