/**
 * `bench curve`: the cost curve of issue 17. For each size N, `bench sync` (zkpulse watch + model beside the
 * ZooKeeper Java client, fresh processes, interleaved, after a warm-up) and `bench load` (the real collector
 * process at 2,000 beats/s: heartbeat = N / 2000 s), each against its own private ZooKeeper, then one table:
 * sync times, ratio, µs per worker, collector RSS / CPU, event lag p99 beside the raw watch floor's,
 * ZooKeeper's own CPU over the load window (so a ZooKeeper limit shows) and the 1-minute load average.
 * Prints figures; never asserts.
 */
import os from 'node:os';
import { runLoad, type LoadFigures } from '../load/run-load.ts';
import { runSync, type SyncFigures } from '../sync/run-sync.ts';
import { fmtMs, fmtRatio } from '../support/stats.ts';
import { printTable } from '../support/table.ts';

export interface CurveOptions {
  sizes: number[];
  /** sync runs per tool (median) */
  runs: number;
  /** length of the measured load window */
  seconds: number;
  /** sync only (the load part of a size takes minutes: three heartbeat rounds of N writes) */
  skipLoad?: boolean;
}

/** the write load at every size (issue 17) */
export const BEATS_PER_SECOND = 2000;
/** issue 17 goals at the largest size */
const GOAL = { syncRatio: 1.0, rssMb: 1024 };

interface Point {
  size: number;
  sync?: SyncFigures;
  load?: LoadFigures;
  failures: string[];
  load1: { min: number; max: number };
}

/** Heartbeat period (ms) at which `size` workers write BEATS_PER_SECOND setData/s. */
export function heartbeatFor(size: number): number {
  return Math.max(1, Math.round((size * 1000) / BEATS_PER_SECOND));
}

/** Samples the 1-minute load average every few seconds until stopped. */
function sampleLoadAverage(everyMs = 5_000): { stop(): { min: number; max: number } } {
  const seen = [os.loadavg()[0] ?? Number.NaN];
  const timer = setInterval(() => seen.push(os.loadavg()[0] ?? Number.NaN), everyMs);
  return {
    stop() {
      clearInterval(timer);
      seen.push(os.loadavg()[0] ?? Number.NaN);
      return { min: Math.min(...seen), max: Math.max(...seen) };
    },
  };
}

export async function runCurve(o: CurveOptions): Promise<void> {
  console.log(`curve: sizes ${o.sizes.join(', ')}; sync median of ${o.runs}; load ${BEATS_PER_SECOND} beats/s for ${o.seconds} s per size`);
  const points: Point[] = [];
  for (const size of o.sizes) {
    const point: Point = { size, failures: [], load1: { min: Number.NaN, max: Number.NaN } };
    const load1 = sampleLoadAverage();
    console.log(`\n=== curve: ${size} workers ===`);
    try {
      point.sync = await runSync({ workers: size, runs: o.runs, rows: ['zkpulse', 'java'] });
    } catch (err) {
      point.failures.push(`sync: ${(err as Error).message}`);
    }
    if (!o.skipLoad) {
      try {
        point.load = await runLoad({ workers: size, heartbeat: heartbeatFor(size), seconds: o.seconds });
      } catch (err) {
        point.failures.push(`load: ${(err as Error).message}`);
      }
    }
    point.load1 = load1.stop();
    points.push(point);
    // the table so far after every size: a long run that is cut short keeps what it measured
    report(points, o);
  }
  judge(points);
}

const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(1)} %`);
const mb = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(0)} MB`);

function usPerWorker(p: Point): number | undefined {
  return p.sync?.zkpulse === undefined ? undefined : (p.sync.zkpulse.ms * 1000) / p.size;
}

function report(points: Point[], o: CurveOptions): void {
  printTable(
    `Cost curve: sync = session connected → complete view, median of ${o.runs}; load = ${BEATS_PER_SECOND} beats/s (heartbeat N/${BEATS_PER_SECOND} s), ${o.seconds} s window`,
    ['workers', 'sync zkpulse', 'sync Java', 'ratio', 'µs/worker (Java)', 'sync CPU (Java)', 'beats/s acked', 'RSS peak (last)', 'CPU', 'lag p99', 'floor p99', 'ZooKeeper CPU', 'load avg (1 min)', 'failures'],
    points.map((p) => {
      const s = p.sync;
      const l = p.load;
      const javaUs = s?.java === undefined ? undefined : (s.java.ms * 1000) / p.size;
      return [
        p.size.toLocaleString('en-US'),
        fmtMs(s?.zkpulse?.ms),
        fmtMs(s?.java?.ms),
        fmtRatio(s?.zkpulse !== undefined && s.java !== undefined ? s.zkpulse.ms / s.java.ms : undefined),
        `${usPerWorker(p)?.toFixed(0) ?? '—'} (${javaUs?.toFixed(0) ?? '—'})`,
        `${fmtMs(s?.zkpulse?.cpuMs)} (${fmtMs(s?.java?.cpuMs)})`,
        // below BEATS_PER_SECOND: the writer itself could not hold the rate (a loaded machine), the load figures are off
        l ? l.achievedRate.toFixed(0) : '—',
        l ? `${mb(l.rssPeakMb)} (${mb(l.rssLastMb)})` : '—',
        pct(l?.cpuPct),
        fmtMs(l?.lagP99Ms),
        fmtMs(l?.floorP99Ms),
        pct(l?.zkCpuPct),
        `${p.load1.min.toFixed(1)}–${p.load1.max.toFixed(1)}`,
        p.failures.length === 0 ? (l && l.uncovered > 0 ? `${l.uncovered} writes not covered` : '0') : p.failures.join('; '),
      ];
    }),
  );
}

/** Growth (per-worker sync cost, RSS per worker) from the smallest to the largest size, and the goals at the largest. */
function judge(points: Point[]): void {
  const done = points.filter((p) => p.sync?.zkpulse !== undefined);
  if (done.length === 0) return;
  const first = done[0]!;
  const last = done[done.length - 1]!;
  const rows: string[][] = [];
  const linear = (g: number | undefined) => (g === undefined || !Number.isFinite(g) ? '—' : g <= 1.1 ? 'met' : 'NOT MET');
  if (done.length > 1) {
    const growth = usPerWorker(last)! / usPerWorker(first)!;
    rows.push([`sync wall µs/worker, ${last.size} vs ${first.size}`, fmtRatio(growth), '≤ 1.1× (linear; 10 % for noise)', linear(growth)]);
    // CPU time depends far less on how loaded the machine is than wall time does
    const cpuUs = (p: Point) => (p.sync?.zkpulse?.cpuMs === undefined ? undefined : (p.sync.zkpulse.cpuMs * 1000) / p.size);
    const cpuGrowth = cpuUs(last) === undefined || cpuUs(first) === undefined ? undefined : cpuUs(last)! / cpuUs(first)!;
    rows.push([`sync CPU µs/worker, ${last.size} vs ${first.size}`, fmtRatio(cpuGrowth), '≤ 1.1× (linear; 10 % for noise)', linear(cpuGrowth)]);
  }
  const r = last.sync?.java === undefined ? undefined : last.sync.zkpulse!.ms / last.sync.java.ms;
  rows.push([`sync zkpulse / Java at ${last.size}`, fmtRatio(r), `≤ ${GOAL.syncRatio.toFixed(1)}×`, r === undefined ? '—' : r <= GOAL.syncRatio ? 'met' : 'NOT MET']);
  const zc = last.sync?.zkpulse?.cpuMs;
  const jc = last.sync?.java?.cpuMs;
  rows.push([`sync CPU zkpulse / Java at ${last.size}`, fmtRatio(zc !== undefined && jc !== undefined ? zc / jc : undefined), '(beside the goal)', '']);
  const rss = points[points.length - 1]?.load?.rssPeakMb;
  rows.push([`collector RSS peak at ${points[points.length - 1]?.size}`, mb(rss), `≤ ${GOAL.rssMb} MB`, rss === undefined ? '—' : rss <= GOAL.rssMb ? 'met' : 'NOT MET']);
  printTable('Goals (issue 17)', ['figure', 'value', 'goal', ''], rows);
}
