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
import type { Page } from 'playwright-core';
import { livePageRouter } from '../../collector/http/live-page/router.ts';
import { quorumOf } from '../../collector/ensemble/quorum.ts';
import type { ServerObservation } from '../../collector/ensemble/types.ts';
import { down, healthy3, notServing, serving } from '../support/ensemble-fixtures.ts';
import { launchBrowser } from '../support/browser.ts';

/** the strip refreshes every 5 s: two rounds */
const STRIP_UPDATE_MS = 12_000;

interface Hold { cluster: string; kind: 'master' | 'candidate' | 'worker' | 'lock'; id: string; holder?: boolean }
interface SessionEntry { session: string; address: string | null; server: string | null; holds: Hold[] }

function ensemblesBody(list: Array<{ name: string; servers: ServerObservation[]; sessions?: SessionEntry[]; addresses?: { address: string; sessions: number }[] }>) {
  return { ensembles: list.map((e) => ({ name: e.name, servers: e.servers, quorum: quorumOf(e.servers), polledAt: Date.now(), sessions: e.sessions ?? [], addresses: e.addresses ?? [] })) };
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

async function openPage(t: ExecutionContext, url: string, beforeGoto?: (page: Page) => void): Promise<Page> {
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  beforeGoto?.(page);
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
  // wait for the strip's first request from before the page loads: it may be answered before goto returns
  let answered: Promise<unknown> = Promise.resolve();
  const page = await openPage(t, url, (p) => {
    answered = p.waitForResponse((r) => r.url().endsWith('/api/ensembles'), { timeout: STRIP_UPDATE_MS });
  });
  t.is(((await answered) as { status(): number }).status(), 404);
  await page.waitForFunction(() => (document.getElementById('ensembles') as HTMLElement | null)?.hidden === true, undefined, { timeout: STRIP_UPDATE_MS });
  t.is(await page.$$eval('.zk-server', (n) => n.length), 0);
});

test('the strip names the client address behind the master and each lock session, and counts sessions per client', async (t) => {
  const sessions: SessionEntry[] = [
    { session: '0100017e3e1b0002', address: '10.0.0.7:51234', server: 'zk1:2181', holds: [{ cluster: 'crawler', kind: 'master', id: 'm1' }] },
    { session: '0100017e3e1b0003', address: '10.0.0.8:40000', server: 'zk2:2181', holds: [{ cluster: 'crawler', kind: 'lock', id: 'locks/nightly', holder: true }] },
    { session: '0100017e3e1b0004', address: null, server: null, holds: [{ cluster: 'crawler', kind: 'lock', id: 'locks/nightly', holder: false }] },
    { session: '0100017e3e1b0005', address: '10.0.0.9:1', server: 'zk3:2181', holds: [{ cluster: 'crawler', kind: 'worker', id: 'w1' }] },
  ];
  const addresses = [{ address: '10.0.0.9', sessions: 40 }, { address: '10.0.0.7', sessions: 1 }];
  const url = await startPageServer(t, () => ensemblesBody([{ name: 'main', servers: healthy3(), sessions, addresses }]));
  const page = await openPage(t, url);
  await page.waitForSelector('[data-ensemble="main"] .zk-session', { timeout: STRIP_UPDATE_MS });
  const rows = await page.$$eval('[data-ensemble="main"] .zk-session', (nodes) => nodes.map((n) => `${n.getAttribute('data-session')}|${n.textContent}`));
  t.deepEqual(rows, [
    '0100017e3e1b0002|10.0.0.7:51234 — crawler master m1 (session 0x0100017e3e1b0002)',
    '0100017e3e1b0003|10.0.0.8:40000 — crawler lock locks/nightly (holds) (session 0x0100017e3e1b0003)',
    '0100017e3e1b0004|address unknown — crawler lock locks/nightly (waits) (session 0x0100017e3e1b0004)',
  ]);
  t.is(await page.$eval('[data-ensemble="main"] .zk-addresses', (n) => n.textContent), 'sessions per client: 10.0.0.9 40, 10.0.0.7 1');
});
