/**
 * `bench load`: N workers rewrite their node every heartbeat (N × 1000 / heartbeat setData/s) from a
 * writer thread with its own session, against a private ZooKeeper; a real collector process
 * (`zkpulse collect --influx … --record …`) watches them and writes to a private InfluxDB. Measured
 * over the load window: the collector's CPU (/proc/<pid>/stat) and RSS (/proc/<pid>/status), event lag
 * (setData acknowledged → the collector received that version, from the --record file) next to the
 * floor (a bare node-zookeeper-client data watch per worker in this process, same run, same writes),
 * points/s reaching InfluxDB, and beats written vs seen. Prints figures, ratios and met/not met.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureServices, freePort, startInfluxDB, startZooKeeper } from '../../stack/index.ts';
import { spawnCollector, type Proc } from '../../drills/support/processes.ts';
import { countBy } from '../../drills/support/influx.ts';
import { until } from '../../drills/support/until.ts';
import { populateCluster } from '../support/cluster-data.ts';
import { absNow } from '../support/clock.ts';
import { summarize, type CpuProfile } from '../support/cpu-profile.ts';
import { fmtMs, fmtRatio, max, percentile } from '../support/stats.ts';
import { printTable } from '../support/table.ts';
import { startRawFloor } from '../lag/pipelines.ts';
import { Observations } from './observations.ts';
import { cpuMs, sampleRss } from './proc-stats.ts';
import { runLoadWriter } from './writer.ts';
import { readStalls, reportAttribution, STALL_PROBE } from './attribution.ts';

export interface LoadOptions {
  workers: number;
  heartbeat: number;
  seconds: number;
  cpuProf?: string;
  /** run the collector with the stall probe and attribute the lag tail (attribution.ts) */
  attribute?: boolean;
}

/** What runLoad measured (it also prints it), for `bench curve`. */
export interface LoadFigures {
  cpuPct: number;
  rssPeakMb: number;
  rssLastMb: number;
  lagP99Ms: number;
  floorP99Ms: number;
  /** ZooKeeper's own CPU (its JVM's utime + stime) over the same window, % of one core */
  zkCpuPct: number;
  /** writes not covered by the collector (must be 0) */
  uncovered: number;
  /** setData/s the writer achieved over the window */
  achievedRate: number;
}

const ROOT = '/bench/load';
const DB = 'bench';
const DRAIN_MS = 5_000;
const TARGET = { rssMb: 300, cpuPct: 50, lagFactor: 2 };

export async function runLoad(o: LoadOptions): Promise<LoadFigures> {
  await ensureServices();
  const rate = (o.workers * 1000) / o.heartbeat;
  console.log(`load: ${o.workers} workers, each rewriting its node every ${o.heartbeat} ms (${rate.toFixed(0)} setData/s) for ${o.seconds} s`);
  const [zk, influx] = await Promise.all([startZooKeeper({ jvm: 'production' }), startInfluxDB()]);
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-load-'));
  let collector: Proc | null = null;
  const cleanup = async () => {
    await collector?.kill('SIGKILL');
    await Promise.all([zk.stop(), influx.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const cs = zk.connectString;
    await populateCluster(cs, ROOT, o.workers);
    // one round first, so every node advertises the real heartbeat and has a fresh mtime when the collector syncs
    await runLoadWriter({ connectString: cs, root: ROOT, workers: o.workers, heartbeatMs: o.heartbeat, seconds: o.heartbeat / 1000, firstBeat: 1 });

    const record = join(dir, 'record.ndjson');
    const config = join(dir, 'collect.yaml');
    writeFileSync(config, stringify({ zk: cs, clusters: { bench: ROOT }, influx: `${influx.url}/${DB}`, record, recordMaxBytes: 1_000_000_000 }));
    const port = await freePort();
    const nodeFlags = o.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProf] : [];
    const stallFile = join(dir, 'stalls.json');
    if (o.attribute) {
      nodeFlags.push('--import', STALL_PROBE);
      process.env.ZKPULSE_STALL_FILE = stallFile;
    }
    collector = spawnCollector('load', config, port, [], nodeFlags);
    const url = `http://127.0.0.1:${port}`;
    const syncStart = Date.now();
    await until(
      `the collector to show ${o.workers} workers up`,
      async () => ((await (await fetch(`${url}/api/clusters`)).json()) as { workersUp: number }[])[0]?.workersUp ?? 0,
      (n) => n === o.workers,
      // a loaded 2-core machine syncs 50,000-100,000 nodes slowly
      Math.max(120_000, o.workers * 6),
      200,
    );
    console.log(`  collector pid ${collector.pid}: ${o.workers} workers up ${Date.now() - syncStart} ms after spawn`);

    const floor = new Observations(o.workers);
    const raw = await startRawFloor(cs, ROOT, o.workers, (w, v) => floor.record(w, v, absNow()));
    // warm-up round (unrecorded), then the measured window
    await runLoadWriter({ connectString: cs, root: ROOT, workers: o.workers, heartbeatMs: o.heartbeat, seconds: o.heartbeat / 1000, firstBeat: 2 });
    const cpu0 = cpuMs(collector.pid);
    const zkCpu0 = cpuMs(zk.pid);
    const wall0 = absNow();
    const rss = sampleRss(collector.pid);
    const writes = await runLoadWriter({ connectString: cs, root: ROOT, workers: o.workers, heartbeatMs: o.heartbeat, seconds: o.seconds, firstBeat: 3 });
    const cpu1 = cpuMs(collector.pid);
    const zkCpu1 = cpuMs(zk.pid);
    const wall1 = absNow();
    const mem = rss.stop();
    await new Promise((r) => setTimeout(r, DRAIN_MS));
    await raw.stop();
    // SIGTERM: the collector flushes the record file and InfluxDB, then exits (writing its CPU profile)
    await collector.stop(15_000);

    const seen = new Observations(o.workers);
    let changedInWindow = 0;
    for (const file of readdirSync(dir).filter((f) => f.startsWith('record')).sort().reverse()) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        if (!line.includes('"changed"') || !line.includes('"workers/')) continue;
        const e = JSON.parse(line) as { kind: string; path: string; time: number; stat: { version: number } };
        if (e.kind !== 'changed' || !e.path.startsWith('workers/w')) continue;
        seen.record(Number(e.path.slice('workers/w'.length)), e.stat.version, e.time);
        if (e.time >= writes.startedAt && e.time <= wall1 + DRAIN_MS) changedInWindow++;
      }
    }
    const z = seen.judge(writes);
    const f = floor.judge(writes);
    const from = Math.floor(writes.startedAt);
    const to = Math.ceil(wall1 + DRAIN_MS);
    const influxEvents = await countBy(influx.url, DB, 'event', 'subject', 'kind', from, to);
    const influxWorker = await countBy(influx.url, DB, 'worker', 'up', 'cluster', from, to);
    const beatPoints = influxEvents.get('HeartbeatSeen') ?? 0;
    const points = [...influxEvents.values(), ...influxWorker.values()].reduce((a, b) => a + b, 0);
    const windowS = (to - from) / 1000;

    const cpuPct = ((cpu1 - cpu0) / (wall1 - wall0)) * 100;
    const zp99 = percentile(z.lags, 99);
    const fp99 = percentile(f.lags, 99);
    const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
    printTable(
      `Collector under load: ${o.workers} workers × 1 beat / ${o.heartbeat} ms, ${writes.version.length - writes.errors} writes acknowledged in ${((writes.endedAt - writes.startedAt) / 1000).toFixed(1)} s (${writes.errors} errors)`,
      ['observer', 'lag p50', 'lag p99', 'lag max', 'exact versions seen', 'coalesced', 'not covered', 'last version of every node'],
      [
        ['zkpulse collect (--record time)', fmtMs(percentile(z.lags, 50)), fmtMs(zp99), fmtMs(max(z.lags)), `${z.exact}/${z.written}`, String(z.written - z.exact - z.uncovered), String(z.uncovered), `${z.lastSeen}/${z.nodes}`],
        ['raw data watch (floor)', fmtMs(percentile(f.lags, 50)), fmtMs(fp99), fmtMs(max(f.lags)), `${f.exact}/${f.written}`, String(f.written - f.exact - f.uncovered), String(f.uncovered), `${f.lastSeen}/${f.nodes}`],
      ],
    );
    printTable('Targets', ['figure', 'value', 'target', ''], [
      ['collector CPU (one core)', `${cpuPct.toFixed(1)} %`, `≤ ${TARGET.cpuPct} %`, met(cpuPct <= TARGET.cpuPct)],
      ['collector RSS peak (last)', `${mem.peakMb.toFixed(0)} MB (${mem.lastMb.toFixed(0)} MB)`, `≤ ${TARGET.rssMb} MB`, met(mem.peakMb <= TARGET.rssMb)],
      ['lag p99 / floor p99', `${fmtMs(zp99)} / ${fmtMs(fp99)} = ${fmtRatio(zp99 / fp99)}`, `≤ ${TARGET.lagFactor}×`, met(zp99 <= TARGET.lagFactor * fp99)],
      ['writes not covered (nothing left behind)', String(z.uncovered), '0', met(z.uncovered === 0)],
      ['last version of every node seen', `${z.lastSeen}/${z.nodes}`, 'all', met(z.lastSeen === z.nodes)],
      ['HeartbeatSeen points in InfluxDB / beats the collector received', `${beatPoints} / ${changedInWindow}`, 'equal', met(beatPoints === changedInWindow)],
      ['points/s to InfluxDB (event + worker)', `${(points / windowS).toFixed(0)}/s`, '—', ''],
      ['ZooKeeper CPU (its JVM, one core, same window)', `${(((zkCpu1 - zkCpu0) / (wall1 - wall0)) * 100).toFixed(1)} %`, '—', ''],
    ]);
    console.log(
      `\n"seen": a one-shot watch re-reads a node after it fires; writes landing in between coalesce into the later read, for ANY watcher.\n` +
        `exact = that very version was read; covered = it or a later one was; the floor shows how many coalesce at this rate.`,
    );
    if (o.cpuProf) reportProfile(o.cpuProf);
    if (o.attribute) {
      const samples = z.lags.map((lag, i) => ({ ack: z.seenAt[i]! - lag, seen: z.seenAt[i]! }));
      reportAttribution(readStalls(stallFile), samples, { from: writes.startedAt, to: wall1 }, o.cpuProf ? mainProfile(o.cpuProf) : undefined);
    }
    const acked = writes.version.length - writes.errors;
    return {
      cpuPct,
      rssPeakMb: mem.peakMb,
      rssLastMb: mem.lastMb,
      lagP99Ms: zp99,
      floorP99Ms: fp99,
      zkCpuPct: ((zkCpu1 - zkCpu0) / (wall1 - wall0)) * 100,
      uncovered: z.uncovered,
      achievedRate: (acked * 1000) / (writes.endedAt - writes.startedAt),
    };
  } finally {
    process.off('SIGINT', onSignal);
    await cleanup();
  }
}

/** the main thread's profile: one profile per thread (tsx's loader runs in its own), the main thread's is the largest */
function mainProfileFile(dir: string): string | undefined {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(join(dir, a)).size - statSync(join(dir, b)).size)
    .pop();
}

function mainProfile(dir: string): Parameters<typeof reportAttribution>[3] {
  const file = mainProfileFile(dir);
  return file ? (JSON.parse(readFileSync(join(dir, file), 'utf8')) as Parameters<typeof reportAttribution>[3]) : undefined;
}

function reportProfile(dir: string): void {
  const file = mainProfileFile(dir);
  if (!file) return console.log(`no .cpuprofile in ${dir}`);
  const { layers, top } = summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, 20);
  printTable(`Collector CPU profile (${join(dir, file)}, whole process life): self time by layer`, ['layer', 'ms'], Object.entries(layers).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v.toFixed(0)]));
  printTable('Top functions by self time', ['function', 'ms'], top.map(([k, v]) => [k, v.toFixed(0)]));
}
