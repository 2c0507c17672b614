/**
 * What `bench page` measures in one Chromium page while the load runs: script round trips
 * (`page.evaluate(() => 0)` every 100 ms, one at a time), CDP Performance metrics every second (JS heap used and
 * total, DOM nodes, the renderer main thread's busy time), and the time from deleting a worker's node to the
 * page showing that worker down.
 */
import { performance } from 'node:perf_hooks';
import type { CDPSession, Page } from 'playwright-core';

/** How long stop() waits for a round trip still in flight; its time so far is kept as a lower bound. */
const INFLIGHT_GRACE_MS = 10_000;

/** `work`'s value, or `fallback` if it takes longer than `ms` (a frozen page must not stall the bench). */
export async function bounded<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((r) => (timer = setTimeout(() => r(fallback), ms)));
  try {
    return await Promise.race([work.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Sampler<T> {
  stop(): Promise<T>;
}

/** `page.evaluate(() => 0)` every `everyMs` (the next starts when the last returned, at most every `everyMs`). */
export function sampleRoundTrips(page: Page, everyMs = 100): Sampler<number[]> {
  const samples: number[] = [];
  let running = true;
  let inflightSince = Number.NaN;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      inflightSince = t0;
      await page.evaluate(() => 0);
      inflightSince = Number.NaN;
      const t1 = performance.now();
      samples.push(t1 - t0);
      const wait = t0 + everyMs - t1;
      if (wait > 0 && running) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    async stop() {
      running = false;
      const finished = await bounded(loop.then(() => true), INFLIGHT_GRACE_MS, false);
      if (!finished && Number.isFinite(inflightSince)) samples.push(performance.now() - inflightSince);
      return samples;
    },
  };
}

export interface PageMetrics {
  samples: number;
  heapUsedPeakMb: number;
  heapUsedLastMb: number;
  heapTotalPeakMb: number;
  heapTotalLastMb: number;
  nodesPeak: number;
  /** renderer main thread busy time / wall time between the first and last sample, in % */
  busyPct: number;
}

type Metrics = Record<string, number>;

async function getMetrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

const MB = 1024 * 1024;

/** CDP `Performance.getMetrics` every `everyMs` (Performance.enable first). */
export async function sampleMetrics(cdp: CDPSession, everyMs = 1000): Promise<Sampler<PageMetrics>> {
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  const all: Metrics[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      all.push(await getMetrics(cdp));
      const wait = t0 + everyMs - performance.now();
      if (wait > 0 && running) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    async stop() {
      running = false;
      await bounded(loop, INFLIGHT_GRACE_MS, undefined);
      const peak = (k: string) => all.reduce((a, m) => Math.max(a, m[k] ?? 0), 0);
      const first = all[0] ?? {};
      const last = all[all.length - 1] ?? {};
      const wall = (last.Timestamp ?? 0) - (first.Timestamp ?? 0);
      const busy = (last.TaskDuration ?? 0) - (first.TaskDuration ?? 0);
      return {
        samples: all.length,
        heapUsedPeakMb: peak('JSHeapUsedSize') / MB,
        heapUsedLastMb: (last.JSHeapUsedSize ?? Number.NaN) / MB,
        heapTotalPeakMb: peak('JSHeapTotalSize') / MB,
        heapTotalLastMb: (last.JSHeapTotalSize ?? Number.NaN) / MB,
        nodesPeak: peak('Nodes'),
        busyPct: wall > 0 ? (busy / wall) * 100 : Number.NaN,
      };
    },
  };
}

/** Elements in the document (the brief's DOM size figure). */
export function domElements(page: Page): Promise<number> {
  return bounded(page.evaluate(() => document.getElementsByTagName('*').length), INFLIGHT_GRACE_MS, Number.NaN);
}

/** Whether `selector` matches in the page now. */
export function present(page: Page, selector: string): Promise<boolean> {
  return bounded(page.evaluate((s) => document.querySelector(s) !== null, selector), INFLIGHT_GRACE_MS, false);
}

/** What the page's message counter saw (installed by `countMessages`). */
export interface MessageCount {
  /** changes of document.body.dataset.liveSeq: one per applied snapshot or delta */
  messages: number;
  /** times the sequence started again (a reconnect: a new snapshot) */
  restarts: number;
  /** per message: page clock when applied − dataset.liveAt (server clock, same machine), in ms */
  ages: number[];
  found: boolean;
}

declare global {
  interface Window {
    __benchMessages?: MessageCount;
  }
}

/**
 * Counts every change of `document.body.dataset.liveSeq` (a MutationObserver on data-live-seq, so a reconnect that
 * starts again at 1 is still counted) and how old each message was when the page applied it (Date.now() − liveAt).
 */
export function countMessages(page: Page): Promise<void> {
  return page.evaluate(() => {
    const count = { messages: 0, restarts: 0, ages: [] as number[], found: document.body.dataset.liveSeq !== undefined };
    window.__benchMessages = count;
    let last = Number(document.body.dataset.liveSeq ?? 0);
    new MutationObserver(() => {
      const seq = Number(document.body.dataset.liveSeq);
      if (seq === last) return;
      count.found = true;
      count.messages++;
      if (seq < last) count.restarts++;
      last = seq;
      const at = Number(document.body.dataset.liveAt);
      if (Number.isFinite(at)) count.ages.push(Date.now() - at);
    }).observe(document.body, { attributes: true, attributeFilter: ['data-live-seq', 'data-live-at'] });
  });
}

export function readMessages(page: Page): Promise<MessageCount> {
  const none: MessageCount = { messages: 0, restarts: 0, ages: [], found: false };
  return bounded(page.evaluate(() => window.__benchMessages ?? null).then((c) => c ?? none), INFLIGHT_GRACE_MS, none);
}

/**
 * Runs `act` (e.g. deleting worker `id`'s node) and resolves with the ms until `#attention` shows that worker
 * down (polled every animation frame), or undefined if it did not within `timeoutMs`.
 */
export async function timeUntilDown(page: Page, id: string, act: () => Promise<void>, timeoutMs: number): Promise<number | undefined> {
  const t0 = performance.now();
  await act();
  try {
    await page.waitForFunction((w) => document.querySelector(`#attention [data-worker="${w}"][data-health="down"]`) !== null, id, { polling: 'raf', timeout: timeoutMs });
    return performance.now() - t0;
  } catch {
    return undefined;
  }
}

/** Ms from now until the sum of the `#summary [data-health]` counts reaches `workers` (the first complete render). */
export async function timeUntilComplete(page: Page, workers: number, since: number, timeoutMs: number): Promise<number | undefined> {
  try {
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('#summary [data-health]')].reduce((a, e) => a + (Number(e.textContent) || 0), 0) >= n,
      workers,
      { polling: 'raf', timeout: timeoutMs },
    );
    return performance.now() - since;
  } catch {
    return undefined;
  }
}

/** Types `text` into `#filter` and resolves with the ms until `#attention` holds worker `text`'s row. */
export async function timeFilter(page: Page, id: string, timeoutMs: number): Promise<number | undefined> {
  const t0 = performance.now();
  try {
    await page.fill('#filter', id, { timeout: timeoutMs });
    await page.waitForFunction((w) => document.querySelector(`#attention [data-worker="${w}"]`) !== null, id, { polling: 'raf', timeout: timeoutMs });
    return performance.now() - t0;
  } catch {
    return undefined;
  }
}
