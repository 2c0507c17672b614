/**
 * The live page with 2,000 workers (issue 17), in a real browser (Debian chromium via playwright-core) against a
 * real Collector and ZooKeeper: the summary counts them, the page holds a bounded DOM (a heat map and at most 200
 * rows, not a card per worker), a crashed worker comes first in #attention as down, the filter finds a worker by
 * host, and while the workers beat thousands of times the page gets at most one message per 250 ms window
 * (document.body.dataset.liveSeq counts the stream's messages).
 * Leaves a screenshot in test-output/live-page-big.png.
 */
import { mkdirSync } from 'node:fs';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startTestCollector } from '../support/collector.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { connectPlain, workerData, type MultiOp } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';
import { launchBrowser } from '../support/browser.ts';

const WORKERS = 2_000;
const BATCH = 250;
/** the live stream's default window (collector/http/live-stream.ts DEFAULT_LIVE_STREAM) */
const WINDOW_MS = 250;
/** the collector watches 2,000 nodes and Chromium starts on a loaded machine: generous */
const SYNC_MS = 90_000;
const PAGE_MS = 30_000;

const id = (i: number) => `w${String(i).padStart(4, '0')}`;
const seqOf = (page: Page) => page.evaluate(() => Number(document.body.dataset.liveSeq ?? 0));

test('2,000 workers: counts, a bounded DOM, a crash first in #attention, the filter, one message per window however many beats', async (t) => {
  t.timeout(240_000);
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, await sharedZooKeeper());
  await zk.mkdirp(`${root}/workers`);
  const path = (i: number) => `${root}/workers/${id(i)}`;
  // long heartbeats: nobody turns stale during the test, only the crash changes a health
  const data = (i: number) => workerData(id(i), { heartbeatMs: 600_000, host: i === 777 ? 'special-host-777' : `rack${i % 20}` });
  for (let from = 0; from < WORKERS; from += BATCH) {
    const ops: MultiOp[] = [];
    for (let i = from; i < Math.min(WORKERS, from + BATCH); i += 1) ops.push({ op: 'create', path: path(i), data: data(i), mode: 'ephemeral' });
    await zk.multi(ops);
  }
  const collector = await startTestCollector({ clusters: { big: root } });
  t.teardown(() => collector.stop());
  await collector.whenSynced();
  await until('2,000 workers in the model', async () => (await (await fetch(`${collector.url}/api/clusters`)).json()) as { workers: number }[], (c) => c[0]?.workers === WORKERS, SYNC_MS);

  const browser = await launchBrowser(t);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(`${collector.url}/?cluster=big`);
  await page.waitForFunction((n) => document.querySelector('#summary [data-health="up"]')?.textContent === String(n), WORKERS, { timeout: PAGE_MS });
  for (const health of ['down', 'stale', 'leaving', 'invalid']) t.is(await page.textContent(`#summary [data-health="${health}"]`), '0', health);
  t.is(await page.textContent('#workers-up'), `${WORKERS} / ${WORKERS}`);
  await page.waitForFunction((n) => document.getElementById('heatmap')?.dataset.workers === String(n), WORKERS, { timeout: PAGE_MS });
  t.is(await page.locator('#attention [data-worker]').count(), 200, 'the list is capped');
  const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
  t.true(elements < 2_000, `a bounded DOM, not a card per worker: ${elements} elements`);
  const at = Number(await page.evaluate(() => document.body.dataset.liveAt));
  t.true(Math.abs(at - Date.now()) < 60_000, `liveAt is the server's time: ${at}`);

  // beats: every 50 ms a batch of 200 workers rewrites its node, for 4 s (16,000 beats)
  const seqBefore = await seqOf(page);
  const started = Date.now();
  let beats = 0;
  for (let round = 0; Date.now() - started < 4_000; round += 1) {
    const ops: MultiOp[] = [];
    for (let k = 0; k < 200; k += 1) {
      const i = (round * 200 + k) % WORKERS;
      ops.push({ op: 'set', path: path(i), data: data(i), version: -1 });
    }
    await zk.multi(ops);
    beats += ops.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seqAfter = await seqOf(page);
  const elapsed = Date.now() - started;
  const messages = seqAfter - seqBefore;
  t.log(`${beats} beats in ${elapsed} ms → ${messages} messages`);
  t.true(messages >= 1, 'the beats moved: deltas came');
  t.true(messages <= Math.ceil(elapsed / WINDOW_MS) + 2, `at most one message per ${WINDOW_MS} ms window: ${messages} in ${elapsed} ms`);
  t.true(beats >= 20 * messages, `bounded by the window, not by the beats: ${beats} beats, ${messages} messages`);

  // a crash: the node goes; the worker comes first in #attention, down
  await zk.remove(path(1500));
  await page.waitForFunction(
    () => {
      const first = document.querySelector<HTMLElement>('#attention [data-worker]');
      return first?.dataset.worker === 'w1500' && first.dataset.health === 'down';
    },
    undefined,
    { timeout: PAGE_MS },
  );
  t.is(await page.textContent('#summary [data-health="down"]'), '1');
  t.is(await page.textContent('#summary [data-health="up"]'), String(WORKERS - 1));
  t.regex((await page.textContent('#attention [data-worker="w1500"] .state')) ?? '', /down \(crash\)/);

  // the filter: a host substring finds the one worker; an id substring finds those ids (the crashed one first)
  await page.fill('#filter', 'special-host');
  await page.waitForFunction(() => document.querySelectorAll('#attention [data-worker]').length === 1, undefined, { timeout: PAGE_MS });
  t.is(await page.getAttribute('#attention [data-worker]', 'data-worker'), 'w0777');
  await page.fill('#filter', 'w150');
  await page.waitForFunction(() => document.querySelectorAll('#attention [data-worker]').length === 10, undefined, { timeout: PAGE_MS });
  const rows = await page.$$eval('#attention [data-worker]', (els) => els.map((x) => `${(x as HTMLElement).dataset.worker} ${(x as HTMLElement).dataset.health}`));
  t.is(rows[0], 'w1500 down');
  t.deepEqual(rows.slice(1), ['w1501', 'w1502', 'w1503', 'w1504', 'w1505', 'w1506', 'w1507', 'w1508', 'w1509'].map((w) => `${w} up`));

  mkdirSync('test-output', { recursive: true });
  await page.fill('#filter', '');
  await page.screenshot({ path: 'test-output/live-page-big.png', fullPage: true, timeout: PAGE_MS });
  t.deepEqual(problems, []);
});
