// What browser.mjs and locator.mjs share: the browser picked, the timeouts, the scratch folder and the retry helpers.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BROWSER = process.env.REELSTREAM_BROWSER || 'chromium';
/** How long an action waits for its element, and a wait for its condition. */
export const ACTION_TIMEOUT = 60_000;
export const POLL_MS = 50;

if (!['chromium', 'firefox'].includes(BROWSER)) {
  throw new Error(`REELSTREAM_BROWSER is '${BROWSER}': chromium or firefox`);
}

/** Files to upload and downloads, removed when the process ends. */
export const scratch = mkdtempSync(path.join(os.tmpdir(), 'reelstream-e2e-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether an evaluation failed because the page was navigating or replaced the element (worth retrying). */
export const navigating = (err) =>
  /execution context|cannot find context|destroyed|navigat|detached|realm|no such (frame|node)|stale/i.test(String(err?.message ?? err));
