/**
 * Every query of every generated dashboard — panels, annotations, the $cluster variable — expanded the
 * way Grafana expands it, returns rows from a real InfluxDB filled by a real Collector run: workers,
 * a master, candidates, tasks and progress written by a plain ZooKeeper client, one worker deleted,
 * a lock with a holder and a waiter, a configuration key created and changed (docs/contract.md §9),
 * and the alerts (ProgressStalled, TaskOrphaned) that the collector's rules raise from that.
 */
import test from 'ava';
import { queryInflux, rows } from '../../collector/influx/query.ts';
import { encodePoint, int, type Point } from '../../collector/influx/line-protocol.ts';
import { buildDashboards, dashboardQueries } from '../../dashboards/index.ts';
import { expandGrafanaQuery } from '../../dashboards/grafana-macros.ts';
import { PlainZk, workerData } from '../support/plain-zk.ts';
import { sharedInfluxDB, sharedZooKeeper, uniqueDatabase, uniqueRoot } from '../support/services.ts';
import { until } from '../support/poll.ts';
import { startTestCollector } from '../support/collector.ts';

const CLUSTER = 'shop.eu'; // a dot: the regex form of $cluster must escape it
const ENSEMBLE = 'zk.main';

/**
 * `zookeeper` points of a 3-server ensemble as the ensemble poller writes them (docs/contract.md §10), two polls
 * a second apart: the Ensemble dashboard's queries need them (this test runs no poller of its own).
 */
async function writeEnsemblePoints(influxUrl: string, now: number): Promise<void> {
  const points: Point[] = [];
  for (const at of [now - 2000, now - 1000]) {
    for (const [server, mode] of [['zk1:2181', 'leader'], ['zk2:2181', 'follower'], ['zk3:2181', 'follower']] as const) {
      const leader = mode === 'leader';
      points.push({
        measurement: 'zookeeper',
        tags: { ensemble: ENSEMBLE, server },
        fields: {
          up: int(1), serving: int(1), mode, avg_latency: 1.5, max_latency: int(20), outstanding_requests: int(0), znode_count: int(40),
          watch_count: int(12), ephemerals_count: int(5), num_alive_connections: int(3), open_file_descriptor_count: int(60),
          max_file_descriptor_count: int(1024), approximate_data_size: int(2048), quorum_size: int(3),
          ...(leader ? { learners: int(2), synced_followers: int(2), pending_syncs: int(0) } : {}),
        },
        time: at,
      });
    }
  }
  const url = new URL(influxUrl);
  const db = url.pathname.replace(/^\//, '');
  const body = points.map((p) => encodePoint(p)).join('\n');
  const res = await fetch(`${url.origin}/write?db=${encodeURIComponent(db)}&precision=ns`, { method: 'POST', body });
  if (res.status !== 204) throw new Error(`writing zookeeper points to ${url.origin}: HTTP ${res.status} ${await res.text()}`);
}

test('every dashboard query returns rows from a collector-filled InfluxDB', async (t) => {
  const root = uniqueRoot(t);
  const influx = `${await sharedInfluxDB()}/${uniqueDatabase()}`;
  const zk = await PlainZk.connect(await sharedZooKeeper());
  t.teardown(() => zk.close());
  for (const dir of ['workers', 'election', 'tasks', 'status', 'assign/w1', 'assign/w2', 'locks/nightly', 'config']) await zk.mkdirp(`${root}/${dir}`);

  // short rule settings, so the stalled and orphaned tasks below raise real alerts within seconds
  const alerts = { evalInterval: '200ms', defaults: { ProgressStalled: { after: '1s' }, TaskOrphaned: { for: '1s' } } };
  const collector = await startTestCollector({ clusters: { [CLUSTER]: root }, influx, instance: 'dash-test', alerts }, { http: false });
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await collector.stop();
  });

  for (const id of ['w1', 'w2', 'w3']) await zk.create(`${root}/workers/${id}`, workerData(id), 'ephemeral');
  await zk.create(`${root}/election/n_`, '{"id":"m1"}', 'sequential');
  await zk.create(`${root}/election/n_`, '{"id":"m2"}', 'sequential');
  await zk.create(`${root}/master`, JSON.stringify({ id: 'm1', since: Date.now() }), 'ephemeral');
  await zk.create(`${root}/tasks/t1`, '{}');
  await zk.create(`${root}/assign/w1/t1`, null);
  await zk.create(`${root}/tasks/t2`, '{}');
  await zk.create(`${root}/assign/w2/t2`, null); // w2 crashes below: t2 is orphaned
  await zk.create(`${root}/status/t1`, JSON.stringify({ worker: 'w1', done: 2, total: 10, state: 'running', message: '', updatedAt: Date.now() }), 'ephemeral');
  await zk.set(`${root}/status/t1`, JSON.stringify({ worker: 'w1', done: 6, total: 10, state: 'running', message: '', updatedAt: Date.now() }));
  await zk.set(`${root}/workers/w1`, workerData('w1', { state: 'busy' }));
  await zk.remove(`${root}/workers/w2`);
  // a lock held by job-1 with job-2 waiting; a configuration key created and changed after the first sync
  await zk.create(`${root}/locks/nightly/lock-`, '{"owner":"job-1"}', 'sequential');
  await zk.create(`${root}/locks/nightly/lock-`, '{"owner":"job-2"}', 'sequential');
  const SECRET = 'postgres://app:s3cret-pw@db/1';
  await zk.create(`${root}/config/db-url`, SECRET);
  await zk.set(`${root}/config/db-url`, `${SECRET}?ssl=1`);

  // t1's progress stays at 6/10 while w1 is up (ProgressStalled); t2 stays with the crashed w2 (TaskOrphaned)
  await until(
    'alert points from the collector',
    async () => rows(await queryInflux(influx, `SELECT "firing" FROM "alert" WHERE "state" = 'firing' GROUP BY "alertname"`)),
    (r) => ['ProgressStalled', 'TaskOrphaned'].every((name) => r.some((p) => p.alertname === name)),
    30_000,
    250,
  );

  await until('the lock in InfluxDB', async () => rows(await queryInflux(influx, `SELECT "holder", "waiters" FROM "lock"`)), (r) => r.some((p) => Number(p.waiters) === 1));
  const changes = await until(
    'ConfigChanged events in InfluxDB',
    async () => rows(await queryInflux(influx, `SELECT "subject", "text" FROM "event" WHERE "kind" = 'ConfigChanged'`)),
    // the final version always arrives; the create may not be an event of its own (a watch reads the latest data)
    (r) => r.some((p) => String(p.text).includes('version 1')),
  );
  t.false(JSON.stringify(changes).includes('s3cret'), 'the configuration data never reaches InfluxDB');

  // event-driven points first, then the 10 s gauge tick (the `collector` measurement's first point)
  await until('a crashed worker in InfluxDB', async () => rows(await queryInflux(influx, `SELECT "up" FROM "worker" WHERE "worker" = 'w2' AND "up" = 0`)), (r) => r.length > 0);
  const [tick] = await until('the first gauge tick', async () => rows(await queryInflux(influx, 'SELECT "events" FROM "collector"')), (r) => r.length > 0, 30_000, 250);
  // stop() writes a last `collector` point and flushes: a second point for the rates, which needs it in
  // a later $__interval (1s) bucket than the tick's — the only wait here is for that second to start
  const nextBucket = Math.floor(Number(tick?.time) / 1000) * 1000 + 1000;
  if (Date.now() < nextBucket) await new Promise((r) => setTimeout(r, nextBucket - Date.now() + 5));
  await collector.stop();
  stopped = true;
  await writeEnsemblePoints(influx, Date.now());

  const ctx = { range: '1h', interval: '1s', variables: { cluster: CLUSTER, ensemble: ENSEMBLE } };
  const queries = Object.entries(buildDashboards()).flatMap(([file, d]) => dashboardQueries(file, d));
  t.true(queries.length >= 25, `${queries.length} queries`);
  const empty: string[] = [];
  for (const q of queries) {
    const sql = expandGrafanaQuery(q.query, ctx);
    t.notRegex(sql, /\$[A-Za-z_{]/, `${q.dashboard} / ${q.where}: unexpanded variable`);
    const result = rows(await queryInflux(influx, sql));
    if (result.length === 0) empty.push(`${q.dashboard} / ${q.where}: ${sql}`);
    if (q.where === 'variable: cluster') t.true(result.some((r) => r.value === CLUSTER));
    if (q.where === 'Master now') t.is(result[0]?.master, 'm1');
    if (q.where === 'variable: ensemble') t.true(result.some((r) => r.value === ENSEMBLE));
  }
  t.deepEqual(empty, [], 'queries without rows');
});
