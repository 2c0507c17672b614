/**
 * The live page (GET /) in a real browser (Debian chromium via playwright-core) against a real
 * Collector and ZooKeeper: workers written by a plain client appear as tiles, a deleted one turns
 * down within 2 s without a reload, the event log fills from SSE, and the page obeys the CSP.
 * Leaves a screenshot in test-output/live-page.png for people to look at.
 */
import { mkdirSync } from 'node:fs';
import test from 'ava';
import { chromium } from 'playwright-core';
import type { Collector } from '../../collector/collector.ts';
import { startTestCollector } from '../support/collector.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk, workerData } from '../support/plain-zk.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function startCollector(root: string): Promise<Collector> {
  return startTestCollector({ clusters: { app: root } });
}

test('static files are served with their types under the CSP', async (t) => {
  const collector = await startCollector(uniqueRoot(t));
  t.teardown(() => collector.stop());
  const page = await fetch(`${collector.url}/`);
  t.is(page.status, 200);
  t.regex(page.headers.get('content-type') ?? '', /^text\/html/);
  t.regex(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  const html = await page.text();
  t.regex(html, /<script src="\/live\/app\.js" defer><\/script>/);
  t.notRegex(html, /<script>|<style|\sstyle=|\son[a-z]+=/i, 'no inline script or style: the CSP would block it');
  const js = await fetch(`${collector.url}/live/app.js`);
  t.regex(js.headers.get('content-type') ?? '', /^text\/javascript/);
  t.regex(await js.text(), /new EventSource\('\/api\/events'\)/);
  const css = await fetch(`${collector.url}/live/style.css`);
  t.regex(css.headers.get('content-type') ?? '', /^text\/css/);
});

test('the page shows master, candidates, workers and tasks; a deleted worker turns down within 2 s', async (t) => {
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(await sharedZooKeeper());
  for (const dir of ['workers', 'election', 'tasks', 'status']) await zk.mkdirp(`${root}/${dir}`);
  for (const id of ['w1', 'w2', 'w3', 'w4', 'w5']) await zk.create(`${root}/workers/${id}`, workerData(id, { state: id === 'w1' ? 'busy' : 'ready' }), 'ephemeral');
  await zk.create(`${root}/election/n_`, '{"id":"m1"}', 'sequential');
  await zk.create(`${root}/election/n_`, '{"id":"m2"}', 'sequential');
  await zk.create(`${root}/master`, JSON.stringify({ id: 'm1', since: Date.now() - 60_000 }), 'ephemeral');
  for (const [task, done] of [['t1', 3], ['t2', 9]] as const) {
    await zk.create(`${root}/tasks/${task}`, '{}');
    await zk.create(`${root}/status/${task}`, JSON.stringify({ worker: 'w1', done, total: 10, state: 'running', message: '', updatedAt: Date.now() }), 'ephemeral');
  }
  const collector = await startCollector(root);
  await collector.whenSynced();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  t.teardown(async () => {
    await browser.close();
    await collector.stop();
    await zk.close();
  });

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    // /api/alerts may not exist yet (404): the page says so and carries on
    if (m.type() === 'error' && !/404/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (err) => problems.push(String(err)));
  await page.goto(`${collector.url}/`);

  await page.waitForSelector('[data-worker="w5"][data-up="true"]', { timeout: 5000 });
  await page.waitForSelector('#stream[data-state="live"]', { timeout: 5000 });
  t.is(await page.textContent('#master'), 'm1');
  t.regex((await page.textContent('#epoch')) ?? '', /^\d+$/);
  t.deepEqual(await page.$$eval('#candidates li', (lis) => lis.map((li) => li.firstChild?.textContent)), ['m1', 'm2']);
  t.is(await page.textContent('#workers-up'), '5 / 5');
  t.is(await page.locator('[data-worker]').count(), 5);
  t.is(await page.getAttribute('[data-task="t2"] progress', 'value'), '0.9');
  t.regex((await page.textContent('[data-task="t1"]')) ?? '', /3\/10 \(30%\)/);

  // the beat age ticks without a refresh
  const age = async () => page.textContent('[data-worker="w3"] .age');
  const first = await age();
  await page.waitForFunction((before) => document.querySelector('[data-worker="w3"] .age')?.textContent !== before, first, { timeout: 3000 });
  t.regex((await age()) ?? '', /^beat .* ago$/);

  // a crash: the node vanishes without "leaving" → the tile turns down, no reload
  await zk.remove(`${root}/workers/w2`);
  await page.waitForSelector('[data-worker="w2"][data-up="false"]', { timeout: 2000 });
  t.regex((await page.textContent('[data-worker="w2"] .state')) ?? '', /down \(crash\)/);
  await page.waitForSelector('#events li[data-type="WorkerLeft"]', { timeout: 2000 });
  t.regex((await page.textContent('#events li[data-type="WorkerLeft"]')) ?? '', /w2 left \(crash\)/);
  t.is(await page.textContent('#workers-up'), '4 / 5');

  // progress moves over SSE too
  await zk.set(`${root}/status/t1`, JSON.stringify({ worker: 'w1', done: 7, total: 10, state: 'running', message: '', updatedAt: Date.now() }));
  await page.waitForSelector('[data-task="t1"] progress[value="0.7"]', { timeout: 2000 });

  // alerts: either the list from /api/alerts or a clear note that the route is not there
  const alertsText = (await page.textContent('#alerts')) ?? '';
  t.regex(alertsText, /no active alerts|not available|Alert|firing|pending/);
  t.notRegex(alertsText, /loading/);

  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/live-page.png', fullPage: true });
  t.deepEqual(problems, []);
});
