// The dashboard in a real headless browser, Chromium or Firefox, driven by
// puppeteer-core (browser.mjs: CDP for Chromium, WebDriver BiDi for Firefox).
//
// Run by `cargo test` (tests/dashboard.rs starts the servers, once per
// browser), or by hand against any running reelstream, e.g. the offline demo:
//
//   cargo run -- demo &
//   REELSTREAM_URL=http://127.0.0.1:8080 node --test tests/e2e/
//   REELSTREAM_URL=http://127.0.0.1:8080 REELSTREAM_BROWSER=firefox node --test tests/e2e/
//
// REELSTREAM_URL        the server under test (required)
// REELSTREAM_FAULTY_URL a server whose TMDB is down until REELSTREAM_TMDB_SWITCH/up
//                       is POSTed (the "Retry failed" test is skipped without them)
// REELSTREAM_BROWSER    chromium (default) or firefox
// REELSTREAM_CHROMIUM   Chromium (default /usr/bin/chromium)
// REELSTREAM_FIREFOX    Firefox (default /usr/bin/firefox-esr)

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { BROWSER, launch, newContext } from './browser.mjs';

const BASE = process.env.REELSTREAM_URL;
const FAULTY = process.env.REELSTREAM_FAULTY_URL;
const SWITCH = process.env.REELSTREAM_TMDB_SWITCH;
/** The 89 films of the Letterboxd fixture: 88 match, one is made up. */
const WATCHED = new URL('../fixtures/letterboxd/watched.csv', import.meta.url).pathname;
const COMPLETION_TIMEOUT = 90_000;
const CATALOG = new URL('../../src/tmdb/sim/catalog.json', import.meta.url);
const EXPECTED = new URL('../fixtures/letterboxd/expected.json', import.meta.url);

let browser;

before(async () => {
  assert.ok(BASE, 'set REELSTREAM_URL to the server under test, e.g. http://127.0.0.1:8080');
  browser = await launch();
  console.log(`# ${BROWSER}: ${await browser.version()}`);
});

after(async () => {
  await browser?.close();
});

/**
 * A fresh browser context (another profile: its own localStorage, so none
 * of the owner tokens of another) and page. Poster requests fail at once, as
 * they do offline; progress bar values are recorded from the start.
 */
async function open(t, { base = BASE, blockSse = false, blockWebSocket = false, permissions = [] } = {}) {
  const attempts = { sse: 0, websocket: 0 };
  const context = await newContext(browser, {
    baseURL: base,
    permissions,
    block: (url) => {
      if (/image\.tmdb\.org/.test(url)) return true;
      if (blockSse && /\/api\/session\/[^/]+\/events/.test(url)) {
        attempts.sse += 1;
        return true;
      }
      return false;
    },
    // Each page of the context, as it opens.
    setup: async ({ raw }) => {
      if (blockWebSocket) {
        await raw.exposeFunction('__wsAttempt', () => {
          attempts.websocket += 1;
        });
        await raw.evaluateOnNewDocument(() => {
          // A WebSocket that can never connect, as behind a proxy that refuses upgrades.
          window.WebSocket = class FailingWebSocket extends EventTarget {
            static CONNECTING = 0;
            static OPEN = 1;
            static CLOSING = 2;
            static CLOSED = 3;
            constructor(url) {
              super();
              this.url = url;
              this.readyState = 3;
              window.__wsAttempt();
              setTimeout(() => {
                this.onerror?.(new Event('error'));
                this.onclose?.(new CloseEvent('close', { code: 1006 }));
              }, 20);
            }
            send() {}
            close() {}
          };
        });
      }
      await raw.evaluateOnNewDocument(() => {
        window.__progress = [];
        const watch = () => {
          const bar = document.getElementById('progressbar');
          if (!bar) return;
          new MutationObserver(() => {
            const done = document.querySelectorAll('#library-body tr:not([data-status="pending"])').length;
            window.__progress.push({ value: Number(bar.getAttribute('aria-valuenow')), rows: done });
          }).observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] });
        };
        document.addEventListener('DOMContentLoaded', watch);
      });
    },
  });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  // Uncaught exceptions and unhandled rejections, as the page's own error and
  // unhandledrejection events see them, and Chromium's `pageerror` besides.
  // Firefox's is no use here: over WebDriver BiDi it reports every error its
  // console logs (an EventSource the test refuses, too), not uncaught ones only.
  await page.raw.exposeFunction('__uncaught', (error) => {
    errors.push(error);
  });
  await page.raw.evaluateOnNewDocument(() => {
    addEventListener('error', (event) => window.__uncaught(String(event.error ?? event.message)));
    addEventListener('unhandledrejection', (event) => window.__uncaught(`Uncaught (in promise) ${event.reason}`));
  });
  if (BROWSER === 'chromium') page.on('pageerror', (err) => errors.push(String(err)));
  t.after(() => assert.deepEqual(errors, [], 'no uncaught errors in the page'));
  return { page, attempts };
}

const sessionIdOf = (page) => new URL(page.url()).searchParams.get('session');

/** What the page shows, to explain a timeout. */
async function pageState(page) {
  return page
    .evaluate(() => ({
      url: location.href,
      status: document.getElementById('session-status')?.textContent,
      progress: document.getElementById('progressbar')?.getAttribute('aria-valuenow'),
      transport: document.getElementById('transport')?.innerText,
      tabs: document.getElementById('tabs')?.innerText.replace(/\s+/g, ' '),
      unmatched: document.getElementById('unmatched-list')?.innerText.replace(/\s+/g, ' '),
      review: document.getElementById('review-list')?.innerText.replace(/\s+/g, ' '),
      reviewStatus: document.getElementById('review-status')?.innerText,
      notice: document.getElementById('library-status')?.innerText,
      errors: [...document.querySelectorAll('.alert:not([hidden])')].map((e) => e.innerText),
    }))
    .catch((err) => `unavailable: ${err}`);
}

/** Waits for a condition in the page; on timeout, says what the page showed. */
async function waitFor(page, predicate, arg, what) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: COMPLETION_TIMEOUT });
  } catch (err) {
    throw new Error(`${what}: ${err.message}\npage: ${JSON.stringify(await pageState(page), null, 2)}`);
  }
}

async function waitCompleted(page) {
  await waitFor(
    page,
    () => document.getElementById('session-status')?.textContent === 'Completed' &&
      document.getElementById('progressbar')?.getAttribute('aria-valuenow') === '100',
    null,
    'waiting for the session to complete',
  );
}

const text = async (page, selector) => (await page.locator(selector).textContent()).trim();
const count = async (page, tab) => Number(await text(page, `#tab-count-${tab}`));

/** Waits until the tab of a status counts `n` films (films load just after a snapshot). */
async function waitCount(page, tab, n) {
  await waitFor(
    page,
    ([tab, n]) => document.getElementById(`tab-count-${tab}`)?.textContent === String(n),
    [tab, n],
    `waiting for ${n} ${tab} films`,
  );
}

/** The table row of a film, found by its title cell. */
const rowOf = (page, title) => page.locator('#library-body tr', { has: page.locator('.title-main', { hasText: title }) });

/**
 * A CSV of catalog films (by TMDB id) that the Letterboxd fixture does not
 * hold, so no earlier test has warmed the lookup cache for them: their
 * enrichment takes real (simulated) time.
 */
async function uncachedFilms(from, to) {
  const catalog = JSON.parse(await readFile(CATALOG, 'utf8'));
  const used = new Set(JSON.parse(await readFile(EXPECTED, 'utf8')).map((e) => e.tmdb_id));
  const films = catalog.movies.filter((m) => !used.has(m.id)).slice(from, to);
  assert.equal(films.length, to - from, 'the catalog has enough films');
  const quote = (s) => `"${String(s).replaceAll('"', '""')}"`;
  const rows = films.map((m) => `${quote(m.title)},${(m.release_date || '').slice(0, 4)},${m.id}`);
  return { count: films.length, csv: `title,year,tmdb_id\n${rows.join('\n')}\n` };
}

/** Uploads a CSV without the page; answers the session's id and owner token. */
async function uploadThroughApi(base, name, body) {
  const form = new FormData();
  form.append('file', new Blob([body], { type: 'text/csv' }), name);
  const response = await fetch(new URL('/api/upload', base), { method: 'POST', body: form });
  assert.equal(response.status, 202);
  const session = await response.json();
  assert.match(session.owner_token, /^rso_[0-9a-f]{64}$/);
  return { id: session.id, token: session.owner_token };
}

/** The link that hands a session's owner token to another browser (in the fragment, which no server sees). */
const ownerLinkOf = ({ id, token }) => `/?session=${id}#owner=${token}`;

describe('the dashboard', () => {
  test('an upload through the page fills the library in live over SSE', async (t) => {
    const { page } = await open(t);
    await page.goto('/');
    await assert.doesNotReject(page.getByRole('button', { name: 'Try a sample' }).waitFor());
    await page.locator('#file-input').setInputFiles(WATCHED);

    await page.waitForURL(/\?session=/);
    const id = sessionIdOf(page);
    assert.match(id, /^[0-9a-f-]{36}$/);
    await page.waitForFunction(() => document.getElementById('transport').dataset.transport === 'sse');
    assert.match(await text(page, '#transport'), /SSE/);
    await waitCompleted(page);

    // The bar moved through intermediate values while rows filled in.
    const progress = await page.evaluate(() => window.__progress);
    const partial = progress.filter((p) => p.value > 0 && p.value < 100);
    assert.ok(partial.length >= 3, `progress went through intermediate values: ${JSON.stringify(progress.map((p) => p.value))}`);
    assert.ok(partial.some((p) => p.rows > 0 && p.rows < 89), 'rows appeared before the end');
    assert.equal(await text(page, '#progress-percent'), '100 %');
    assert.equal(await text(page, '#progress-processed'), '89');
    assert.equal(await text(page, '#count-enriched'), '88');
    assert.equal(await text(page, '#count-unmatched'), '1');
    assert.match(await text(page, '#progress-rate'), /films\/s/);
    assert.equal(await text(page, '#eta-label'), 'Took');

    // The table: 89 films, the first page of 50 shown, each with its fields.
    await waitCount(page, 'all', 89);
    await waitCount(page, 'enriched', 88);
    await waitCount(page, 'unmatched', 1);
    assert.equal(await page.locator('#library-body tr').count(), 50);
    assert.equal(await text(page, '#page-info'), '1–50 of 89');
    const comeAndSee = rowOf(page, 'Come and See');
    assert.equal(await comeAndSee.getAttribute('data-status'), 'enriched');
    assert.equal(await comeAndSee.locator('.col-year').innerText(), '1985');
    assert.equal(await comeAndSee.locator('.col-directors').innerText(), 'Elem Klimov');
    assert.match(await comeAndSee.locator('.col-genres').innerText(), /Drama/);
    assert.match(await comeAndSee.locator('.col-runtime').innerText(), /^2 h 2\d$/);
    assert.match(await comeAndSee.locator('.col-confidence').innerText(), /\d+ %/);
    // Posters come from the server (/api/poster/…: here the simulator's
    // drawings), never from TMDB's image host; they load lazily, once the
    // table is scrolled into view. The initials stay beneath.
    await page.locator('#library-body tr:first-child').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const img = document.querySelector('#library-body tr:first-child .poster img');
      return img?.complete && img.naturalWidth > 0;
    });
    assert.match(
      await page.locator('#library-body tr:first-child .poster img').getAttribute('src'),
      /^\/api\/poster\/w342\/\w+\.jpg$/,
    );
    assert.equal(await comeAndSee.locator('.poster').innerText(), 'CA');

    // The next page holds the rest.
    await page.getByRole('button', { name: 'Next' }).click();
    assert.equal(await text(page, '#page-info'), '51–89 of 89');
    assert.equal(await page.locator('#library-body tr').count(), 39);
    assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled());
    await page.getByRole('button', { name: 'Previous' }).click();
    // Filtering: by a director's name, by a title.
    await page.getByLabel('Filter films').fill('kurosawa');
    assert.equal(await page.locator('#library-body tr').count(), 2);
    await page.getByLabel('Filter films').fill('lantern');
    assert.equal(await rowOf(page, 'The Lantern Keeper of Vellmar').getAttribute('data-status'), 'unmatched');
    await page.getByLabel('Filter films').fill('');

    // Charts: genres, decades, directors, countries and runtime, drawn from the
    // statistics, which are fetched again once the session completes.
    await waitFor(page, () => /TOP GENRE\s+Drama/i.test(document.getElementById('stat-tiles')?.innerText ?? ''),
      null, 'waiting for the final statistics');
    for (const chart of ['genres', 'decades', 'directors', 'countries', 'runtime']) {
      await page.locator(`#chart-${chart} svg rect.bar`).first().waitFor({ state: 'attached' });
    }
    assert.match(await page.locator('#chart-genres svg').getAttribute('aria-label'), /^Genres: Drama \d+/);
    assert.match(await page.locator('#chart-countries svg').getAttribute('aria-label'), /United States/);
    const tiles = await page.locator('#stat-tiles').innerText();
    assert.match(tiles, /FILMS\s+89/i);
    assert.match(tiles, /TOP GENRE\s+Drama/i);

    // Exports: the whole library as files named after the session.
    for (const [button, extension] of [['CSV', 'csv'], ['JSON', 'json']]) {
      const download = await page.download(() => page.getByRole('link', { name: button, exact: true }).click());
      assert.equal(download.suggestedFilename(), `reelstream-${id}.${extension}`);
      const body = await readFile(await download.path(), 'utf8');
      if (extension === 'csv') {
        assert.equal(body.trim().split('\n').length, 90, 'a header and 89 rows');
        assert.match(body, /^row,title,year,status,/);
      } else {
        assert.equal(JSON.parse(body).length, 89);
      }
    }
    // A Letterboxd import file (one row per film: watched.csv has no
    // viewings; its two miniseries left out, Letterboxd lists films) and
    // the films to review (the one unmatched film).
    for (const [button, suffix, lines, start] of [
      ['Letterboxd', 'letterboxd', 1 + 87, /^LetterboxdURI,tmdbID,imdbID,Title,/],
      ['To review', 'review', 2, /^row,title,year,status,/],
    ]) {
      const download = await page.download(() => page.getByRole('link', { name: button, exact: true }).click());
      assert.equal(download.suggestedFilename(), `reelstream-${id}-${suffix}.csv`);
      const body = await readFile(await download.path(), 'utf8');
      assert.match(body, start);
      assert.equal(body.trim().split('\n').length, lines, body.slice(0, 300));
    }
  });

  test('the offline page shows every poster from the server, with no failed request', async (t) => {
    const { page } = await open(t);
    const failed = [];
    page.on('requestfailed', (request) => {
      const error = request.failure()?.errorText ?? '';
      // The page closes its own event stream once the session completes:
      // an abort it asked for, not a failure.
      const closedStream = /\/events(\?|$)/.test(request.url()) && /ABORTED/i.test(error);
      if (!closedStream) failed.push(`${error}: ${request.url()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()}: ${response.url()}`);
    });
    const errors = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto('/');
    await page.getByRole('button', { name: 'Try a sample' }).click();
    await page.waitForURL(/\?session=/);
    await waitCompleted(page);
    await waitCount(page, 'all', 89);
    // Scrolled past every row of the first page, so that every poster loads.
    const rows = page.locator('#library-body tr');
    for (let i = 0; i < (await rows.count()); i += 1) await rows.nth(i).scrollIntoViewIfNeeded();
    await waitFor(page, () => {
      const images = [...document.querySelectorAll('#library-body .poster img')];
      return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
    }, null, 'waiting for every poster of the page to load');
    const posters = await page.locator('#library-body .poster img').count();
    assert.ok(posters >= 45, `posters shown on the first page of 50: ${posters}`);
    assert.deepEqual(failed, [], 'no request failed');
    assert.deepEqual(errors, [], 'nothing in the console');
  });

  test('files can be dropped on the page, a bad one is explained, and the sample works', async (t) => {
    const { page } = await open(t);
    await page.goto('/');
    const drop = async (name, content) => {
      const dataTransfer = await page.evaluateHandle(([name, content]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([content], name, { type: 'text/csv' }));
        return transfer;
      }, [name, content]);
      await page.dispatchEvent('#dropzone', 'dragover', { dataTransfer });
      assert.equal(await page.locator('#dropzone').getAttribute('data-state'), 'over');
      await page.dispatchEvent('#dropzone', 'drop', { dataTransfer });
    };

    // No title column: the server's problem is shown, nothing is opened.
    await drop('numbers.csv', 'foo,bar\n1,2\n');
    const alert = page.getByRole('alert').filter({ hasText: 'Unprocessable' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /column/i);
    assert.equal(new URL(page.url()).search, '');

    await drop('two.csv', 'Title,Year\nPersona,1966\nLa Haine,1995\n');
    await page.waitForURL(/\?session=/);
    await waitCompleted(page);
    await waitCount(page, 'enriched', 2);

    // "New upload", then "Try a sample": the Letterboxd fixture, served by the dashboard.
    await page.getByRole('link', { name: 'New upload' }).click();
    assert.ok(await page.locator('#upload-view').isVisible());
    await page.getByRole('button', { name: 'Try a sample' }).click();
    await page.waitForURL(/\?session=/);
    await waitCompleted(page);
    await waitCount(page, 'all', 89);
  });

  test('unmatched films are fixed from the Unmatched tab, by candidate or TMDB id', async (t) => {
    const { page } = await open(t);
    await page.goto('/');
    // Dune has no 1950 film (its candidates are kept); the second title exists nowhere.
    await page.locator('#file-input').setInputFiles({
      name: 'to-fix.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Title,Year\nDune,1950\nThe Lantern Keeper of Vellmar,2016\nPersona,1966\n'),
    });
    await page.waitForURL(/\?session=/);
    await waitCompleted(page);
    await waitCount(page, 'unmatched', 2);

    // Keyboard: the tabs follow the arrow keys.
    await page.getByRole('tab', { name: /Enriched/ }).focus();
    await page.keyboard.press('ArrowRight');
    const unmatchedTab = page.getByRole('tab', { name: /Unmatched/ });
    assert.equal(await unmatchedTab.getAttribute('aria-selected'), 'true');
    assert.ok(await page.locator('#panel-unmatched').isVisible());

    const dune = page.locator('#unmatched-list li.unmatched', { hasText: 'Dune' });
    const lantern = page.locator('#unmatched-list li.unmatched', { hasText: 'Lantern Keeper' });
    assert.ok((await dune.locator('button.candidate').count()) >= 2, 'candidates are offered');

    // A TMDB id that does not exist is refused with the server's reason.
    await lantern.getByLabel('TMDB id').fill('999999999');
    await lantern.getByRole('button', { name: 'Fix match' }).click();
    await lantern.locator('.fix-message', { hasText: /no movie with id 999999999/ }).waitFor();

    // Someone types an id for the other while the candidate picked for Dune
    // lands and its card is redrawn: the field keeps the focus and the text,
    // and Enter submits it.
    const lanternId = lantern.getByLabel('TMDB id');
    await lanternId.fill('550');
    await dune.locator('button.candidate', { hasText: '1984' }).evaluate((button) => button.click());
    await dune.locator('button.candidate').first().waitFor({ state: 'detached' });
    assert.ok(await lanternId.evaluate((input) => input === document.activeElement), 'the TMDB id field keeps the focus');
    assert.equal(await lanternId.inputValue(), '550');
    await page.keyboard.press('Enter');

    await waitCount(page, 'unmatched', 0);
    await waitCompleted(page);
    await page.locator('#unmatched-empty').waitFor();
    await waitCount(page, 'enriched', 3);
    assert.equal(await text(page, '#count-unmatched'), '0');

    await page.getByRole('tab', { name: /All/ }).click();
    const lynch = rowOf(page, 'Dune');
    assert.equal(await lynch.getAttribute('data-status'), 'enriched');
    assert.equal(await lynch.locator('.col-year').innerText(), '1984');
    assert.equal(await lynch.locator('.col-directors').innerText(), 'David Lynch');
    const fightClub = rowOf(page, 'Fight Club');
    assert.equal(await fightClub.getAttribute('data-status'), 'enriched');
    assert.match(await fightClub.locator('.title-sub').innerText(), /The Lantern Keeper of Vellmar/);
    assert.equal(await fightClub.locator('.col-directors').innerText(), 'David Fincher');
  });

  test('with SSE and WebSocket blocked it falls back to polling and says so', async (t) => {
    const { page, attempts } = await open(t, { blockSse: true, blockWebSocket: true });
    const films = await uncachedFilms(0, 80);
    await page.goto('/');
    await page.locator('#file-input').setInputFiles({ name: 'films.csv', mimeType: 'text/csv', buffer: Buffer.from(films.csv) });
    await page.waitForURL(/\?session=/);
    await page.waitForFunction(() => document.getElementById('transport').dataset.transport === 'polling');
    assert.match(await text(page, '#transport'), /polling/);
    assert.ok(attempts.sse >= 1, 'SSE was tried first');
    assert.ok(attempts.websocket >= 1, 'then the WebSocket');
    await waitCompleted(page);
    await waitCount(page, 'all', films.count);
    await waitCount(page, 'enriched', films.count);
    assert.equal(await text(page, '#count-enriched'), String(films.count));
    assert.equal(await page.locator('#library-body tr[data-status="enriched"]').count(), 50);
    await page.locator('#chart-genres svg rect.bar').first().waitFor({ state: 'attached' });
    assert.match(await text(page, '#transport'), /polling/);
    const progress = await page.evaluate(() => window.__progress.map((p) => p.value));
    t.diagnostic(`progress seen while polling: ${progress.join(' ')}`);
  });

  test('with SSE blocked it uses the WebSocket', async (t) => {
    const { page, attempts } = await open(t, { blockSse: true });
    const { id } = await uploadThroughApi(BASE, 'films.csv', 'Title,Year\nPersona,1966\nTokyo Story,1953\n');
    await page.goto(`/?session=${id}`);
    await page.waitForFunction(() => document.getElementById('transport').dataset.transport === 'websocket');
    assert.match(await text(page, '#transport'), /WebSocket/);
    assert.ok(attempts.sse >= 1);
    await waitCompleted(page);
    await waitCount(page, 'enriched', 2);
  });

  test('a session link reopens the session and follows it live', async (t) => {
    const films = await uncachedFilms(80, 200);
    const { id } = await uploadThroughApi(BASE, 'films.csv', films.csv);
    const { page } = await open(t);
    // Opened while the films are still being looked up: it catches up, then follows.
    await page.goto(`/?session=${id}`);
    assert.equal(await text(page, '#session-id'), id);
    await page.waitForFunction(() => document.getElementById('transport').dataset.transport === 'sse');
    await waitCompleted(page);
    await waitCount(page, 'all', films.count);
    await waitCount(page, 'enriched', films.count);
    assert.equal(await page.locator('#library-body tr').count(), 50);
    assert.equal(await page.locator('#library-body tr[data-status="pending"]').count(), 0);
    const progress = await page.evaluate(() => window.__progress.map((p) => p.value));
    t.diagnostic(`progress seen after reopening: ${progress.join(' ')}`);

    // The hash form opens it too, completed, with its statistics.
    const second = await page.context().newPage();
    await second.goto(`/#/session/${id}`);
    await waitCompleted(second);
    await waitCount(second, 'all', films.count);
    await second.locator('#chart-decades svg').waitFor();

    // A session that does not exist says so.
    await second.goto('/?session=00000000-0000-4000-8000-000000000000');
    await second.getByRole('heading', { name: 'No such session' }).waitFor();
  });

  test('failed films are queued again with "Retry failed"', { skip: !(FAULTY && SWITCH) && 'needs REELSTREAM_FAULTY_URL and REELSTREAM_TMDB_SWITCH' }, async (t) => {
    const { page } = await open(t, { base: FAULTY });
    await page.goto('/');
    await page.locator('#file-input').setInputFiles({
      name: 'films.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Name,Year\nDune,2021\nSeven Samurai,1954\n'),
    });
    await page.waitForURL(/\?session=/);
    await waitCompleted(page);
    assert.equal(await text(page, '#count-failed'), '2');
    const retry = page.getByRole('button', { name: 'Retry 2 failed films' });
    assert.ok(await retry.isVisible());
    await page.getByRole('tab', { name: /Failed/ }).click();
    // Counters come with the snapshot; the films themselves load just after it.
    await waitCount(page, 'failed', 2);
    assert.equal(await page.locator('#library-body tr[data-status="failed"]').count(), 2);
    assert.match(await page.locator('#library-body .error-text').first().innerText(), /TMDB/);

    // A viewer (the share link, another browser) sees the failed films, and no button to retry them.
    const { page: viewer } = await open(t, { base: FAULTY });
    await viewer.goto(`/?session=${sessionIdOf(page)}`);
    await waitCompleted(viewer);
    assert.equal(await text(viewer, '#count-failed'), '2');
    assert.ok(await viewer.locator('#read-only').isVisible());
    assert.ok(await viewer.locator('#retry-button').isHidden());

    // TMDB answers again.
    const up = await fetch(`${SWITCH}/up`, { method: 'POST' });
    assert.equal(up.status, 204);
    await retry.click();
    await waitFor(page, () => document.getElementById('count-enriched').textContent === '2', null, 'waiting for the retried films');
    await waitCompleted(page);
    assert.equal(await text(page, '#count-failed'), '0');
    assert.ok(await retry.isHidden());
    await page.getByRole('tab', { name: /Enriched/ }).click();
    await waitCount(page, 'enriched', 2);
    assert.equal(await page.locator('#library-body tr[data-status="enriched"]').count(), 2);
  });
});

// ---- The Review tab ---------------------------------------------------------

/**
 * A CSV of catalog films written with their year off: two off, the matcher
 * proposes at 73–79 %; three off, at 64–70 %. Films from the end of the
 * catalog, which no other test looks up.
 */
async function offByYears(films) {
  const catalog = JSON.parse(await readFile(CATALOG, 'utf8'));
  const rows = films.map(([title, off]) => {
    const film = catalog.movies.find((m) => m.title === title);
    assert.ok(film, `${title} is in the catalog`);
    return { film, csv: `"${title}",${Number(film.release_date.slice(0, 4)) + off}` };
  });
  return { films: rows.map((r) => r.film), csv: `Title,Year\n${rows.map((r) => r.csv).join('\n')}\n` };
}

async function api(path, init) {
  const response = await fetch(new URL(path, BASE), init);
  assert.ok(response.ok, `${path}: ${response.status}`);
  return response.json();
}

/** The session's films, by their title as exported. */
async function filmsOf(id) {
  const page = await api(`/api/session/${id}/movies?limit=1000`);
  return Object.fromEntries(page.items.map((m) => [m.title, m]));
}

const reviewCard = (page, title) =>
  page.locator('#review-list li.review-item', { has: page.locator('.review-title', { hasText: title }) });

async function openReviewTab(page) {
  await page.getByRole('tab', { name: /To review/ }).click();
  assert.ok(await page.locator('#panel-review').isVisible());
}

/** Waits until the Review tab lists exactly these films. */
async function waitReviewList(page, titles) {
  await waitFor(
    page,
    (titles) => {
      const shown = [...document.querySelectorAll('#review-list li.review-item .review-title')]
        .map((h) => h.childNodes[0].textContent);
      return JSON.stringify(shown) === JSON.stringify(titles);
    },
    titles,
    `waiting for the Review tab to list ${JSON.stringify(titles)}`,
  );
}

describe('the Review tab', () => {
  test('lists proposals with their details; one is accepted with a click, others with the keyboard', async (t) => {
    const { films, csv } = await offByYears([['Moonrise Kingdom', 2], ['Amour', 2], ['Prisoners', 2], ['Gravity', 3]]);
    const { page } = await open(t);
    await page.goto('/');
    await page.locator('#file-input').setInputFiles({ name: 'off.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}Interstellar,2014\n`) });
    await page.waitForURL(/\?session=/);
    const id = sessionIdOf(page);
    await waitCompleted(page);
    await waitCount(page, 'review', 4);
    assert.equal(await text(page, '#count-review'), '4');
    assert.equal(await text(page, '#count-enriched'), '1');

    // In the table, a film in review goes by its exported title, with the proposal beside it.
    await waitCount(page, 'all', 5);
    const moonriseRow = rowOf(page, 'Moonrise Kingdom');
    assert.equal(await moonriseRow.getAttribute('data-status'), 'review');
    assert.equal(await moonriseRow.locator('.badge').innerText(), 'To review');
    assert.match(await moonriseRow.locator('.title-sub').innerText(), /Proposed: Moonrise Kingdom \(2012\)/);

    await openReviewTab(page);
    await waitReviewList(page, ['Moonrise Kingdom', 'Amour', 'Prisoners', 'Gravity']);
    const moonrise = reviewCard(page, 'Moonrise Kingdom');
    assert.match(await moonrise.locator('.review-title').innerText(), /Moonrise Kingdom \(2014\)/);
    assert.equal(await moonrise.locator('.review-match').innerText(), 'Moonrise Kingdom (2012)');
    assert.equal(await moonrise.locator('.review-meta').innerText(), `${films[0].directors[0].name} · 1 h 34`);
    const shown = Number((await moonrise.locator('.review-confidence').innerText()).match(/(\d+) %/)[1]);
    const before = await filmsOf(id);
    assert.equal(shown, Math.round(before['Moonrise Kingdom'].match_confidence * 100), 'the confidence as a percent');
    assert.ok(shown >= 72 && shown < 80, `two years off: ${shown} %`);
    // No image CDN: the thumbnail falls back to the initials.
    assert.equal(await moonrise.locator('.review-proposal .poster').innerText(), 'MK');

    // A click accepts.
    await moonrise.getByRole('button', { name: 'Accept Moonrise Kingdom (2012) for “Moonrise Kingdom”' }).click();
    await waitReviewList(page, ['Amour', 'Prisoners', 'Gravity']);
    await waitCount(page, 'review', 3);
    await page.locator('#review-status', { hasText: 'Accepted: “Moonrise Kingdom”' }).waitFor();
    await waitFor(page, () => document.activeElement?.matches('li.review-item') &&
      document.activeElement.textContent.startsWith('Amour'), null, 'the focus passed on to the next film');

    // Keys: the first card is in the tab order; j moves down, a accepts, and
    // the focus goes to the film that took the accepted one's place.
    const amour = reviewCard(page, 'Amour');
    assert.equal(await amour.getAttribute('tabindex'), '0');
    await amour.focus();
    await page.keyboard.press('j');
    const prisoners = reviewCard(page, 'Prisoners');
    assert.ok(await prisoners.evaluate((li) => li === document.activeElement), 'j moved the focus to the next film');
    await page.keyboard.press('k');
    assert.ok(await amour.evaluate((li) => li === document.activeElement), 'k moved it back');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('a');
    await waitReviewList(page, ['Amour', 'Gravity']);
    const gravity = reviewCard(page, 'Gravity');
    await waitFor(page, () => document.activeElement?.matches('li.review-item') &&
      document.activeElement.textContent.startsWith('Gravity'), null, 'the focus on the next film');
    assert.equal(await gravity.getAttribute('tabindex'), '0');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('a');
    await waitReviewList(page, ['Gravity']);
    await waitCount(page, 'review', 1);
    await waitFor(page, () => document.getElementById('count-review').textContent === '1', null, 'the review counter');

    // The server agrees: each accepted film is enriched with its proposal.
    const after = await filmsOf(id);
    for (const [title, film] of [['Moonrise Kingdom', films[0]], ['Amour', films[1]], ['Prisoners', films[2]]]) {
      assert.equal(after[title].status, 'enriched', title);
      assert.equal(after[title].tmdb_id, film.id, title);
    }
    assert.equal(after.Gravity.status, 'review');
    const session = await api(`/api/session/${id}`);
    assert.equal(session.review_count, 1);
    assert.equal(session.enriched_count, 4);
    await page.getByRole('tab', { name: /All/ }).click();
    assert.equal(await rowOf(page, 'Amour').getAttribute('data-status'), 'enriched');
  });

  test('another record is picked by searching its title, or by pasting its TMDB address', async (t) => {
    const { csv } = await offByYears([['Boyhood', 2], ['Whiplash', 2]]);
    const catalog = JSON.parse(await readFile(CATALOG, 'utf8'));
    const goneGirl = catalog.movies.find((m) => m.title === 'Gone Girl');
    const exMachina = catalog.movies.find((m) => m.title === 'Ex Machina');
    const { page } = await open(t);
    const session = await uploadThroughApi(BASE, 'off.csv', csv);
    const { id } = session;
    await page.goto(ownerLinkOf(session));
    await waitCompleted(page);
    await waitCount(page, 'review', 2);
    await openReviewTab(page);
    await waitReviewList(page, ['Boyhood', 'Whiplash']);

    // Free text: the results come as the person types (debounced), each with
    // its director and runtime read lazily.
    const boyhood = reviewCard(page, 'Boyhood');
    await boyhood.getByText('Search TMDB for another match').click();
    await boyhood.getByLabel('Search TMDB', { exact: true }).fill('gone girl');
    await boyhood.getByLabel('Year').fill('2014');
    const result = boyhood.locator('.review-results button', { hasText: 'Gone Girl' });
    await result.waitFor();
    await waitFor(page, () => /David Fincher/.test(document.querySelector('#review-list .review-results .choice-meta')?.textContent ?? ''),
      null, 'the result’s director, read lazily');
    assert.match(await result.innerText(), /2014/);
    await result.click();
    await waitReviewList(page, ['Whiplash']);

    // A pasted TMDB address names one record.
    const whiplash = reviewCard(page, 'Whiplash');
    await whiplash.focus();
    await page.keyboard.press('/');
    const query = whiplash.getByLabel('Search TMDB', { exact: true });
    assert.ok(await query.evaluate((input) => input === document.activeElement), '/ opens the search');
    await query.fill(`https://www.themoviedb.org/movie/${exMachina.id}-ex-machina`);
    await query.press('Enter');
    const pasted = whiplash.getByRole('button', { name: 'Pick Ex Machina (2015) for “Whiplash”' });
    await pasted.click();
    await waitReviewList(page, []);
    await page.locator('#review-empty').waitFor();
    await waitCount(page, 'review', 0);

    await waitFor(page, () => document.getElementById('count-enriched').textContent === '2', null, 'both films enriched');
    const after = await filmsOf(id);
    assert.deepEqual([after.Boyhood.status, after.Boyhood.tmdb_id], ['enriched', goneGirl.id]);
    assert.deepEqual([after.Whiplash.status, after.Whiplash.tmdb_id], ['enriched', exMachina.id]);
    assert.equal((await api(`/api/session/${id}`)).review_count, 0);
  });

  test('"Accept all" takes every proposal at N % or more, and another page follows live', async (t) => {
    const { films, csv } = await offByYears([['Inside Out', 2], ['Sicario', 2], ['The Lobster', 3], ['Arrival', 3]]);
    const session = await uploadThroughApi(BASE, 'off.csv', csv);
    const { id } = session;
    // The owner decides; the other page only follows, from the share link.
    const { page } = await open(t);
    const { page: other } = await open(t);
    await page.goto(ownerLinkOf(session));
    await other.goto(`/?session=${id}`);
    for (const p of [page, other]) {
      await waitCompleted(p);
      await waitCount(p, 'review', 4);
      await openReviewTab(p);
      await waitReviewList(p, ['Inside Out', 'Sicario', 'The Lobster', 'Arrival']);
    }

    // Two years off is at 73 % or more, three off under 71 %.
    await page.getByLabel('Accept all at or above').fill('72');
    const acceptAll = page.locator('#review-accept-all');
    assert.equal(await acceptAll.innerText(), 'Accept 2 films at 72 % or more');
    await acceptAll.click();
    await page.locator('#review-status', { hasText: 'Accepted 2 films at 72 % or more; 2 films left to review.' }).waitFor();
    await waitReviewList(page, ['The Lobster', 'Arrival']);
    await waitCount(page, 'review', 2);

    // The other page, whose stream ended with the session, follows.
    await waitReviewList(other, ['The Lobster', 'Arrival']);
    await waitCount(other, 'review', 2);
    await waitFor(other, () => document.getElementById('count-review').textContent === '2', null, 'the other page’s counter');

    // One more accepted on the first page leaves the other page too.
    await reviewCard(page, 'Arrival').getByRole('button', { name: /^Accept Arrival/ }).click();
    await waitReviewList(page, ['The Lobster']);
    await waitReviewList(other, ['The Lobster']);
    await waitFor(other, () => document.getElementById('count-review').textContent === '1', null, 'the other page’s counter');
    assert.equal(await text(other, '#tab-count-review'), '1');

    const after = await filmsOf(id);
    assert.deepEqual(
      ['Inside Out', 'Sicario', 'The Lobster', 'Arrival'].map((title) => after[title].status),
      ['enriched', 'enriched', 'review', 'enriched'],
    );
    assert.equal(after.Sicario.tmdb_id, films[1].id);
    const stats = await api(`/api/session/${id}/stats`);
    assert.equal(stats.review_movies, 1);
  });
});

// ---- Owners and viewers -----------------------------------------------------

/**
 * A CSV whose session shows every control of the Review and Unmatched tabs:
 * two films in review (two years off), and Dune in 1950, unmatched with its
 * candidates kept.
 */
async function ownedCsv() {
  const { csv } = await offByYears([['Past Lives', 2], ['Aftersun', 2]]);
  return `${csv}Dune,1950\n`;
}

/** The token this browser keeps for a session (static/js/owner.js). */
const storedToken = (page, id) => page.evaluate((id) => localStorage.getItem(`reelstream.owner.${id}`), id);

/** Waits for a session's films: completed, two in review, one unmatched. */
async function waitOwnedSession(page) {
  await waitCompleted(page);
  await waitCount(page, 'all', 3);
  await waitCount(page, 'review', 2);
  await waitCount(page, 'unmatched', 1);
}

/** The changes (anything but GET) a page sends to the API, recorded from now on. */
function recordChanges(page) {
  const changes = [];
  page.on('request', (request) => {
    if (request.method() !== 'GET' && new URL(request.url()).pathname.startsWith('/api/')) changes.push(`${request.method()} ${request.url()}`);
  });
  return changes;
}

/** Whether the server under test re-imports into a session: one without `POST /api/session/{id}/upload` answers 404 or 405. */
async function reimportSupported() {
  if (!BASE) return false;
  const { id, token } = await uploadThroughApi(BASE, 'probe.csv', 'Title,Year\nPersona,1966\n');
  // No file part: a server that re-imports refuses the request (4xx) without changing the session.
  const response = await fetch(new URL(`/api/session/${id}/upload`, BASE), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: new FormData(),
  });
  return response.status !== 404 && response.status !== 405;
}
const REIMPORT = await reimportSupported();

describe('owners and viewers', () => {
  test('the owner’s page shows the write controls and copies a share link and an owner link', async (t) => {
    const { page } = await open(t, { permissions: ['clipboard-read', 'clipboard-write'] });
    await page.goto('/');
    await page.locator('#file-input').setInputFiles({ name: 'owned.csv', mimeType: 'text/csv', buffer: Buffer.from(await ownedCsv()) });
    await page.waitForURL(/\?session=/);
    const id = sessionIdOf(page);
    assert.doesNotMatch(page.url(), /owner|rso_/, 'the token is not in the address');
    await waitOwnedSession(page);

    // The upload's token is kept for this session.
    const token = await storedToken(page, id);
    assert.match(token, /^rso_[0-9a-f]{64}$/);
    assert.equal(await page.locator('#session-view').getAttribute('data-access'), 'owner');
    assert.ok(await page.locator('#read-only').isHidden());
    assert.ok(await page.getByText('Re-import a newer export').isVisible());

    // Both links: the share link reads, the owner link carries the token in its fragment.
    const origin = new URL(BASE).origin;
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
    await page.getByRole('button', { name: 'Copy share link' }).click();
    await page.getByRole('button', { name: 'Link copied' }).waitFor();
    assert.equal(await clipboard(), `${origin}/?session=${id}`);
    await page.getByRole('button', { name: 'Copy owner link' }).click();
    await waitFor(page, () => navigator.clipboard.readText().then((text) => text.includes('#owner=')), null, 'the owner link copied');
    assert.equal(await clipboard(), `${origin}/?session=${id}#owner=${token}`);

    // The controls of both tabs.
    await page.getByRole('tab', { name: /Unmatched/ }).click();
    const dune = page.locator('#unmatched-list li.unmatched', { hasText: 'Dune' });
    assert.ok((await dune.locator('button.candidate').count()) >= 2);
    assert.ok(await dune.getByRole('button', { name: 'Fix match' }).isVisible());
    await openReviewTab(page);
    await waitReviewList(page, ['Past Lives', 'Aftersun']);
    assert.equal(await page.locator('#review-list .review-accept').count(), 2);
    assert.equal(await page.locator('#review-list .review-search').count(), 2);
    assert.ok(await page.locator('#review-accept-all').isVisible());
  });

  test('a viewer on the share link sees the library, no write controls, and a Read-only label', async (t) => {
    const { id } = await uploadThroughApi(BASE, 'owned.csv', await ownedCsv());
    const { page } = await open(t);
    const changes = recordChanges(page);
    await page.goto(`/?session=${id}`);
    await waitOwnedSession(page);

    // The library, as the owner sees it.
    assert.equal(await rowOf(page, 'Past Lives').getAttribute('data-status'), 'review');
    assert.equal(await rowOf(page, 'Dune').getAttribute('data-status'), 'unmatched');
    assert.equal(await text(page, '#count-review'), '2');

    // Read-only, and why.
    assert.equal(await page.locator('#session-view').getAttribute('data-access'), 'viewer');
    const label = page.locator('#read-only');
    assert.ok(await label.isVisible());
    assert.match(await label.innerText(), /Read-only/i);
    assert.match(await label.innerText(), /owner link gives write access/);
    assert.equal(await storedToken(page, id), null);

    // Only the share link; no retry, no re-import.
    assert.ok(await page.getByRole('button', { name: 'Copy share link' }).isVisible());
    assert.equal(await page.getByRole('button', { name: 'Copy owner link' }).count(), 0);
    assert.ok(await page.locator('#copy-owner').isHidden());
    assert.ok(await page.locator('#retry-button').isHidden());
    assert.ok(await page.getByText('Re-import a newer export').isHidden());

    // The Unmatched tab names the candidates, with nothing to press or fill in.
    await page.getByRole('tab', { name: /Unmatched/ }).click();
    const dune = page.locator('#unmatched-list li.unmatched', { hasText: 'Dune' });
    await dune.waitFor();
    assert.match(await dune.innerText(), /Closest candidates on TMDB: .*1984/);
    assert.equal(await dune.locator('button, input, select, form').count(), 0);

    // The To review tab shows the proposals, without Accept, the other candidates, the search or "Accept all".
    await openReviewTab(page);
    await waitReviewList(page, ['Past Lives', 'Aftersun']);
    const card = reviewCard(page, 'Past Lives');
    assert.match(await card.locator('.review-match').innerText(), /Past Lives \(2023\)/);
    assert.equal(await page.locator('#review-list').locator('button, input, select, details').count(), 0);
    assert.ok(await page.locator('#review-accept-all').isHidden());
    // The keys that change something do nothing.
    await card.focus();
    await page.keyboard.press('a');
    await page.keyboard.press('/');
    await page.waitForTimeout(300);
    await waitReviewList(page, ['Past Lives', 'Aftersun']);
    assert.deepEqual(changes, [], 'the viewer’s page asked for no change');
    assert.equal((await api(`/api/session/${id}`)).review_count, 2);
  });

  test('an owner link opened in another browser keeps the token, leaves the address bar and brings the write controls', async (t) => {
    const session = await uploadThroughApi(BASE, 'owned.csv', await ownedCsv());
    const { id, token } = session;
    const { page } = await open(t);
    await page.goto(ownerLinkOf(session));
    await waitOwnedSession(page);

    const origin = new URL(BASE).origin;
    assert.equal(await page.evaluate(() => location.href), `${origin}/?session=${id}`, 'no fragment left');
    assert.equal(await storedToken(page, id), token);
    assert.equal(await page.locator('#session-view').getAttribute('data-access'), 'owner');
    assert.ok(await page.locator('#read-only').isHidden());
    assert.ok(await page.getByRole('button', { name: 'Copy owner link' }).isVisible());

    // The token works, and stays when the page is opened again.
    await page.reload();
    await waitOwnedSession(page);
    await openReviewTab(page);
    await waitReviewList(page, ['Past Lives', 'Aftersun']);
    await reviewCard(page, 'Past Lives').getByRole('button', { name: /^Accept Past Lives/ }).click();
    await waitReviewList(page, ['Aftersun']);
    await waitCount(page, 'review', 1);
    assert.equal((await filmsOf(id))['Past Lives'].status, 'enriched');
  });

  test('a token the server refuses is dropped, the page says so and turns read-only', async (t) => {
    const session = await uploadThroughApi(BASE, 'owned.csv', await ownedCsv());
    const { page } = await open(t);
    // An owner link with someone else's token: the page believes it until the server says no.
    await page.goto(ownerLinkOf({ id: session.id, token: `rso_${'0'.repeat(64)}` }));
    await waitOwnedSession(page);
    await openReviewTab(page);
    await waitReviewList(page, ['Past Lives', 'Aftersun']);
    assert.equal(await page.locator('#session-view').getAttribute('data-access'), 'owner');

    await reviewCard(page, 'Past Lives').getByRole('button', { name: /^Accept Past Lives/ }).click();
    await page.locator('#read-only').waitFor();
    assert.match(await page.locator('#read-only').innerText(), /refused this browser’s owner token/);
    assert.equal(await page.locator('#session-view').getAttribute('data-access'), 'viewer');
    assert.equal(await storedToken(page, session.id), null);
    assert.equal(await page.locator('#review-list .review-accept').count(), 0, 'the controls are gone');
    await waitReviewList(page, ['Past Lives', 'Aftersun']);
    assert.equal((await api(`/api/session/${session.id}`)).review_count, 2);
  });

  test('re-import from the page: the diff is shown, removed films leave, new ones are looked up (POST /api/session/{id}/upload)', {
    skip: !REIMPORT && 'the server under test has no re-import: POST /api/session/{id}/upload answers 404 or 405',
  }, async (t) => {
    const { page } = await open(t);
    await page.goto('/');
    await page.locator('#file-input').setInputFiles({
      name: 'first.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Title,Year\nPersona,1966\nTokyo Story,1953\nLa Haine,1995\n'),
    });
    await page.waitForURL(/\?session=/);
    const id = sessionIdOf(page);
    await waitCompleted(page);
    await waitCount(page, 'enriched', 3);
    const token = await storedToken(page, id);

    // The newer export: La Haine left it, Seven Samurai came.
    const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/session/${id}/upload`);
    await page.locator('#reimport-input').setInputFiles({
      name: 'newer.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Title,Year\nPersona,1966\nTokyo Story,1953\nSeven Samurai,1954\n'),
    });
    const response = await answered;
    assert.equal(response.status(), 202);
    assert.equal(response.request().headers().authorization, `Bearer ${token}`);
    assert.doesNotMatch(response.url(), /rso_/);
    const { diff } = await response.json();
    assert.equal(diff.added.length, 1);
    assert.equal(diff.removed.length, 1);
    const summary = ['added', 'changed', 'removed', 'unchanged'].map((kind) => `${diff[kind].length} ${kind}`).join(', ');
    await page.locator('#import-status', { hasText: `Re-imported: ${summary}.` }).waitFor();

    // Enriching again, then done: La Haine is gone, Seven Samurai is in.
    await waitFor(page, () => document.getElementById('session-status')?.textContent === 'Completed' &&
      !document.querySelector('#library-body tr[data-status="pending"]') &&
      [...document.querySelectorAll('#library-body .title-main')].some((e) => e.textContent === 'Seven Samurai'),
    null, 'waiting for the re-imported films');
    await waitCount(page, 'all', 3);
    assert.equal(await rowOf(page, 'La Haine').count(), 0);
    assert.equal(await rowOf(page, 'Seven Samurai').getAttribute('data-status'), 'enriched');
    assert.equal(await text(page, '#progress-total'), '3');
    assert.equal(await text(page, '#count-enriched'), '3');
    const films = await filmsOf(id);
    assert.deepEqual(Object.keys(films).sort(), ['Persona', 'Seven Samurai', 'Tokyo Story']);
  });
});

// ---- The year in review -----------------------------------------------------

/**
 * A Letterboxd diary of 9 viewings of 8 catalog films over 2023 and 2024
 * (Parasite twice, the second a rewatch). By hand, from the catalog:
 *
 *   2023  Tokyo Story (Sat 11 Feb; JP; 1953; 5 ★ vs 8.1), Oppenheimer and
 *         Barbie (both Sat 22 July; US, GB; 2023; 4 ★ vs 8.1, 3.5 ★ vs 7.0),
 *         Parasite (Sun 5 Nov; KR; 2019; 4.5 ★ vs 8.5)
 *         → 4 viewings of 4 films, no rewatch, 3 viewing days, 2 new releases
 *   2024  Past Lives (Sat 6 Jan; US, KR; 2023; 4 ★ vs 7.7), Dune: Part Two
 *         (Fri 1 Mar; US, CA; 2024; 4.5 ★ vs 8.2), Anatomy of a Fall (Sat
 *         2 Mar; FR; 2023; 3 ★ vs 7.7), Parasite again (Wed 15 May), Seven
 *         Samurai (Sat 10 Aug; JP; 1954; 5 ★ vs 8.5)
 *         → 5 viewings of 5 films, 1 rewatch, 3 on a Saturday, 5 viewing
 *         days, 1 new release; rated above TMDB: Seven Samurai +1.5, Dune:
 *         Part Two +0.8, Parasite +0.5, Past Lives +0.3; below: Anatomy of
 *         a Fall −1.7; Drama 4 films; countries US 2, KR 2, CA, FR, JP
 *   all   9 viewings of 8 films, 1 rewatch; countries US 4, GB 2, JP 2,
 *         KR 2, CA 1, FR 1; decades 1950s: Tokyo Story, Seven Samurai;
 *         last watched in 2023: Tokyo Story, Oppenheimer, Barbie
 */
const DIARY = new URL('../fixtures/letterboxd/diary.csv', import.meta.url).pathname;
const DIARY_FILMS = ['Tokyo Story', 'Oppenheimer', 'Barbie', 'Parasite', 'Past Lives', 'Dune: Part Two', 'Anatomy of a Fall', 'Seven Samurai'];

/** Uploads the diary without the page and opens its session at `query` (`&year=…`); answers its id. */
async function openDiary(t, query = '') {
  const { id } = await uploadThroughApi(BASE, 'diary.csv', await readFile(DIARY));
  const { page } = await open(t);
  await page.goto(`/?session=${id}${query}`);
  await waitDiary(page);
  return { page, id };
}

async function waitDiary(page) {
  await waitCompleted(page);
  await waitCount(page, 'all', DIARY_FILMS.length);
}

/** Waits until the year in review shows these figures (`viewing-figures` entries by their data-figure). */
async function waitFigures(page, figures) {
  await waitFor(page, (figures) => Object.entries(figures).every(([key, value]) =>
    document.querySelector(`#viewing-figures [data-figure="${key}"] dd`)?.textContent === value),
  figures, `waiting for the viewing figures ${JSON.stringify(figures)}`);
}

/** Waits until the table lists exactly these films (in any order). */
async function waitTitles(page, titles) {
  await waitFor(page, (titles) => {
    const shown = [...document.querySelectorAll('#library-body .title-main')].map((e) => e.textContent).sort();
    return JSON.stringify(shown) === JSON.stringify([...titles].sort());
  }, titles, `waiting for the table to list ${JSON.stringify(titles)}`);
}

const titlesOf = (page, selector) => page.locator(`${selector} .highlight-title`).allInnerTexts();
const viewParam = (page, name) => new URL(page.url()).searchParams.get(name);

/** Whether the server under test draws share cards: one without `GET /api/session/{id}/card.png` answers 404 or 405. */
async function cardSupported() {
  if (!BASE) return false;
  const { id } = await uploadThroughApi(BASE, 'probe.csv', 'Title,Year\nPersona,1966\n');
  const response = await fetch(new URL(`/api/session/${id}/card.png`, BASE));
  await response.arrayBuffer();
  return response.status !== 404 && response.status !== 405;
}
const CARD = await cardSupported();

describe('year in review', () => {
  test('a year picked narrows every figure to the films watched in it, and stays in the address', async (t) => {
    const { page } = await open(t);
    await page.goto('/');
    await page.locator('#file-input').setInputFiles(DIARY);
    await page.waitForURL(/\?session=/);
    const id = sessionIdOf(page);
    await waitDiary(page);

    // All time first: every viewing, and the picker offers each year with viewings.
    await waitFigures(page, { viewings: '9', films: '8', 'first-watches': '8', rewatches: '1' });
    const picker = page.getByLabel('Year', { exact: true });
    assert.deepEqual(await picker.locator('option').allInnerTexts(), ['All time', '2024', '2023']);
    assert.equal(await picker.inputValue(), '');
    assert.equal(await text(page, '#year-review-title'), 'All time in review');
    assert.equal(viewParam(page, 'year'), null);

    await picker.selectOption('2024');
    await waitFigures(page, { viewings: '5', films: '5', 'first-watches': '4', rewatches: '1', busiest: 'Saturday' });
    assert.equal(viewParam(page, 'year'), '2024');
    assert.match(page.url(), /[?&]session=[^&]+&year=2024$/);
    assert.equal(await text(page, '#year-review-title'), '2024 in review');
    // The rest of the page follows the year: the films watched in it alone.
    await waitFor(page, () => /FILMS OF 2024\s+5\b/i.test(document.getElementById('stat-tiles')?.innerText ?? ''), null, 'the films tile of 2024');
    assert.match(await page.locator('#stat-tiles').innerText(), /TOP GENRE\s+Drama\s+4 films/i);
    assert.match(await page.locator('#chart-months svg').getAttribute('aria-label'),
      /^Viewings per month: January 2024 1, February 2024 0, March 2024 2, April 2024 0, May 2024 1, June 2024 0, July 2024 0, August 2024 1,/);
    assert.equal(await page.locator('#chart-weekdays svg').getAttribute('aria-label'),
      'Viewings per weekday: Monday 0, Tuesday 0, Wednesday 1, Thursday 0, Friday 1, Saturday 3, Sunday 0');
    assert.deepEqual(await titlesOf(page, '#highlight-above'), ['Seven Samurai', 'Dune: Part Two', 'Parasite', 'Past Lives']);
    assert.deepEqual(await titlesOf(page, '#highlight-below'), ['Anatomy of a Fall']);
    assert.deepEqual(await titlesOf(page, '#highlight-longest'), ['Seven Samurai', 'Dune: Part Two', 'Anatomy of a Fall', 'Parasite', 'Past Lives']);
    assert.equal(await text(page, '#release-split [data-figure="new-releases"]'), '1');
    assert.equal(await text(page, '#release-split [data-figure="older"]'), '4');
    // The share card is of the year too.
    const card = page.getByRole('link', { name: 'Download card' });
    assert.equal(await card.getAttribute('href'), `/api/session/${id}/card.png?year=2024`);
    assert.equal(await card.getAttribute('download'), `reelstream-${id}-2024.png`);

    // A reload reopens the year.
    await page.reload();
    await waitDiary(page);
    await waitFigures(page, { viewings: '5', films: '5', rewatches: '1' });
    assert.equal(await picker.inputValue(), '2024');

    await picker.selectOption('2023');
    await waitFigures(page, { viewings: '4', films: '4', 'first-watches': '4', rewatches: '0' });
    assert.equal(viewParam(page, 'year'), '2023');
    await waitFor(page, () => /FILMS OF 2023\s+4\b/i.test(document.getElementById('stat-tiles')?.innerText ?? ''), null, 'the films tile of 2023');
    assert.deepEqual(await titlesOf(page, '#highlight-below'), ['Oppenheimer']);
    assert.equal(await text(page, '#release-split [data-figure="new-releases"]'), '2');

    // Back to all time: the year leaves the address.
    await picker.selectOption('');
    await waitFigures(page, { viewings: '9', films: '8' });
    assert.equal(viewParam(page, 'year'), null);
    assert.equal(await card.getAttribute('download'), `reelstream-${id}-all.png`);
  });

  test('a chart bar filters the table, by click or key; the filter survives a reload and is cleared from its chip', async (t) => {
    const { page } = await openDiary(t);
    const chip = page.locator('#filter-chip');
    assert.ok(await chip.isHidden());

    // A column of the decades chart: the two films of the 1950s.
    const fifties = page.getByRole('button', { name: 'Decades: 1950s, 2' });
    await fifties.click();
    await waitTitles(page, ['Tokyo Story', 'Seven Samurai']);
    assert.equal(viewParam(page, 'filter'), 'decade:1950');
    assert.match(page.url(), /&filter=decade:1950$/);
    assert.ok(await chip.isVisible());
    assert.match(await chip.innerText(), /Decade: 1950s/);
    assert.equal(await page.getByRole('button', { name: 'Decades: 1950s, 2' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await text(page, '#page-info'), '1–2 of 2');

    // A reload reopens the table filtered, the chip shown.
    await page.reload();
    await waitDiary(page);
    await waitTitles(page, ['Tokyo Story', 'Seven Samurai']);
    assert.ok(await chip.isVisible());
    assert.match(await chip.innerText(), /Decade: 1950s/);
    await page.getByRole('button', { name: 'Decades: 1950s, 2' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Decades: 1950s, 2' }).getAttribute('aria-pressed'), 'true');

    // The keyboard: Enter on a genre's bar, Space on a year watched.
    await page.getByRole('button', { name: 'Genres: Comedy, 2' }).focus();
    await page.keyboard.press('Enter');
    await waitTitles(page, ['Barbie', 'Parasite']);
    assert.equal(viewParam(page, 'filter'), 'genre:Comedy');
    // The charts are drawn anew with the pressed bar: it keeps the focus.
    assert.ok(await page.getByRole('button', { name: 'Genres: Comedy, 2' })
      .evaluate((bar) => bar === document.activeElement && bar.getAttribute('aria-pressed') === 'true'), 'the pressed bar keeps the focus');
    assert.match(await chip.innerText(), /Genre: Comedy/);
    await page.getByRole('button', { name: 'Films per year watched: 2023, 3' }).focus();
    await page.keyboard.press(' ');
    await waitTitles(page, ['Tokyo Story', 'Oppenheimer', 'Barbie']);
    assert.equal(viewParam(page, 'filter'), 'watched:2023');
    // A rating's bar: the films rated 4.5 ★.
    await page.getByRole('button', { name: 'Your ratings: 4.5 ★, 2' }).click();
    await waitTitles(page, ['Parasite', 'Dune: Part Two']);

    // Cleared from the chip: every film again, nothing in the address.
    await chip.getByRole('button', { name: /^Clear the filter/ }).click();
    await waitTitles(page, DIARY_FILMS);
    assert.ok(await chip.isHidden());
    assert.equal(viewParam(page, 'filter'), null);
    assert.equal(await page.getByRole('button', { name: 'Your ratings: 4.5 ★, 2' }).getAttribute('aria-pressed'), 'false');
  });

  test('the heatmap fills one cell per viewing day, and the map colours the films’ countries', async (t) => {
    const { page } = await openDiary(t);

    // All time: the heatmap shows the latest year with viewings.
    const heatmap = page.locator('#heatmap');
    await heatmap.waitFor();
    assert.equal(await heatmap.getAttribute('data-year'), '2024');
    assert.equal(await heatmap.locator('rect.day').count(), 366, 'every day of a leap year');
    const filled = heatmap.locator('rect.day:not([data-count="0"])');
    assert.equal(await filled.count(), 5);
    assert.deepEqual(await filled.evaluateAll((cells) => cells.map((c) => c.dataset.date)),
      ['2024-01-06', '2024-03-01', '2024-03-02', '2024-05-15', '2024-08-10']);
    assert.equal(await heatmap.locator('rect[data-date="2024-03-02"] title').textContent(), 'Sat, Mar 2, 2024: 1 viewing');
    assert.match(await heatmap.locator('svg').getAttribute('aria-label'), /^Viewing days in 2024: 5 days with 5 viewings/);

    // The map: the six countries of the films, each shaded and named.
    const map = page.locator('#world-map');
    const coloured = map.locator('path[data-code]:not([data-count="0"])');
    await waitFor(page, () => document.querySelectorAll('#world-map path[data-code]:not([data-count="0"])').length === 6, null, 'the map of all time');
    assert.deepEqual((await coloured.evaluateAll((paths) => paths.map((p) => p.dataset.code))).sort(), ['CA', 'FR', 'GB', 'JP', 'KR', 'US']);
    for (const path of await coloured.all()) assert.match(await path.getAttribute('class'), /\blevel-[1-4]\b/);
    assert.equal(await map.locator('path[data-code="US"] title').textContent(), 'United States: 4 films');
    assert.equal(await map.locator('path[data-code="DE"]').getAttribute('data-count'), '0');
    assert.equal(await map.locator('path.level-0[data-code="DE"]').count(), 1);

    // 2023: three days (two films on 22 July, the darkest), four countries.
    await page.getByLabel('Year', { exact: true }).selectOption('2023');
    await waitFor(page, () => document.getElementById('heatmap')?.dataset.year === '2023', null, 'the heatmap of 2023');
    assert.equal(await heatmap.locator('rect.day').count(), 365);
    assert.equal(await filled.count(), 3);
    assert.equal(await heatmap.locator('rect[data-date="2023-07-22"]').getAttribute('data-count'), '2');
    assert.match(await heatmap.locator('rect[data-date="2023-07-22"]').getAttribute('class'), /level-4/);
    await waitFor(page, () => document.querySelectorAll('#world-map path[data-code]:not([data-count="0"])').length === 4, null, 'the map of 2023');
    assert.deepEqual((await coloured.evaluateAll((paths) => paths.map((p) => p.dataset.code))).sort(), ['GB', 'JP', 'KR', 'US']);

    // A country filters the table too.
    await page.getByLabel('Year', { exact: true }).selectOption('');
    await waitFor(page, () => document.querySelectorAll('#world-map path[data-code]:not([data-count="0"])').length === 6, null, 'the map of all time again');
    await map.getByRole('button', { name: 'South Korea: 2 films' }).click();
    await waitTitles(page, ['Parasite', 'Past Lives']);
    assert.equal(viewParam(page, 'filter'), 'country:KR');
    assert.match(await page.locator('#filter-chip').innerText(), /Country: South Korea/);
  });

  test('the share card downloads as a 1200×630 PNG', {
    skip: !CARD && 'the server under test draws no share card: GET /api/session/{id}/card.png answers 404 or 405',
  }, async (t) => {
    const { page, id } = await openDiary(t, '&year=2024');
    const card = page.getByRole('link', { name: 'Download card' });
    assert.equal(await card.getAttribute('href'), `/api/session/${id}/card.png?year=2024`);
    const download = await page.download(() => card.click());
    assert.equal(download.suggestedFilename(), `reelstream-${id}-2024.png`);
    const png = await readFile(await download.path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1200, 630]);
  });
});
