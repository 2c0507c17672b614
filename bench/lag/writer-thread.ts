/**
 * Worker thread: rewrites R/workers/w<i> at a paced rate (round robin over the workers) with its
 * own ZooKeeper session, and posts back per write: worker index, new version, sent and ack times
 * (absNow(), comparable with the main thread's clock).
 */
import { parentPort, workerData } from 'node:worker_threads';
import zookeeper from 'node-zookeeper-client';
import { absNow } from '../support/clock.ts';
import { benchWorkerData, workerId } from '../support/cluster-data.ts';

export interface WriterParams {
  connectString: string;
  root: string;
  workers: number;
  rate: number;
  seconds: number;
}

export interface WriterResult {
  /** per write, in issue order */
  worker: Int32Array;
  version: Int32Array;
  sentAt: Float64Array;
  ackAt: Float64Array;
  errors: number;
  /** from the first send to the last send */
  issueMs: number;
}

const p = workerData as WriterParams;
const total = p.rate * p.seconds;
const result: WriterResult = {
  worker: new Int32Array(total),
  version: new Int32Array(total).fill(-1),
  sentAt: new Float64Array(total),
  ackAt: new Float64Array(total),
  errors: 0,
  issueMs: 0,
};

const client = zookeeper.createClient(p.connectString, { sessionTimeout: 10_000 });
await new Promise<void>((resolve) => {
  client.once('connected', () => resolve());
  client.connect();
});

let issued = 0;
let acked = 0;
const beats = new Int32Array(p.workers);

function write(n: number): void {
  const w = n % p.workers;
  const data = Buffer.from(benchWorkerData(workerId(w), ++beats[w]!));
  result.worker[n] = w;
  result.sentAt[n] = absNow();
  client.setData(`${p.root}/workers/${workerId(w)}`, data, -1, (err, stat) => {
    result.ackAt[n] = absNow();
    if (err) result.errors++;
    else result.version[n] = stat.version;
    acked++;
  });
}

const start = absNow();
await new Promise<void>((resolve) => {
  // Paced by a timer: every tick issues what is due by now, so a late tick catches up.
  const tick = () => {
    const due = Math.min(total, Math.floor(((absNow() - start) / 1000) * p.rate) + 1);
    while (issued < due) write(issued++);
    if (issued >= total) return resolve();
    setTimeout(tick, 2);
  };
  tick();
});
result.issueMs = (result.sentAt[total - 1] ?? start) - (result.sentAt[0] ?? start);
while (acked < issued) await new Promise((r) => setTimeout(r, 5));
client.close();
parentPort?.postMessage(result);
