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

import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import puppeteer from 'puppeteer-core';

export const BROWSER = process.env.REELSTREAM_BROWSER || 'chromium';
/** How long an action waits for its element, and a wait for its condition. */
export const ACTION_TIMEOUT = 60_000;
const POLL_MS = 50;

if (!['chromium', 'firefox'].includes(BROWSER)) {
  throw new Error(`REELSTREAM_BROWSER is '${BROWSER}': chromium or firefox`);
}

/** Files to upload and downloads, removed when the process ends. */
const scratch = mkdtempSync(path.join(os.tmpdir(), 'reelstream-e2e-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether an evaluation failed because the page was navigating or replaced the element (worth retrying). */
const navigating = (err) =>
  /execution context|cannot find context|destroyed|navigat|detached|realm|no such (frame|node)|stale/i.test(String(err?.message ?? err));

/** Playwright's text matching: a string matches normalized text as a substring, any case (exactly with `exact`); a RegExp is tested. */
function matcher(text, exact = false) {
  if (text instanceof RegExp) return { regex: text.source, flags: text.flags };
  return { text: String(text), exact };
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

/** Writes a file to upload under its own name; answers its path. */
async function uploadable(file) {
  if (typeof file === 'string') return file;
  const folder = await mkdtemp(path.join(scratch, 'upload-'));
  const target = path.join(folder, file.name);
  await writeFile(target, file.buffer);
  return target;
}

export class Locator {
  #page;
  #steps;

  constructor(page, steps) {
    this.#page = page;
    this.#steps = steps;
  }

  #with(...steps) {
    return new Locator(this.#page, [...this.#steps, ...steps]);
  }

  /** The query, as the page-side resolver takes it (a `has` holds another locator's steps). */
  get steps() {
    return this.#steps;
  }

  get #raw() {
    return this.#page.raw;
  }

  toString() {
    return JSON.stringify(this.#steps);
  }

  locator(selector, { hasText, has } = {}) {
    const steps = [{ kind: 'css', selector }];
    if (hasText !== undefined) steps.push({ kind: 'hasText', match: matcher(hasText) });
    if (has) steps.push({ kind: 'has', steps: has.steps });
    return this.#with(...steps);
  }

  getByRole(role, { name, exact = false } = {}) {
    return this.#with({ kind: 'role', role, name: name === undefined ? null : matcher(name, exact) });
  }

  getByLabel(text, { exact = false } = {}) {
    return this.#with({ kind: 'label', match: matcher(text, exact) });
  }

  getByText(text, { exact = false } = {}) {
    return this.#with({ kind: 'text', match: matcher(text, exact) });
  }

  filter({ hasText, has } = {}) {
    const steps = [];
    if (hasText !== undefined) steps.push({ kind: 'hasText', match: matcher(hasText) });
    if (has) steps.push({ kind: 'has', steps: has.steps });
    return this.#with(...steps);
  }

  first() {
    return this.nth(0);
  }

  nth(index) {
    return this.#with({ kind: 'nth', index });
  }

  /** What the page shows of the query's elements now: how many, and the state of the only one. */
  async #state() {
    const deadline = Date.now() + ACTION_TIMEOUT;
    for (;;) {
      try {
        return await this.#raw.evaluate(pageQuery, this.#steps, 'state');
      } catch (err) {
        if (!navigating(err) || Date.now() > deadline) throw err;
        await sleep(POLL_MS);
      }
    }
  }

  /**
   * Waits until the query finds exactly one element in the state `wanted`
   * asks for (attached, visible, enabled, editable, stable); fails at once
   * when it finds several (strict, as playwright).
   */
  async #waitOne(what, wanted = {}, timeout = ACTION_TIMEOUT) {
    const deadline = Date.now() + timeout;
    let last = null;
    let previousBox = null;
    for (;;) {
      const state = await this.#state();
      if (state.count > 1) {
        throw new Error(`${what}: strict mode violation: ${this} finds ${state.count} elements: ${state.elements.join(', ')}`);
      }
      last = state;
      let ready = state.count === 1;
      if (ready && wanted.visible) ready = state.visible;
      if (ready && wanted.enabled) ready = state.enabled;
      if (ready && wanted.editable) ready = state.editable;
      if (ready && wanted.stable) {
        const box = JSON.stringify(state.box);
        ready = box === previousBox;
        previousBox = box;
      }
      if (ready) {
        const handle = await this.#raw.evaluateHandle(pageQuery, this.#steps, 'element');
        const element = handle.asElement();
        if (element) return element;
        await handle.dispose();
      }
      if (Date.now() > deadline) {
        throw new Error(`${what}: timed out after ${timeout} ms waiting for ${this} (${JSON.stringify(wanted)}); last seen: ${JSON.stringify(last)}`);
      }
      await sleep(POLL_MS);
    }
  }

  /** Runs `fn(element, arg)` on the one element, once it is attached (retried if the page replaces it meanwhile). */
  async #onElement(what, fn, arg, wanted = {}) {
    const deadline = Date.now() + ACTION_TIMEOUT;
    for (;;) {
      const element = await this.#waitOne(what, wanted, Math.max(deadline - Date.now(), 0));
      try {
        return await element.evaluate(fn, arg);
      } catch (err) {
        if (!navigating(err) || Date.now() > deadline) throw err;
      } finally {
        element.dispose().catch(() => {});
      }
    }
  }

  async count() {
    return (await this.#state()).count;
  }

  async isVisible() {
    const state = await this.#state();
    if (state.count > 1) throw new Error(`isVisible: strict mode violation: ${this} finds ${state.count} elements`);
    return state.count === 1 && state.visible;
  }

  async isHidden() {
    return !(await this.isVisible());
  }

  async isDisabled() {
    return !(await this.#onElement('isDisabled', (el) => !el.matches(':disabled') && !el.closest('[aria-disabled="true"]')));
  }

  textContent() {
    return this.#onElement('textContent', (el) => el.textContent);
  }

  innerText() {
    return this.#onElement('innerText', (el) => el.innerText);
  }

  getAttribute(name) {
    return this.#onElement('getAttribute', (el, name) => el.getAttribute(name), name);
  }

  inputValue() {
    return this.#onElement('inputValue', (el) => el.value);
  }

  evaluate(fn, arg) {
    return this.#onElement('evaluate', fn, arg);
  }

  async evaluateAll(fn, arg) {
    const handle = await this.#raw.evaluateHandle(pageQuery, this.#steps, 'elements');
    try {
      return await handle.evaluate(fn, arg);
    } finally {
      handle.dispose().catch(() => {});
    }
  }

  allInnerTexts() {
    return this.evaluateAll((elements) => elements.map((el) => el.innerText));
  }

  async all() {
    return Array.from({ length: await this.count() }, (_, i) => this.nth(i));
  }

  async waitFor({ state = 'visible', timeout = ACTION_TIMEOUT } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const now = await this.#state();
      if (now.count > 1 && state !== 'detached') {
        throw new Error(`waitFor: strict mode violation: ${this} finds ${now.count} elements: ${now.elements.join(', ')}`);
      }
      const met = {
        attached: now.count === 1,
        detached: now.count === 0,
        visible: now.count === 1 && now.visible,
        hidden: now.count === 0 || !now.visible,
      }[state];
      if (met) return;
      if (Date.now() > deadline) throw new Error(`waitFor(${state}): timed out after ${timeout} ms waiting for ${this}; last seen: ${JSON.stringify(now)}`);
      await sleep(POLL_MS);
    }
  }

  focus() {
    return this.#onElement('focus', (el) => el.focus());
  }

  async press(key) {
    await this.focus();
    await this.#page.keyboard.press(key);
  }

  scrollIntoViewIfNeeded() {
    return this.#onElement('scrollIntoViewIfNeeded', (el) => el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' }));
  }

  /**
   * Clicks the middle of the element with the mouse, once it is visible,
   * enabled and still, scrolled into view and not covered by another.
   */
  async click() {
    const deadline = Date.now() + ACTION_TIMEOUT;
    for (;;) {
      const element = await this.#waitOne('click', { visible: true, enabled: true, stable: true }, Math.max(deadline - Date.now(), 0));
      let point;
      try {
        point = await element.evaluate((el) => {
          const inView = (r) => r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
          if (!inView(el.getBoundingClientRect())) el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
          const r = el.getBoundingClientRect();
          const x = r.left + r.width / 2;
          const y = r.top + r.height / 2;
          const hit = document.elementFromPoint(x, y);
          return { x, y, hit: hit === el || el.contains(hit), covered: hit ? hit.outerHTML.slice(0, 120) : null };
        });
      } catch (err) {
        if (!navigating(err)) throw err;
      } finally {
        element.dispose().catch(() => {});
      }
      if (point?.hit) {
        await this.#page.mouse.click(point.x, point.y);
        return;
      }
      if (Date.now() > deadline) throw new Error(`click: ${this} is covered by ${point?.covered}`);
      await sleep(POLL_MS);
    }
  }

  /** Replaces the field's text with `value`, as typed at once (one input event), as playwright's fill. */
  async fill(value) {
    const now = await this.#onElement('fill', (el, value) => {
      if (el.select) el.select();
      el.focus();
      if (value !== '') document.execCommand('insertText', false, value);
      else if (el.value !== '') document.execCommand('delete');
      return el.value;
    }, value, { visible: true, enabled: true, editable: true });
    if (now !== value) throw new Error(`fill: ${this} holds '${now}' after filling in '${value}'`);
  }

  /** Picks the option whose value or label is `value`, then sends input and change, as a person's choice does. */
  async selectOption(value) {
    const deadline = Date.now() + ACTION_TIMEOUT;
    for (;;) {
      const found = await this.#onElement('selectOption', (select, value) => {
        const option = [...select.options].find((o) => o.value === value || o.label === value);
        if (!option) return false;
        select.value = option.value;
        select.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        select.dispatchEvent(new Event('change', { bubbles: true }));
        return true;
      }, value, { visible: true, enabled: true });
      if (found) return;
      if (Date.now() > deadline) throw new Error(`selectOption: ${this} has no option '${value}'`);
      await sleep(POLL_MS);
    }
  }

  /** Sets the files of an `<input type=file>`: paths, or `{ name, buffer }` (written to a file of that name; its type follows the extension). */
  async setInputFiles(files) {
    const paths = await Promise.all([files].flat().map(uploadable));
    const element = await this.#waitOne('setInputFiles');
    try {
      await element.uploadFile(...paths);
    } finally {
      element.dispose().catch(() => {});
    }
  }

  async dispatchEvent(type, { dataTransfer, ...init } = {}) {
    const element = await this.#waitOne('dispatchEvent');
    try {
      await element.evaluate((el, type, init, dataTransfer) => {
        const options = { bubbles: true, cancelable: true, composed: true, ...init };
        const event = /^drag|^drop$/.test(type)
          ? new DragEvent(type, { ...options, dataTransfer })
          : new Event(type, options);
        el.dispatchEvent(event);
      }, type, init, dataTransfer ?? null);
    } finally {
      element.dispose().catch(() => {});
    }
  }

  async screenshot(options) {
    const element = await this.#waitOne('screenshot', { visible: true });
    try {
      return await element.screenshot(options);
    } finally {
      element.dispose().catch(() => {});
    }
  }
}

/**
 * Resolves a locator's steps in the page (self-contained: it is sent to the
 * page as source). `op` is 'elements' (all of them), 'element' (the only one,
 * or null) or 'state' (how many, and the only one's visibility, whether it is
 * enabled and editable, and its box).
 */
function pageQuery(steps, op) {
  const normalize = (s) => String(s ?? '').replace(/[\s\u200b]+/g, ' ').trim();
  const matches = (m, text) => {
    const normalized = normalize(text);
    if (m.regex !== undefined) return new RegExp(m.regex, m.flags).test(normalized);
    const wanted = normalize(m.text);
    return m.exact ? normalized === wanted : normalized.toLowerCase().includes(wanted.toLowerCase());
  };
  const SKIP = new Set(['SCRIPT', 'NOSCRIPT', 'STYLE', 'TEMPLATE', 'HEAD']);
  const elementText = (node) => {
    let text = '';
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += child.nodeValue;
      else if (child.nodeType === Node.ELEMENT_NODE && !SKIP.has(child.nodeName.toUpperCase())) text += elementText(child);
    }
    return text;
  };

  // Visibility, as playwright sees it.
  const styleVisible = (el) => {
    const style = getComputedStyle(el);
    if (style.display === 'contents') return true;
    if (el.checkVisibility && !el.checkVisibility()) return false;
    return style.visibility === 'visible';
  };
  const isVisible = (el) => {
    const style = getComputedStyle(el);
    if (style.display === 'contents') {
      return [...el.children].some(isVisible) ||
        [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.nodeValue.trim() && styleVisible(el));
    }
    if (!styleVisible(el)) return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  };
  /** Left out of the accessibility tree: aria-hidden, display none, visibility hidden. */
  const hiddenForAria = (el) => {
    for (let e = el; e; e = e.parentElement) {
      if (e.getAttribute('aria-hidden') === 'true') return true;
    }
    for (let e = el; e; e = e.parentElement) {
      if (getComputedStyle(e).display === 'none') return true;
    }
    if (el.checkVisibility && getComputedStyle(el).display !== 'contents' && !el.checkVisibility()) return true;
    return getComputedStyle(el).visibility !== 'visible';
  };

  // ARIA roles and accessible names (https://www.w3.org/TR/html-aam-1.0/, accname).
  const implicitRole = (el) => {
    const tag = el.localName;
    if (/^h[1-6]$/.test(tag)) return 'heading';
    switch (tag) {
      case 'a': case 'area': return el.hasAttribute('href') ? 'link' : null;
      case 'button': return 'button';
      case 'input': {
        const type = (el.getAttribute('type') || 'text').toLowerCase();
        if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
        if (type === 'checkbox') return 'checkbox';
        if (type === 'radio') return 'radio';
        if (type === 'range') return 'slider';
        if (type === 'number') return 'spinbutton';
        if (type === 'search') return el.hasAttribute('list') ? 'combobox' : 'searchbox';
        if (['text', 'email', 'tel', 'url'].includes(type)) return el.hasAttribute('list') ? 'combobox' : 'textbox';
        return null;
      }
      case 'textarea': return 'textbox';
      case 'select': return el.multiple || el.size > 1 ? 'listbox' : 'combobox';
      case 'option': return 'option';
      case 'img': return el.getAttribute('alt') === '' ? 'presentation' : 'img';
      case 'ul': case 'ol': case 'menu': return 'list';
      case 'li': return 'listitem';
      case 'nav': return 'navigation';
      case 'main': return 'main';
      case 'header': return 'banner';
      case 'footer': return 'contentinfo';
      case 'aside': return 'complementary';
      case 'article': return 'article';
      case 'form': return 'form';
      case 'dialog': return 'dialog';
      case 'details': case 'fieldset': return 'group';
      case 'table': return 'table';
      case 'tr': return 'row';
      case 'td': return 'cell';
      case 'th': return 'columnheader';
      case 'progress': return 'progressbar';
      case 'output': return 'status';
      default: return null;
    }
  };
  const roleOf = (el) => (el.getAttribute('role') || '').trim().split(/\s+/)[0] || implicitRole(el);
  const NAME_FROM_CONTENT = new Set(['button', 'cell', 'checkbox', 'columnheader', 'gridcell', 'heading', 'link',
    'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option', 'radio', 'row', 'rowheader', 'switch', 'tab',
    'tooltip', 'treeitem']);
  const CONTROLS = new Set(['input', 'textarea', 'select']);
  const byIds = (ids) => String(ids).split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean);
  const textAlternative = (el, { root = false, referenced = false, labelling = false } = {}) => {
    if (!referenced && hiddenForAria(el)) return '';
    const labelledBy = el.getAttribute('aria-labelledby');
    if (!labelling && labelledBy) {
      const name = byIds(labelledBy).map((r) => textAlternative(r, { referenced: true, labelling: true })).join(' ');
      if (name.trim()) return name;
    }
    const ariaLabel = el.getAttribute('aria-label');
    if (ariaLabel && ariaLabel.trim()) return ariaLabel;
    const tag = el.localName;
    if (CONTROLS.has(tag)) {
      const type = (el.getAttribute('type') || '').toLowerCase();
      if (!root) return tag === 'select' ? [...el.selectedOptions].map((o) => o.label).join(' ') : el.value;
      if (tag === 'input' && ['button', 'submit', 'reset'].includes(type)) {
        return el.value || { submit: 'Submit', reset: 'Reset' }[type] || '';
      }
      if (tag === 'input' && type === 'image') return el.getAttribute('alt') || el.getAttribute('value') || 'Submit';
      const labels = [...(el.labels || [])].map((l) => textAlternative(l, { referenced: true, labelling: true })).join(' ');
      if (labels.trim()) return labels;
      return el.getAttribute('title') || el.getAttribute('placeholder') || '';
    }
    if (tag === 'img' && el.hasAttribute('alt')) return el.getAttribute('alt');
    if (el instanceof SVGElement) {
      const title = [...el.children].find((c) => c.localName === 'title');
      if (title && title.textContent.trim()) return title.textContent;
    }
    if (!root || labelling || NAME_FROM_CONTENT.has(roleOf(el))) {
      let text = '';
      for (const child of el.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) text += child.nodeValue;
        else if (child.nodeType === Node.ELEMENT_NODE && !SKIP.has(child.nodeName.toUpperCase())) {
          const inline = getComputedStyle(child).display === 'inline';
          const part = textAlternative(child, { labelling });
          text += inline ? part : ` ${part} `;
        }
      }
      if (text.trim()) return text;
    }
    return el.getAttribute('title') || '';
  };
  const accessibleName = (el) => normalize(textAlternative(el, { root: true }));
  /** The texts that label a field: aria-labelledby, else aria-label, else its <label>s (playwright's getByLabel). */
  const labelsOf = (el) => {
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy) return byIds(labelledBy).map(elementText);
    const ariaLabel = el.getAttribute('aria-label');
    if (ariaLabel && ariaLabel.trim()) return [ariaLabel];
    const isInput = el.localName === 'input' && el.type !== 'hidden';
    if (isInput || ['button', 'meter', 'output', 'progress', 'select', 'textarea'].includes(el.localName)) {
      return [...(el.labels || [])].map(elementText);
    }
    return [];
  };

  const descendants = (root) => [...root.querySelectorAll('*')];
  const ordered = (elements) => {
    const unique = [...new Set(elements)];
    return unique.sort((a, b) => (a === b ? 0 : a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  };
  const resolve = (roots, steps) => {
    let current = roots;
    for (const step of steps) {
      switch (step.kind) {
        case 'css':
          current = ordered(current.flatMap((root) => [...root.querySelectorAll(step.selector)]));
          break;
        case 'role':
          current = ordered(current.flatMap(descendants)).filter((el) => roleOf(el) === step.role && !hiddenForAria(el) &&
            (step.name === null || matches(step.name, accessibleName(el))));
          break;
        case 'label':
          current = ordered(current.flatMap(descendants)).filter((el) => labelsOf(el).some((text) => matches(step.match, text)));
          break;
        case 'text':
          // The elements whose own text matches: none of their children's text does alone.
          current = ordered(current.flatMap(descendants)).filter((el) => !SKIP.has(el.nodeName.toUpperCase()) &&
            matches(step.match, elementText(el)) && ![...el.children].some((c) => matches(step.match, elementText(c))));
          break;
        case 'hasText':
          current = current.filter((el) => matches(step.match, elementText(el)));
          break;
        case 'has':
          current = current.filter((el) => resolve([el], step.steps).length > 0);
          break;
        case 'nth':
          current = current.slice(step.index, step.index + 1);
          break;
        default:
          throw new Error(`unknown locator step ${step.kind}`);
      }
    }
    return current;
  };

  const found = resolve([document], steps);
  if (op === 'elements') return found;
  if (op === 'element') return found.length === 1 ? found[0] : null;
  const state = { count: found.length, elements: found.slice(0, 5).map((el) => el.outerHTML.slice(0, 100)) };
  if (found.length === 1) {
    const [el] = found;
    const rect = el.getBoundingClientRect();
    state.visible = isVisible(el);
    state.enabled = !el.matches(':disabled') && !el.closest('[aria-disabled="true"]');
    state.editable = state.enabled && !el.readOnly;
    state.box = [rect.x, rect.y, rect.width, rect.height];
  }
  return state;
}
