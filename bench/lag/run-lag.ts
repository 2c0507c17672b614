/**
 * `bench lag`: a writer thread rewrites worker nodes at a paced rate; for each acknowledged setData
 * we record when the observer reflected that version. zkpulse (watch + model) first, then the raw
 * client floor, each under the same load against the same private ZooKeeper, each after a short
 * unrecorded warm-up load.
 */
import { ensureServices, startZooKeeper } from '../../stack/index.ts';
import { populateCluster } from '../support/cluster-data.ts';
import { fmtMs, max, percentile } from '../support/stats.ts';
import { printTable } from '../support/table.ts';
import { startRawFloor, startZkpulse, type Observer, type Record } from './pipelines.ts';
import { Reflections } from './reflections.ts';
import { runWriter } from './writer.ts';
import type { WriterResult } from './writer-thread.ts';

export interface LagOptions {
  rate: number;
  seconds: number;
  workers: number;
}

const ROOT = '/bench/lag';
const DRAIN_MS = 5_000;
/** an unrecorded load before each measurement, so that neither observer pays JIT warm-up in its figures */
const WARMUP_SECONDS = 1;

interface Measured {
  name: string;
  writes: WriterResult;
  fromAck: number[];
  fromSend: number[];
  unseen: number;
  /** lag from ack, by the second of the load in which the write was sent */
  bySecond: number[][];
}

async function measure(
  name: string,
  opts: LagOptions,
  connectString: string,
  start: (record: Record) => Promise<Observer>,
): Promise<Measured> {
  let refl = new Reflections(opts.workers);
  const observer = await start((worker, version) => refl.record(worker, version));
  const load = async (seconds: number) => {
    const writes = await runWriter({ connectString, root: ROOT, workers: opts.workers, rate: opts.rate, seconds });
    const deadline = performance.now() + DRAIN_MS;
    while (!refl.caughtUp(writes) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return writes;
  };
  try {
    await load(WARMUP_SECONDS);
    refl = new Reflections(opts.workers);
    const writes = await load(opts.seconds);
    const lags = refl.lags(writes);
    console.log(`  ${name}: ${writes.version.length} writes, ${lags.unseen} not reflected within ${DRAIN_MS} ms after the load`);
    return { name, writes, ...lags };
  } finally {
    await observer.stop();
  }
}

export async function runLag(opts: LagOptions): Promise<void> {
  await ensureServices();
  console.log(`lag: private ZooKeeper, ${opts.workers} workers, ${opts.rate} setData/s for ${opts.seconds} s per observer`);
  const zk = await startZooKeeper({ jvm: 'production' });
  const onSignal = () => void zk.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    await populateCluster(zk.connectString, ROOT, opts.workers);
    const cs = zk.connectString;
    const results = [
      await measure('zkpulse (watch + model)', opts, cs, (r) => startZkpulse(cs, ROOT, opts.workers, r)),
      await measure('raw client data watch (floor)', opts, cs, (r) => startRawFloor(cs, ROOT, opts.workers, r)),
    ];
    report(results, opts);
  } finally {
    process.off('SIGINT', onSignal);
    await zk.stop();
  }
}

function report(results: Measured[], opts: LagOptions): void {
  printTable(
    `Event lag: setData acknowledged → observer reflects that version (${opts.workers} workers, target ${opts.rate}/s, ${opts.seconds} s)`,
    ['observer', 'writes', 'achieved rate', 'p50', 'p99', 'max', 'unseen', 'from send p50', 'from send p99', 'setData ack p50'],
    results.map((m) => {
      const w = m.writes;
      const ackLat: number[] = [];
      for (let i = 0; i < w.ackAt.length; i++) ackLat.push(w.ackAt[i]! - w.sentAt[i]!);
      const rate = w.issueMs > 0 ? ((w.version.length - 1) / w.issueMs) * 1000 : Number.NaN;
      return [
        m.name,
        String(w.version.length - w.errors),
        `${rate.toFixed(0)}/s`,
        fmtMs(percentile(m.fromAck, 50)),
        fmtMs(percentile(m.fromAck, 99)),
        fmtMs(max(m.fromAck)),
        String(m.unseen),
        fmtMs(percentile(m.fromSend, 50)),
        fmtMs(percentile(m.fromSend, 99)),
        fmtMs(percentile(ackLat, 50)),
      ];
    }),
  );
  printTable(
    'Lag from ack by second of the load: p99 (max)',
    ['observer', ...(results[0]?.bySecond ?? []).map((_, i) => `${i}s`)],
    results.map((m) => [m.name, ...m.bySecond.map((b) => `${fmtMs(percentile(b ?? [], 99))} (${fmtMs(max(b ?? []))})`)]),
  );
  const [z, f] = results;
  if (z && f) {
    const r = (p: number) => percentile(z.fromAck, p) - percentile(f.fromAck, p);
    console.log(`\nzkpulse above the floor: p50 +${fmtMs(r(50))}, p99 +${fmtMs(r(99))}`);
  }
}
