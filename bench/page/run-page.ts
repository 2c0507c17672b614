/**
 * `bench page`: the live page in Debian's Chromium (playwright-core) while N workers beat every heartbeat
 * (N × 1000 / heartbeat setData/s, bench/load's writer thread with its own session) against a private
 * ZooKeeper, watched by a real collector process (`zkpulse collect --http …`). Two windows of `seconds` under the
 * same load in the same browser: first `about:blank` (the floor), then `/?cluster=bench`. In each: script round
 * trips every 100 ms, JS heap and DOM nodes (CDP Performance.getMetrics every second), the renderer's busy time,
 * the collector's CPU and RSS. On the live page also: load and first complete render, `crashes` workers whose
 * node is deleted during the window (→ shown down in #attention), the filter, and the SSE messages the page
 * applied (document.body.dataset.liveSeq) beside the beats written. Prints figures, ratios and met/not met.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { ensureServices, freePort, startZooKeeper } from '../../stack/index.ts';
import { closeChromium, launchChromium } from '../../stack/browser.ts';
import { PlainZk } from '../../stack/plain-zk.ts';
import { spawnCollector, type Proc } from '../../drills/support/processes.ts';
import { until } from '../../drills/support/until.ts';
import { populateCluster, workerId } from '../support/cluster-data.ts';
import { absNow } from '../support/clock.ts';
import { fmtMs, fmtRatio, max, percentile } from '../support/stats.ts';
import { printTable } from '../support/table.ts';
import { cpuMs, sampleRss } from '../load/proc-stats.ts';
import { runLoadWriter } from '../load/writer.ts';
import { ContinuousLoad } from './continuous-load.ts';
import { bounded, countMessages, domElements, present, readMessages, sampleMetrics, sampleRoundTrips, timeFilter, timeUntilComplete, timeUntilDown, type MessageCount, type PageMetrics } from './probes.ts';

export interface PageOptions {
  workers: number;
  heartbeat: number;
  seconds: number;
  crashes: number;
}

const ROOT = '/bench/page';
const CLUSTER = 'bench';
const TARGET = { rttP99Ms: 100, visibleMs: 1000, heapMb: 200 };
/** generous: the machine is shared; a page that needs longer is reported as not showing it */
const RENDER_TIMEOUT_MS = 120_000;
/** 10× the target: a crash not shown by then is reported as such, and the window does not stretch much */
const VISIBLE_TIMEOUT_MS = 10_000;
/** the writer's planned length: both windows plus page load and slack; it is stopped when the measuring ends */
const WRITER_SLACK_S = 600;

interface Window {
  rtt: number[];
  metrics: PageMetrics;
  elements: number;
  collectorCpuPct: number;
  collectorRssPeakMb: number;
  from: number;
  to: number;
}

interface LiveExtras {
  loadMs: number | undefined;
  completeMs: number | undefined;
  visible: (number | undefined)[];
  filterMs: number | undefined;
  messages: MessageCount;
  missing: string[];
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const load1 = () => loadavg()[0]?.toFixed(2) ?? '?';

/** One window of `seconds` on `page`; `during(elapsedMs → …)` runs the window's actions (the crashes). */
async function measureWindow(page: Page, collector: Proc, seconds: number, during: (windowMs: number) => Promise<void> = async () => undefined): Promise<Window> {
  const cdp = await page.context().newCDPSession(page);
  const metrics = await sampleMetrics(cdp);
  const rtt = sampleRoundTrips(page);
  const rss = sampleRss(collector.pid, 1000);
  const cpu0 = cpuMs(collector.pid);
  const from = absNow();
  const end = from + seconds * 1000;
  await Promise.all([during(seconds * 1000), sleep(end - absNow())]);
  const to = absNow();
  const cpu1 = cpuMs(collector.pid);
  const [samples, m] = await Promise.all([rtt.stop(), metrics.stop()]);
  const mem = rss.stop();
  const elements = await domElements(page);
  await bounded(cdp.detach(), 10_000, undefined);
  return { rtt: samples, metrics: m, elements, collectorCpuPct: ((cpu1 - cpu0) / (to - from)) * 100, collectorRssPeakMb: mem.peakMb, from, to };
}

async function livePhase(browser: Browser, url: string, collector: Proc, zk: PlainZk, o: PageOptions): Promise<{ window: Window; extras: LiveExtras }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(String(err)));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  const t0 = performance.now();
  let loadMs: number | undefined;
  try {
    await page.goto(`${url}/?cluster=${CLUSTER}#cluster=${CLUSTER}`, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS });
    loadMs = performance.now() - t0;
  } catch (err) {
    problems.push(`page load: ${String(err)}`);
  }
  const missing: string[] = [];
  for (const s of ['#summary', '#filter', '#attention', '#heatmap']) if (!(await present(page, s).catch(() => false))) missing.push(s);
  const completeMs = missing.includes('#summary') ? undefined : await timeUntilComplete(page, o.workers, t0, RENDER_TIMEOUT_MS);
  console.log(`  live page: load ${fmtMs(loadMs)}, complete ${fmtMs(completeMs)}${missing.length ? `, not found: ${missing.join(' ')}` : ''} (load average ${load1()})`);

  await bounded(countMessages(page), 30_000, undefined);
  const visible: (number | undefined)[] = [];
  const window = await measureWindow(page, collector, o.seconds, async (windowMs) => {
    const start = performance.now();
    for (let k = 0; k < o.crashes; k++) {
      await sleep(start + ((k + 1) * windowMs) / (o.crashes + 1) - performance.now());
      const id = workerId(Math.floor(((k + 0.5) / o.crashes) * o.workers));
      const at = ((performance.now() - start) / 1000).toFixed(1);
      const crash = () => zk.remove(`${ROOT}/workers/${id}`);
      // without #attention there is nothing to wait for: the worker still crashes (the page gets the change)
      const ms = missing.includes('#attention') ? await crash().then(() => undefined) : await timeUntilDown(page, id, crash, VISIBLE_TIMEOUT_MS);
      visible.push(ms);
      console.log(`  crashed ${id} at +${at} s: shown down ${ms === undefined ? (missing.includes('#attention') ? '— (no #attention)' : 'not within 10 s') : `after ${fmtMs(ms)}`}`);
    }
  });
  const messages = await readMessages(page);
  console.log(`  live window done: ${messages.found ? `${messages.messages} messages applied` : 'no liveSeq'} (load average ${load1()})`);
  const filterMs = missing.includes('#filter') ? undefined : await timeFilter(page, workerId(1), VISIBLE_TIMEOUT_MS);
  await bounded(page.close(), 30_000, undefined);
  return { window, extras: { loadMs, completeMs, visible, filterMs, messages, missing, problems } };
}

async function blankPhase(browser: Browser, collector: Proc, seconds: number): Promise<Window> {
  const page = await browser.newPage();
  await page.goto('about:blank');
  const w = await measureWindow(page, collector, seconds);
  await bounded(page.close(), 30_000, undefined);
  return w;
}

export async function runPage(o: PageOptions): Promise<void> {
  await ensureServices();
  const rate = (o.workers * 1000) / o.heartbeat;
  console.log(`page: ${o.workers} workers, each rewriting its node every ${o.heartbeat} ms (${rate.toFixed(0)} setData/s), two ${o.seconds} s windows (about:blank, then the live page), load average ${load1()}`);
  const zkServer = await startZooKeeper({ jvm: 'production' });
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-page-'));
  let collector: Proc | null = null;
  let browser: Browser | null = null;
  let zk: PlainZk | null = null;
  let writer: ContinuousLoad | null = null;
  const cleanup = async () => {
    await writer?.stop();
    if (browser) await closeChromium(browser);
    await zk?.close().catch(() => undefined);
    await collector?.kill('SIGKILL');
    await zkServer.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const cs = zkServer.connectString;
    await populateCluster(cs, ROOT, o.workers);
    // one round first, so every node advertises the real heartbeat and has a fresh mtime when the collector syncs
    await runLoadWriter({ connectString: cs, root: ROOT, workers: o.workers, heartbeatMs: o.heartbeat, seconds: o.heartbeat / 1000, firstBeat: 1 });
    const config = join(dir, 'collect.yaml');
    writeFileSync(config, stringify({ zk: cs, clusters: { [CLUSTER]: ROOT } }));
    const port = await freePort();
    collector = spawnCollector('page', config, port);
    const url = `http://127.0.0.1:${port}`;
    const syncStart = Date.now();
    await until(
      `the collector to show ${o.workers} workers up`,
      async () => ((await (await fetch(`${url}/api/clusters`)).json()) as { workersUp: number }[])[0]?.workersUp ?? 0,
      (n) => n === o.workers,
      120_000,
      200,
    );
    console.log(`  collector pid ${collector.pid}: ${o.workers} workers up ${Date.now() - syncStart} ms after spawn`);

    writer = new ContinuousLoad({ connectString: cs, root: ROOT, workers: o.workers, heartbeatMs: o.heartbeat, seconds: 2 * o.seconds + WRITER_SLACK_S, firstBeat: 2 });
    zk = await PlainZk.connect(cs);
    browser = await launchChromium();
    await sleep(o.heartbeat); // one round of beats before measuring
    const blank = await blankPhase(browser, collector, o.seconds);
    console.log(`  about:blank window done (load average ${load1()})`);
    const { window: live, extras } = await livePhase(browser, url, collector, zk, o);
    // a collector that lost ZooKeeper sends no deltas: say so beside the figures
    const state = await bounded(
      fetch(`${url}/api/clusters`, { signal: AbortSignal.timeout(10_000) }).then(async (r) => ((await r.json()) as { workersUp: number; blind: boolean }[])[0]),
      12_000,
      undefined,
    );
    const lost = (collector.tail(200_000).match(/lost the connection to ZooKeeper/g) ?? []).length;
    console.log(`  collector after the window: ${state ? `${state.workersUp} workers up, blind ${state.blind}` : 'no answer to GET /api/clusters in 10 s'}; "lost the connection to ZooKeeper" ${lost} times in its log`);
    await writer.stop();
    report(o, writer, blank, live, extras);
    writer = null;
  } finally {
    process.off('SIGINT', onSignal);
    await cleanup();
  }
}

function beatsIn(load: ContinuousLoad, w: Window): number {
  let n = 0;
  for (const writes of load.results) {
    for (let i = 0; i < writes.ackAt.length; i++) if ((writes.version[i] ?? -1) >= 0 && (writes.ackAt[i] ?? 0) >= w.from && (writes.ackAt[i] ?? 0) <= w.to) n++;
  }
  return n;
}

function report(o: PageOptions, load: ContinuousLoad, blank: Window, live: Window, x: LiveExtras): void {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const mb = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} MB` : '—');
  const ratio = (a: number, b: number) => fmtRatio(a / b);
  const row = (figure: string, b: number, l: number, fmt: (v: number) => string, target = '', ok?: boolean) => [figure, fmt(b), fmt(l), ratio(l, b), target, ok === undefined ? '' : met(ok)];
  const p = (w: Window, q: number) => percentile(w.rtt, q);
  const lp99 = p(live, 99);
  const seen = x.visible.filter((v): v is number => v !== undefined);
  const worstVisible = seen.length === x.visible.length ? max(seen) : Number.POSITIVE_INFINITY;
  const sent = load.results.reduce((a, r) => a + r.version.length, 0);
  const written = load.results.reduce((a, r) => a + r.version.filter((v) => v >= 0).length, 0);
  const failed = load.results.reduce((a, r) => a + r.errors, 0);
  const beatsLive = beatsIn(load, live);
  const beatsBlank = beatsIn(load, blank);
  const { messages, restarts, ages, found } = x.messages;
  const windowS = (live.to - live.from) / 1000;

  printTable(
    `Live page under load: ${o.workers} workers × 1 beat / ${o.heartbeat} ms, ${sent} beats sent, ${written} acknowledged, ${failed} failed (crashed workers, connection losses), ${o.seconds} s per window, load average (1 min) ${load1()}`,
    ['figure', 'about:blank (floor)', 'live page', 'live / blank', 'target', ''],
    [
      row('script round trip p50', p(blank, 50), p(live, 50), fmtMs),
      row('script round trip p99', p(blank, 99), lp99, fmtMs, `≤ ${TARGET.rttP99Ms} ms`, lp99 <= TARGET.rttP99Ms),
      row('script round trip max', max(blank.rtt), max(live.rtt), fmtMs),
      row('round trips in the window (one every 100 ms)', blank.rtt.length, live.rtt.length, String),
      row('JS heap used, peak', blank.metrics.heapUsedPeakMb, live.metrics.heapUsedPeakMb, mb, `≤ ${TARGET.heapMb} MB`, live.metrics.heapUsedPeakMb <= TARGET.heapMb),
      row('JS heap used, last', blank.metrics.heapUsedLastMb, live.metrics.heapUsedLastMb, mb),
      row('JS heap total, peak', blank.metrics.heapTotalPeakMb, live.metrics.heapTotalPeakMb, mb),
      row('DOM nodes, peak (CDP Nodes)', blank.metrics.nodesPeak, live.metrics.nodesPeak, String),
      row('elements at the end (getElementsByTagName)', blank.elements, live.elements, String),
      row('renderer main thread busy (CDP TaskDuration / wall)', blank.metrics.busyPct, live.metrics.busyPct, (v) => (Number.isFinite(v) ? `${v.toFixed(1)} %` : '—')),
      row('collector CPU (one core)', blank.collectorCpuPct, live.collectorCpuPct, (v) => `${v.toFixed(1)} %`),
      row('collector RSS peak', blank.collectorRssPeakMb, live.collectorRssPeakMb, (v) => `${v.toFixed(0)} MB`),
      row('beats acknowledged in the window', beatsBlank, beatsLive, String, `${((o.workers / o.heartbeat) * o.seconds * 1000).toFixed(0)}`),
    ],
  );
  for (const f of load.failures) console.log(`  the writer's ZooKeeper client failed (a new writer took over; its records are lost) ${f}`);
  const visibleCell = x.missing.includes('#attention') ? 'not found (#attention)' : x.visible.map((v) => (v === undefined ? '> 10 s' : fmtMs(v))).join(', ');
  printTable(`Live page only (load average (1 min) ${load1()})`, ['figure', 'value', 'target', ''], [
    ['page load (goto → load event)', fmtMs(x.loadMs), '', ''],
    ['first complete render (goto → #summary counts add up to the workers)', x.missing.includes('#summary') ? 'not found (#summary)' : x.completeMs === undefined ? '> 120 s' : fmtMs(x.completeMs), '', ''],
    [`worker node deleted → #attention row down (${o.crashes} crashes)`, visibleCell || '—', `≤ ${TARGET.visibleMs} ms each`, met(worstVisible <= TARGET.visibleMs)],
    ['#filter "w1" → its row in #attention', x.missing.includes('#filter') ? 'not found (#filter)' : fmtMs(x.filterMs), '', ''],
    [
      'SSE messages applied (liveSeq changes) / beats acknowledged in the window',
      found ? `${messages} / ${beatsLive} (${(messages / windowS).toFixed(1)} messages/s, ${(beatsLive / Math.max(1, messages)).toFixed(0)} beats per message${restarts ? `, ${restarts} reconnects` : ''})` : `not found (body.dataset.liveSeq) / ${beatsLive}`,
      '',
      '',
    ],
    ['message age when applied (page Date.now() − liveAt) p50 / p99 / max', found ? `${fmtMs(percentile(ages, 50))} / ${fmtMs(percentile(ages, 99))} / ${fmtMs(max(ages))}` : 'not found (body.dataset.liveAt)', '', ''],
    ['#heatmap canvas', x.missing.includes('#heatmap') ? 'not found' : 'present', '', ''],
    ['page errors (console error, uncaught)', String(x.problems.length), '0', met(x.problems.length === 0)],
  ]);
  for (const line of x.problems.slice(0, 5)) console.log(`  page error: ${line.slice(0, 300)}`);
}
