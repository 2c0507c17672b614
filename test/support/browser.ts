/**
 * Headless Debian Chromium for the live-page tests (playwright-core), closed when the test ends, within 10 s:
 * closing a Chromium whose page holds an open SSE stream can hang, so the pages go first; what still hangs is
 * killed by playwright when the worker exits.
 */
import type { ExecutionContext } from 'ava';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CLOSE_MS = 10_000;

async function closeBrowser(browser: Browser): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closing = (async () => {
    for (const context of browser.contexts()) await context.close().catch(() => undefined);
    await browser.close().catch(() => undefined);
  })();
  await Promise.race([closing, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_MS)))]);
  clearTimeout(timer);
}

/** A browser for this test, closed (bounded) at its end. */
export async function launchBrowser(t: ExecutionContext): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  t.teardown(() => closeBrowser(browser));
  return browser;
}
