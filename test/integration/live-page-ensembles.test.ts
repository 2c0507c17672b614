/**
 * The live page's ensemble strip (collector/http/live-page/static/ensembles.js) in a real browser (Debian
 * chromium via playwright-core): the page's own files from livePageRouter, and GET /api/ensembles answering
 * hand-made polls in the shape of the common API (the poller is not part of this test): one chip per server
 * with its up/mode, the quorum state, updates without a reload, and no strip where the route does not exist.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import express from 'express';
import { chromium, type Page } from 'playwright-core';
import { livePageRouter } from '../../collector/http/live-page/router.ts';
import { quorumOf } from '../../collector/ensemble/quorum.ts';
import type { ServerObservation } from '../../collector/ensemble/types.ts';
import { down, healthy3, notServing, serving } from '../support/ensemble-fixtures.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** the strip refreshes every 5 s: two rounds */
const STRIP_UPDATE_MS = 12_000;

function ensemblesBody(list: Array<{ name: string; servers: ServerObservation[] }>) {
  return { ensembles: list.map((e) => ({ name: e.name, servers: e.servers, quorum: quorumOf(e.servers), polledAt: Date.now(), sessions: [], addresses: [] })) };
}

async function startPageServer(t: ExecutionContext, ensembles: (() => unknown) | null): Promise<string> {
  const app = express();
  app.use(livePageRouter());
  if (ensembles !== null) app.get('/api/ensembles', (_req, res) => void res.json(ensembles()));
  app.get('/api/clusters', (_req, res) => void res.json([]));
  app.get('/api/alerts', (_req, res) => void res.json([]));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function openPage(t: ExecutionContext, url: string): Promise<Page> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  t.teardown(async () => {
    for (const context of browser.contexts()) await context.close().catch(() => undefined);
    await browser.close().catch(() => undefined);
  });
  const page = await browser.newPage();
  await page.goto(url);
  return page;
}

const chips = (page: Page, ensemble: string) =>
  page.$$eval(`[data-ensemble="${ensemble}"] .zk-server`, (nodes) => nodes.map((n) => `${n.getAttribute('data-server')}=${n.getAttribute('data-state')}`));
const quorum = (page: Page, ensemble: string) => page.$eval(`[data-ensemble="${ensemble}"] .quorum`, (n) => `${n.getAttribute('data-quorum')}|${n.textContent}`);

test('the strip shows one chip per server (up/mode) and the quorum; a follower going down shows without a reload', async (t) => {
  let servers = healthy3();
  const url = await startPageServer(t, () => ensemblesBody([{ name: 'main', servers }, { name: 'solo', servers: [serving('solo:2181', 'standalone')] }]));
  const page = await openPage(t, url);
  await page.waitForSelector('[data-ensemble="main"] .zk-server', { timeout: STRIP_UPDATE_MS });
  t.false(await page.$eval('#ensembles', (n) => (n as HTMLElement).hidden));
  t.deepEqual(await chips(page, 'main'), ['zk1:2181=leader', 'zk2:2181=follower', 'zk3:2181=follower']);
  t.is(await quorum(page, 'main'), 'ok|quorum ok · 3/3 voters, 2 needed');
  t.deepEqual(await chips(page, 'solo'), ['solo:2181=standalone']);
  t.is(await quorum(page, 'solo'), 'standalone|standalone');

  const [leader, follower] = healthy3();
  servers = [{ ...leader!, metrics: { ...leader!.metrics, synced_followers: 1 } }, follower!, down('zk3:2181')];
  await page.waitForFunction(() => document.querySelector('[data-ensemble="main"] [data-server="zk3:2181"]')?.getAttribute('data-state') === 'down', undefined, { timeout: STRIP_UPDATE_MS });
  t.is(await quorum(page, 'main'), 'at-risk|quorum at risk · 2/3 voters, 2 needed');
  t.regex((await page.getAttribute('[data-server="zk3:2181"]', 'title')) ?? '', /ECONNREFUSED/);

  servers = [notServing('zk1:2181'), down('zk2:2181'), down('zk3:2181')];
  await page.waitForFunction(() => document.querySelector('[data-ensemble="main"] .quorum')?.getAttribute('data-quorum') === 'lost', undefined, { timeout: STRIP_UPDATE_MS });
  t.deepEqual(await chips(page, 'main'), ['zk1:2181=not-serving', 'zk2:2181=down', 'zk3:2181=down']);
  await page.screenshot({ path: 'test-output/live-page-ensembles.png' }).catch(() => undefined);
});

test('without GET /api/ensembles (a collector without the poller) there is no strip', async (t) => {
  const url = await startPageServer(t, null);
  const page = await openPage(t, url);
  // the strip's first request has been answered once the section's hidden state settles: wait for the 404
  await page.waitForResponse((r) => r.url().endsWith('/api/ensembles'), { timeout: STRIP_UPDATE_MS });
  await page.waitForFunction(() => (document.getElementById('ensembles') as HTMLElement | null)?.hidden === true, undefined, { timeout: STRIP_UPDATE_MS });
  t.is(await page.$$eval('.zk-server', (n) => n.length), 0);
});
