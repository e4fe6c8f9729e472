// The browser under test, driven by puppeteer-core: Chromium over CDP, or
// Firefox (ESR) over WebDriver BiDi; REELSTREAM_BROWSER picks one.
//
// Elements are found by locators that behave as playwright's do (the suite
// was first written against them): a query by CSS, ARIA role and accessible
// name, label or text, resolved in the page each time it is used, waiting
// until its element is there (visible, enabled, still) before acting on it,
// and strict (an action on a query that finds several elements fails). The
// queries run in the page's own DOM, the same code in both browsers, so what
// the suite finds does not depend on one protocol's accessibility support.
//
// REELSTREAM_BROWSER   chromium (default) or firefox
// REELSTREAM_CHROMIUM  Chromium's executable (default /usr/bin/chromium)
// REELSTREAM_FIREFOX   Firefox's executable (default /usr/bin/firefox-esr)

import { mkdtemp, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

import puppeteer from 'puppeteer-core';

import { Locator } from './locator.mjs';
import { ACTION_TIMEOUT, BROWSER, POLL_MS, navigating, scratch, sleep } from './shared.mjs';

export { ACTION_TIMEOUT, BROWSER, Locator };

/** Launches the browser named by REELSTREAM_BROWSER, headless. */
export async function launch({ viewport = { width: 1280, height: 900 } } = {}) {
  if (BROWSER === 'firefox') {
    return puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: process.env.REELSTREAM_FIREFOX || '/usr/bin/firefox-esr',
      headless: true,
      defaultViewport: viewport,
    });
  }
  return puppeteer.launch({
    executablePath: process.env.REELSTREAM_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    defaultViewport: viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A browser context (another profile: its own storage and downloads folder)
 * whose pages resolve paths against `baseURL` and abort the requests `block`
 * matches (a function of the URL; true aborts it).
 */
export async function newContext(browser, { baseURL, block = () => false, permissions = [], setup = async () => {} }) {
  const downloads = await mkdtemp(path.join(scratch, 'downloads-'));
  const context = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloads } });
  if (permissions.length && BROWSER === 'chromium') {
    // Chromium asks for the clipboard permissions; Firefox grants the async
    // clipboard to a page without them (and its WebDriver BiDi knows no
    // clipboard permission to grant). puppeteer grants 'clipboard-write' as
    // Chromium's read-write permission, but writeText asks for the sanitized
    // write one: without it, it waits on a prompt no one answers.
    const granted = permissions.includes('clipboard-write') ? [...permissions, 'clipboard-sanitized-write'] : permissions;
    await context.overridePermissions(new URL(baseURL).origin, granted);
  }
  return new Context(context, { baseURL, block, downloads, setup });
}

class Context {
  #context;
  #options;

  constructor(context, options) {
    this.#context = context;
    this.#options = options;
  }

  /**
   * A new page, in a window of its own: Firefox hides a tab (visibilityState
   * hidden, its timers throttled) once another tab opens over it, where every
   * page of a test should stay visible, as in Chromium.
   */
  async newPage() {
    const raw = await this.#context.newPage({ type: 'window' });
    if (BROWSER === 'chromium') {
      // As playwright does: every page behaves as the focused one, as the
      // page a person looks at is (Chromium's clipboard, for one, refuses a
      // document without focus).
      await raw.emulateFocusedPage(true);
    }
    await raw.setRequestInterception(true);
    raw.on('request', (request) => {
      if (request.isInterceptResolutionHandled()) return;
      if (this.#options.block(request.url())) request.abort().catch(() => {});
      else request.continue().catch(() => {});
    });
    const page = new Page(raw, this);
    await this.#options.setup(page);
    return page;
  }

  get baseURL() {
    return this.#options.baseURL;
  }

  get downloads() {
    return this.#options.downloads;
  }

  close() {
    return this.#context.close();
  }
}

export class Page {
  #raw;
  #context;

  constructor(raw, context) {
    this.#raw = raw;
    this.#context = context;
    this.keyboard = raw.keyboard;
    this.mouse = raw.mouse;
  }

  /** The puppeteer page, for what this wrapper does not cover. */
  get raw() {
    return this.#raw;
  }

  context() {
    return this.#context;
  }

  url() {
    return this.#raw.url();
  }

  on(event, handler) {
    this.#raw.on(event, handler);
  }

  goto(url) {
    return this.#raw.goto(new URL(url, this.#context.baseURL).href, { timeout: ACTION_TIMEOUT });
  }

  reload() {
    return this.#raw.reload({ timeout: ACTION_TIMEOUT });
  }

  evaluate(fn, arg) {
    return this.#raw.evaluate(fn, arg);
  }

  evaluateHandle(fn, arg) {
    return this.#raw.evaluateHandle(fn, arg);
  }

  waitForTimeout(ms) {
    return sleep(ms);
  }

  /** Polls `predicate(arg)` in the page until it answers truthy; an exception in it fails the wait. */
  async waitForFunction(predicate, arg, { timeout = ACTION_TIMEOUT } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        if (await this.#raw.evaluate(predicate, arg)) return;
      } catch (err) {
        if (!navigating(err)) throw err;
      }
      if (Date.now() > deadline) throw new Error(`waitForFunction: timed out after ${timeout} ms: ${predicate}`);
      await sleep(POLL_MS);
    }
  }

  /** Waits until the page's address matches `pattern` (a navigation, or the history API). */
  async waitForURL(pattern, { timeout = ACTION_TIMEOUT } = {}) {
    const deadline = Date.now() + timeout;
    while (!pattern.test(this.#raw.url())) {
      if (Date.now() > deadline) throw new Error(`waitForURL(${pattern}): timed out after ${timeout} ms at ${this.#raw.url()}`);
      await sleep(POLL_MS);
    }
  }

  waitForResponse(predicate, { timeout = ACTION_TIMEOUT } = {}) {
    return this.#raw.waitForResponse(predicate, { timeout });
  }

  /**
   * Runs `action` (a click on a download link) and answers the file the
   * browser saved, once whole (and not empty): its name, as the browser chose
   * it (the link's `download` attribute or the answer's Content-Disposition),
   * and its path.
   */
  async download(action, { timeout = ACTION_TIMEOUT } = {}) {
    const folder = this.#context.downloads;
    const before = new Set(await readdir(folder));
    await action();
    const deadline = Date.now() + timeout;
    let last = '';
    for (;;) {
      const entries = (await readdir(folder)).filter((name) => !before.has(name) && !name.startsWith('.'));
      // Chromium writes `*.crdownload`, Firefox `*.part`, until the file is whole.
      const partial = entries.filter((name) => /\.(crdownload|part)$/.test(name));
      const done = entries.filter((name) => !partial.includes(name));
      if (done.length > 1) throw new Error(`one click downloaded several files: ${done.join(', ')}`);
      if (done.length === 1 && partial.length === 0) {
        const file = path.join(folder, done[0]);
        const { size } = await stat(file);
        const seen = `${done[0]}:${size}`;
        if (size > 0 && seen === last) return { suggestedFilename: () => done[0], path: () => file };
        last = seen;
      }
      if (Date.now() > deadline) throw new Error(`no download finished in ${timeout} ms (seen: ${entries.join(', ') || 'nothing'})`);
      await sleep(POLL_MS * 2);
    }
  }

  /** Dispatches an event of `type` on the element `selector` finds (a DragEvent for drag types, with `dataTransfer` a handle). */
  dispatchEvent(selector, type, init = {}) {
    return this.locator(selector).dispatchEvent(type, init);
  }

  screenshot(options) {
    return this.#raw.screenshot(options);
  }

  locator(selector, options) {
    return new Locator(this, []).locator(selector, options);
  }

  getByRole(role, options) {
    return new Locator(this, []).getByRole(role, options);
  }

  getByLabel(text, options) {
    return new Locator(this, []).getByLabel(text, options);
  }

  getByText(text, options) {
    return new Locator(this, []).getByText(text, options);
  }
}
