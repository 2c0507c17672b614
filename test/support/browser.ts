/**
 * Headless Debian Chromium for the live-page tests (stack/browser.ts: flags and the bounded close), closed when
 * the test ends.
 */
import type { ExecutionContext } from 'ava';
import type { Browser } from 'playwright-core';
import { closeChromium, launchChromium } from '../../stack/browser.ts';

export { closeChromium, launchChromium } from '../../stack/browser.ts';

/** A browser for this test, closed (bounded) at its end. */
export async function launchBrowser(t: ExecutionContext): Promise<Browser> {
  const browser = await launchChromium();
  t.teardown(() => closeChromium(browser));
  return browser;
}
