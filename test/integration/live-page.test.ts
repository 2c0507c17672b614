/**
 * The live page (GET /) in a real browser (Debian chromium via playwright-core) against a real
 * Collector and ZooKeeper: workers written by a plain client appear as rows (down and stale first, then in
 * natural order), a deleted one turns down within 2 s without a reload, the event log fills from SSE, alerts are listed
 * most severe first, a collector that goes away shows as unreachable (and recovers), nothing answers
 * 404 (the favicon), and the page obeys the CSP.
 * Leaves screenshots in test-output/live-page*.png for people to look at.
 */
import { mkdirSync } from 'node:fs';
import test, { type ExecutionContext } from 'ava';
import type { Page } from 'playwright-core';
import type { Collector } from '../../server/collector.ts';
import { startTestCollector, type TestCollectorConfig } from '../support/collector.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk, workerData } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';
import { launchBrowser } from '../support/browser.ts';

/** Chromium's EventSource retries every ~3 s and the page polls clusters and alerts every 5 s: a few rounds of both */
const PAGE_UPDATE_MS = 15_000;

function startCollector(root: string, extra: Partial<TestCollectorConfig> = {}): Promise<Collector> {
  return startTestCollector({ clusters: { app: root }, ...extra });
}

/** A browser page on `url`; every console error, page error and answer of 400 or more ends up in `problems`. */
async function openPage(t: ExecutionContext, url: string): Promise<{ page: Page; problems: string[] }> {
  const browser = await launchBrowser(t);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(url);
  return { page, problems };
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
  // the page follows its cluster's coalesced view, not every domain event (10,000 workers beat 2,000 times a second)
  t.regex(await js.text(), /new EventSource\(`\/api\/clusters\/\$\{encodeURIComponent\(state\.current\)\}\/live`\)/);
  const css = await fetch(`${collector.url}/live/style.css`);
  t.regex(css.headers.get('content-type') ?? '', /^text\/css/);
  // an icon, named by the page and at the path browsers try by default: no 404 on every load
  t.regex(html, /<link rel="icon" href="\/live\/favicon\.svg" type="image\/svg\+xml">/);
  for (const path of ['/live/favicon.svg', '/favicon.ico']) {
    const icon = await fetch(`${collector.url}${path}`);
    t.is(icon.status, 200, path);
    t.is(icon.headers.get('content-type'), 'image/svg+xml', path);
    t.regex(await icon.text(), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, path);
  }
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
  t.teardown(async () => {
    await collector.stop();
    await zk.close();
  });
  await collector.whenSynced();
  const { page, problems } = await openPage(t, `${collector.url}/`);

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

  // progress moves the task's bar, not the event log (it would push crashes and failovers out of sight)
  await zk.set(`${root}/status/t1`, JSON.stringify({ worker: 'w1', done: 4, total: 10, state: 'running', message: '', updatedAt: Date.now() }));
  await page.waitForFunction(() => /4\/10/.test(document.querySelector('[data-task="t1"]')?.textContent ?? ''), undefined, { timeout: 5000 });
  t.is(await page.locator('#events li[data-type="ProgressUpdated"]').count(), 0);
  t.is(await page.locator('#events li[data-type="WorkerLeft"]').count(), 1);

  // progress moves over SSE too
  await zk.set(`${root}/status/t1`, JSON.stringify({ worker: 'w1', done: 7, total: 10, state: 'running', message: '', updatedAt: Date.now() }));
  await page.waitForSelector('[data-task="t1"] progress[value="0.7"]', { timeout: 2000 });

  // alerts: either the list from /api/alerts or a clear note that the route is not there
  const alertsText = (await page.textContent('#alerts')) ?? '';
  t.regex(alertsText, /no active alerts|Alert|firing|pending/);
  t.notRegex(alertsText, /loading/);
  t.is(await page.isVisible('#candidates-empty'), false, 'no "no candidates" note beside a list of candidates');

  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/live-page.png', fullPage: true });
  t.deepEqual(problems, []);
});

test('the page names the cluster\'s layout and the rules it turns off (a custom layout, members by a plain client)', async (t) => {
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(await sharedZooKeeper());
  await zk.mkdirp(`${root}/pool`);
  await zk.create(`${root}/leader`, 'node-a', 'ephemeral');
  for (const id of ['m-1', 'm-2']) await zk.create(`${root}/pool/${id}`, id, 'ephemeral');
  const layout = { leader: { path: 'leader', kind: 'node' }, members: { path: 'pool', pattern: 'm-*' }, data: 'text' };
  const collector = await startTestCollector({ clusters: { inhouse: { root, layout } } });
  t.teardown(async () => {
    await collector.stop();
    await zk.close();
  });
  await collector.whenSynced();
  const { page, problems } = await openPage(t, `${collector.url}/`);
  await page.waitForSelector('[data-worker="m-2"][data-up="true"]', { timeout: 5000 });
  t.is(await page.textContent('#layout'), 'custom');
  t.is(await page.textContent('#master'), 'node-a');
  t.regex((await page.textContent('#rules-off')) ?? '', /^off: .*HeartbeatStale/);
  t.regex((await page.textContent('#rules-off')) ?? '', /SplitBrain/);
  t.regex((await page.textContent('#clusters')) ?? '', / · custom · 2\/2 up/);
  t.deepEqual(problems, []);
});

test('rows sort by health, then naturally (worker-2 before worker-10), alerts most severe first then newest first, no candidates says so', async (t) => {
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(await sharedZooKeeper());
  for (const dir of ['workers', 'election', 'tasks', 'status']) await zk.mkdirp(`${root}/${dir}`);
  // worker-1 never beats again after 200 ms: HeartbeatStale (warning); no master ever: MasterMissing (info here, and
  // requireSeen off: a cluster that never had a master gets none by default)
  for (const id of ['worker-10', 'worker-2', 'worker-1', 'worker-3']) await zk.create(`${root}/workers/${id}`, workerData(id, { heartbeatMs: id === 'worker-1' ? 200 : 600_000 }), 'ephemeral');
  for (const task of ['task-10', 'task-9']) await zk.create(`${root}/tasks/${task}`, '{}');
  const collector = await startCollector(root, {
    alerts: {
      evalInterval: '200ms',
      statePath: `/zkpulse-test-state${uniqueRoot()}`,
      defaults: { MasterMissing: { for: '0s', severity: 'info', requireSeen: false }, CollectorDisconnected: { enabled: false } },
    },
  });
  t.teardown(async () => {
    await collector.stop();
    await zk.close();
  });
  await collector.whenSynced();
  const alerts = async () => (await (await fetch(`${collector.url}/api/alerts`)).json()) as { labels: Record<string, string> }[];
  const lostFor = (worker: string) => async () => (await alerts()).some((a) => a.labels.alertname === 'WorkerLost' && a.labels.worker === worker);
  // two crashes one after the other: two critical alerts with different start times
  await zk.remove(`${root}/workers/worker-2`);
  await until('WorkerLost worker-2', lostFor('worker-2'), (v) => v, 10_000);
  await zk.remove(`${root}/workers/worker-10`);
  await until('WorkerLost worker-10', lostFor('worker-10'), (v) => v, 10_000);
  await until('4 alerts', alerts, (list) => list.length === 4, 10_000);

  const { page, problems } = await openPage(t, `${collector.url}/`);
  await page.waitForSelector('[data-worker="worker-10"][data-up="false"]', { timeout: PAGE_UPDATE_MS });
  // down first, then stale (worker-1 beats every 200 ms no more), then up; natural order within a health
  await page.waitForSelector('[data-worker="worker-1"][data-health="stale"]', { timeout: PAGE_UPDATE_MS });
  t.deepEqual(await page.$$eval('#attention [data-worker]', (rows) => rows.map((x) => `${(x as HTMLElement).dataset.worker} ${(x as HTMLElement).dataset.health}`)), ['worker-2 down', 'worker-10 down', 'worker-1 stale', 'worker-3 up']);
  t.is(await page.textContent('#summary [data-health="down"]'), '2');
  t.is(await page.textContent('#summary [data-health="stale"]'), '1');
  t.deepEqual(await page.$$eval('[data-task]', (rows) => rows.map((x) => (x as HTMLElement).dataset.task)), ['task-9', 'task-10']);

  await page.waitForFunction(() => document.querySelectorAll('#alerts li.alert').length === 4, undefined, { timeout: PAGE_UPDATE_MS });
  const listed = await page.$$eval('#alerts li.alert', (items) => items.map((li) => `${li.querySelector('strong')?.textContent} ${(li as HTMLElement).dataset.severity}`));
  const workers = await page.$$eval('#alerts li.alert', (items) => items.map((li) => /worker-\d+/.exec(li.textContent ?? '')?.[0] ?? ''));
  t.deepEqual(listed, ['WorkerLost critical', 'WorkerLost critical', 'HeartbeatStale warning', 'MasterMissing info']);
  t.deepEqual(workers.slice(0, 3), ['worker-10', 'worker-2', 'worker-1'], 'newest first within a severity');

  t.is(await page.textContent('#master'), 'none');
  t.is(await page.locator('#candidates li').count(), 0, 'no numbered "none"');
  t.true(await page.isVisible('#candidates-empty'));
  t.is(await page.textContent('#candidates-empty'), 'no candidates');
  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/live-page-alerts.png', fullPage: true });
  t.deepEqual(problems, []);
});

test('when the collector goes away the page says so (master unknown, not the old one) and recovers when it is back', async (t) => {
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(await sharedZooKeeper());
  t.teardown(() => zk.close());
  for (const dir of ['workers', 'election']) await zk.mkdirp(`${root}/${dir}`);
  await zk.create(`${root}/workers/w1`, workerData('w1', { heartbeatMs: 600_000 }), 'ephemeral');
  await zk.create(`${root}/election/n_`, '{"id":"m1"}', 'sequential');
  await zk.create(`${root}/master`, JSON.stringify({ id: 'm1', since: Date.now() }), 'ephemeral');
  const first = await startCollector(root);
  const again: { collector?: Collector } = {};
  t.teardown(async () => {
    await first.stop();
    await again.collector?.stop();
  });
  await first.whenSynced();
  const { page, problems } = await openPage(t, `${first.url}/`);
  await page.waitForSelector('#stream[data-state="live"]', { timeout: PAGE_UPDATE_MS });
  t.is(await page.textContent('#master'), 'm1');

  await first.stop();
  await page.waitForSelector('#stream[data-state="unreachable"]', { timeout: PAGE_UPDATE_MS });
  t.is(await page.textContent('#stream'), 'collector unreachable');
  t.is(await page.textContent('#master'), 'unknown (collector unreachable)');
  t.is(await page.textContent('#workers-up'), '—');
  t.is(await page.getAttribute('body', 'data-reachable'), 'false');
  t.regex((await page.textContent('#status')) ?? '', /collector unreachable since/);
  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/live-page-unreachable.png', fullPage: true });

  // a collector on the same address again: the stream reconnects and the page shows the master
  const { port } = new URL(first.url!);
  again.collector = await startCollector(root, { http: `127.0.0.1:${port}` });
  await again.collector.whenSynced();
  await page.waitForSelector('#stream[data-state="live"]', { timeout: PAGE_UPDATE_MS });
  await page.waitForFunction(() => document.getElementById('master')?.textContent === 'm1', undefined, { timeout: PAGE_UPDATE_MS });
  t.is(await page.getAttribute('body', 'data-reachable'), 'true');
  t.is(await page.textContent('#workers-up'), '1 / 1');
  // while the collector was away the browser's requests failed (no answer at all): not a page problem
  t.deepEqual(problems.filter((p) => !/ERR_CONNECTION_REFUSED|Failed to load resource|EventSource/.test(p)), []);
});
