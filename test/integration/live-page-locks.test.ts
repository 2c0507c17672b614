/**
 * The live page's Locks section and its log of lock and config events, in a real browser (Debian chromium via
 * playwright-core) against the real HTTP app, its model built by the real reducer from synthetic watch events
 * (test/support/lock-layout.ts): the layouts that watch locks come with the watch layer.
 * Leaves a screenshot in test-output/live-page-locks.png.
 */
import { mkdirSync } from 'node:fs';
import test from 'ava';
import { Router } from 'express';
import { Subject } from 'rxjs';
import { createCollectorMetrics } from '../../collector/metrics.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import { createHttpApp, startHttpServer } from '../../collector/http/server.ts';
import { livePageRouter } from '../../collector/http/live-page/router.ts';
import { DIGEST, fold, lockedModel, node } from '../support/lock-events.ts';
import { launchBrowser } from '../support/browser.ts';

/** the live view sends a delta within 250 ms of a change; Chromium may be slow to start */
const PAGE_UPDATE_MS = 15_000;

test('the Locks section shows holder, waiters and held for; a new holder shows after its events; ConfigChanged is logged by name and version', async (t) => {
  const events = new Subject<DomainEvent>();
  const metrics = createCollectorMetrics();
  const models: ClusterModel[] = [lockedModel()];
  // the collector's routes the page asks besides the clusters: alerts, and the ensemble strip's (no poll here)
  const alerts = Router()
    .get('/api/alerts', (_req, res) => {
      res.json([]);
    })
    .get('/api/ensembles', (_req, res) => {
      res.json({ ensembles: [] });
    })
    // the page's shard line (elsewhere.js) asks where the other clusters are: a single collector has none
    .get('/api/collector', (_req, res) => {
      res.json({ instance: 'test', ha: false, haMode: 'single' });
    });
  const start = Date.now();
  const app = createHttpApp({
    getModels: () => models,
    isConnected: () => ({ ok: true }),
    events$: events,
    registry: metrics.registry,
    // the model's times are small numbers: the clock is 65 s past the holder's ctime (2000)
    now: () => 67_000 + (Date.now() - start),
    routers: [livePageRouter(), alerts],
  });
  const server = await startHttpServer(app, { port: 0 });
  t.teardown(() => server.close());
  const browser = await launchBrowser(t);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(`${server.url}/`);

  const row = '[data-lock="locks/nightly"]';
  await page.waitForSelector(row, { timeout: PAGE_UPDATE_MS });
  t.deepEqual(await page.$$eval(`${row} td`, (tds) => tds.slice(0, 3).map((td) => td.textContent)), ['locks/nightly', '10.0.0.1', '2']);
  t.is(await page.getAttribute(row, 'data-contended'), 'true');
  t.is(await page.isVisible('#locks-empty'), false);
  t.regex((await page.textContent(`${row} .held`)) ?? '', /^(6[5-9]|[7-9]\d) s$|^\d+ min$/);

  // the holder's node goes: the next one holds (the model moves on, then its events arrive)
  const next = fold([node('removed', 'locks/nightly/_c_zzz-lock-0000000001', '10.0.0.1', { czxid: 11, ctime: 2000, time: 66_000, owner: '00000000000000a1' })], models[0]);
  models[0] = next.model;
  await page.waitForSelector('#stream[data-state="live"]', { timeout: PAGE_UPDATE_MS });
  for (const e of next.events) events.next(e);
  events.next({ type: 'ConfigChanged', cluster: 'crawler', time: 66_500, key: 'config/db-url', version: 3, bytes: 40, digest: DIGEST, changedFields: ['url'] });
  await page.waitForFunction(
    (sel) => document.querySelector(`${sel} .holder`)?.textContent === '_c_aaa-lock-0000000002',
    row,
    { timeout: PAGE_UPDATE_MS },
  );
  t.is(await page.textContent(`${row} .waiters`), '1');
  // the live view may show the new holder (the model) one window before the events it logs
  await page.waitForSelector('#events li[data-type="ConfigChanged"]', { timeout: PAGE_UPDATE_MS });
  const log = await page.$$eval('#events li', (lis) => lis.map((li): [string, string] => [li.dataset.type ?? '', li.textContent ?? '']));
  const config = log.find(([type]) => type === 'ConfigChanged');
  t.truthy(config);
  t.regex(config![1], /config config\/db-url at version 3 \(url\)$/);
  t.false(log.some(([, text]) => text.includes(DIGEST.slice(0, 8))), 'the log shows names and versions, not digests');
  t.true(log.some(([type, text]) => type === 'LockReleased' && text.includes('locks/nightly released by 10.0.0.1')));
  t.true(log.some(([type, text]) => type === 'LockAcquired' && text.includes('locks/nightly acquired by _c_aaa-lock-0000000002 (1 waiting)')));
  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/live-page-locks.png', fullPage: true });
  t.deepEqual(problems, []);
});
