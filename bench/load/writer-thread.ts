/**
 * Worker thread of `bench load`: plays N workers that each rewrite their own R/workers/<id> every
 * `heartbeatMs` (round robin, paced by a timer: N × 1000 / heartbeatMs setData per second), with its own
 * ZooKeeper session, for `seconds` (or until the parent posts a message: then the records stop at the last send).
 * Posts back per write: worker index, new version and mtime, ack time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import zookeeper from 'node-zookeeper-client';
import { absNow } from '../support/clock.ts';
import { benchWorkerData, workerId } from '../support/cluster-data.ts';

export interface LoadWriterParams {
  connectString: string;
  root: string;
  workers: number;
  heartbeatMs: number;
  seconds: number;
  /** the first version each worker's beats continue from (the beat counter in the data) */
  firstBeat: number;
}

export interface LoadWriterResult {
  worker: Int32Array;
  version: Int32Array;
  mtime: Float64Array;
  ackAt: Float64Array;
  errors: number;
  /** wall time of the first and last send */
  startedAt: number;
  endedAt: number;
}

const p = workerData as LoadWriterParams;
const rate = (p.workers * 1000) / p.heartbeatMs;
const total = Math.round(rate * p.seconds);
const out: LoadWriterResult = {
  worker: new Int32Array(total),
  version: new Int32Array(total).fill(-1),
  mtime: new Float64Array(total),
  ackAt: new Float64Array(total),
  errors: 0,
  startedAt: 0,
  endedAt: 0,
};

const client = zookeeper.createClient(p.connectString, { sessionTimeout: 10_000 });
await new Promise<void>((resolve) => {
  client.once('connected', () => resolve());
  client.connect();
});

/** docs/contract.md §2 data advertising the real heartbeat period (HeartbeatStale judges by it) */
function workerJson(w: number, beat: number): string {
  return JSON.stringify({ ...(JSON.parse(benchWorkerData(workerId(w), beat)) as object), heartbeatMs: p.heartbeatMs });
}

let issued = 0;
let acked = 0;
let stopRequested = false;
parentPort?.once('message', () => (stopRequested = true));
function write(n: number): void {
  const w = n % p.workers;
  const beat = p.firstBeat + Math.floor(n / p.workers);
  out.worker[n] = w;
  client.setData(`${p.root}/workers/${workerId(w)}`, Buffer.from(workerJson(w, beat)), -1, (err, stat) => {
    out.ackAt[n] = absNow();
    if (err) out.errors++;
    else {
      out.version[n] = stat.version;
      out.mtime[n] = Number(stat.mtime.readBigInt64BE());
    }
    acked++;
  });
}

out.startedAt = absNow();
await new Promise<void>((resolve) => {
  const tick = () => {
    const due = Math.min(total, Math.floor(((absNow() - out.startedAt) / 1000) * rate) + 1);
    while (issued < due) write(issued++);
    if (issued >= total || stopRequested) return resolve();
    setTimeout(tick, 5);
  };
  tick();
});
out.endedAt = absNow();
// stopped early: acks that have not come 5 s later are left out (version -1) rather than waited for forever
while (acked < issued && !(stopRequested && absNow() - out.endedAt > 5_000)) await new Promise((r) => setTimeout(r, 5));
client.close();
if (issued < total) {
  out.worker = out.worker.slice(0, issued);
  out.version = out.version.slice(0, issued);
  out.mtime = out.mtime.slice(0, issued);
  out.ackAt = out.ackAt.slice(0, issued);
}
parentPort?.postMessage(out);
