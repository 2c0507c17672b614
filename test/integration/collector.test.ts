/**
 * The whole collector against a real ZooKeeper and a real InfluxDB: workers written by a plain
 * ZooKeeper client (not zkpulse's agent) show in the HTTP API and in InfluxDB; a deleted one shows
 * down; garbage and oversized data are counted, never fatal; a hostile host cannot inject a record.
 */
import test from 'ava';
import { startTestCollector } from '../support/collector.ts';
import { queryInflux, rows } from '../../collector/influx/query.ts';
import { sharedInfluxDB, sharedZooKeeper, uniqueDatabase, uniqueRoot } from '../support/services.ts';
import { PlainZk, workerData } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';

interface ClusterDetail {
  master: { id: string; since: number; epoch: string } | null;
  candidates: unknown[];
  workers: { id: string; host: string | null; up: boolean; state: string; lastBeat: number; beatAgeMs: number }[];
  tasks: { id: string; worker: string | null; done: number | null; total: number | null; state: string }[];
  invalidCount: number;
}

async function startCollector(root: string, database: string) {
  return startTestCollector({ clusters: { app: root }, influx: `${await sharedInfluxDB()}/${database}`, maxDataBytes: 4096 });
}

const getJson = async <T>(url: string): Promise<T> => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as T;
};

test('workers of a plain client appear in the API and InfluxDB; a deleted one shows down; bad data is counted', async (t) => {
  const root = uniqueRoot(t);
  const database = uniqueDatabase();
  const zk = await PlainZk.connect(await sharedZooKeeper());
  await zk.mkdirp(`${root}/workers`);
  await zk.mkdirp(`${root}/election`);
  await zk.mkdirp(`${root}/tasks`);
  await zk.mkdirp(`${root}/status`);
  const collector = await startCollector(root, database);
  t.teardown(async () => {
    await collector.stop();
    await zk.close();
  });
  const api = `${collector.url}/api/clusters/app`;

  for (const id of ['w1', 'w2', 'w3']) await zk.create(`${root}/workers/${id}`, workerData(id), 'ephemeral');
  await zk.create(`${root}/election/n_`, '{"id":"m1"}', 'sequential');
  await zk.create(`${root}/master`, JSON.stringify({ id: 'm1', since: 1_700_000_000_000 }), 'ephemeral');
  await zk.create(`${root}/tasks/t1`, '{"url":"x"}');
  await zk.mkdirp(`${root}/assign/w1`);
  await zk.create(`${root}/assign/w1/t1`, null);
  await zk.create(`${root}/status/t1`, JSON.stringify({ worker: 'w1', done: 3, total: 10, state: 'running', message: 'ok', updatedAt: 1 }), 'ephemeral');
  // garbage, wrong shape and over the data limit: tracked and counted, nothing crashes
  await zk.create(`${root}/workers/garbage`, Buffer.from([0xff, 0xfe, 0x00]), 'ephemeral');
  await zk.create(`${root}/workers/shape`, '{"id":"shape","heartbeatMs":"soon"}', 'ephemeral');
  await zk.create(`${root}/workers/huge`, Buffer.alloc(1024 * 1024 - 4096, 0x7b), 'ephemeral');
  // a hostile host: tries to end the line-protocol record and start another one
  await zk.create(`${root}/workers/evil`, workerData('evil', { host: 'x\nworker,cluster=app,worker=forged up=1i' }), 'ephemeral');

  const detail = await until('all workers and the task in the API', () => getJson<ClusterDetail>(api), (d) => d.workers.length === 7 && d.tasks.length === 1 && d.master !== null);
  t.is(detail.master?.id, 'm1');
  t.regex(detail.master?.epoch ?? '', /^\d+$/);
  t.is(detail.candidates.length, 1);
  t.deepEqual(detail.tasks[0], { ...detail.tasks[0], id: 't1', worker: 'w1', done: 3, total: 10, state: 'running' });
  t.true(detail.workers.every((w) => w.up));
  t.is(detail.workers.find((w) => w.id === 'w1')?.host, 'host-w1');
  t.is(detail.invalidCount, 3);

  // a deleted worker shows down, the others stay up
  await zk.remove(`${root}/workers/w2`);
  const after = await until('w2 down', () => getJson<ClusterDetail>(api), (d) => d.workers.find((w) => w.id === 'w2')?.up === false);
  t.deepEqual(after.workers.filter((w) => !w.up).map((w) => w.id), ['w2']);

  const summary = await getJson<{ name: string; root: string; master: string | null; workersUp: number }[]>(`${collector.url}/api/clusters`);
  t.like(summary[0], { name: 'app', root, master: 'm1', workersUp: 6 });

  // InfluxDB: every worker up, then w2 down; the forged worker never appears
  const influx = `${await sharedInfluxDB()}/${database}`;
  const workers = await until(
    'worker points in InfluxDB',
    async () => rows(await queryInflux(influx, `SELECT last("up") AS up FROM "worker" WHERE "cluster" = 'app' GROUP BY "worker"`)),
    (r) => r.length >= 7 && r.some((p) => p.worker === 'w2' && p.up === 0),
  );
  t.deepEqual(workers.map((r) => r.worker).sort(), ['evil', 'garbage', 'huge', 'shape', 'w1', 'w2', 'w3']);
  const events = await until(
    'event points in InfluxDB',
    async () => rows(await queryInflux(influx, `SELECT count("text") FROM "event" WHERE "cluster" = 'app' GROUP BY "kind"`)),
    (r) => r.some((p) => p.kind === 'WorkerLeft') && r.some((p) => p.kind === 'DataInvalid') && r.some((p) => p.kind === 'MasterElected'),
  );
  t.is(events.find((r) => r.kind === 'WorkerJoined')?.count, 7);
  const master = await until('master point', async () => rows(await queryInflux(influx, `SELECT "id", "epoch" FROM "master" WHERE "cluster" = 'app'`)), (r) => r.length === 1);
  t.is(master[0]?.id, 'm1');
  t.is(String(master[0]?.epoch), String(detail.master?.epoch));
  const progress = await until('progress point', async () => rows(await queryInflux(influx, `SELECT "done", "total", "ratio" FROM "progress" WHERE "task" = 't1'`)), (r) => r.length >= 1);
  t.like(progress[0], { done: 3, total: 10, ratio: 0.3 });

  // the API stays healthy
  t.is((await fetch(`${collector.url}/healthz`)).status, 200);
  const metrics = await (await fetch(`${collector.url}/metrics`)).text();
  t.regex(metrics, /zkpulse_workers_up\{cluster="app"\} 6/);
});
