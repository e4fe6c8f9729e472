// The Locator: a query (CSS, role, label, text) resolved in the page each time it is used, and the actions on its one element.

import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { pageQuery } from './page-query.mjs';
import { ACTION_TIMEOUT, POLL_MS, navigating, scratch, sleep } from './shared.mjs';

/** Playwright's text matching: a string matches normalized text as a substring, any case (exactly with `exact`); a RegExp is tested. */
function matcher(text, exact = false) {
  if (text instanceof RegExp) return { regex: text.source, flags: text.flags };
  return { text: String(text), exact };
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
