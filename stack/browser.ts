/**
 * Headless Debian Chromium (`/usr/bin/chromium`) through playwright-core, for the live-page tests and the page
 * bench. Closing a Chromium whose page holds an open SSE stream can hang, so `closeChromium` closes the contexts
 * (pages) first and gives up after `CLOSE_MS`; what still hangs is killed by playwright when the process exits.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CLOSE_MS = 10_000;

/** A headless Chromium with the flags above; close it with `closeChromium`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Closes the pages, then the browser, within `CLOSE_MS` (resolves either way, never throws). */
export async function closeChromium(browser: Browser): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closing = (async () => {
    for (const context of browser.contexts()) await context.close().catch(() => undefined);
    await browser.close().catch(() => undefined);
  })();
  await Promise.race([closing, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_MS)))]);
  clearTimeout(timer);
}
