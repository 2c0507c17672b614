/**
 * Clusters on three ensembles (issue 18, docs/contract.md §10) against real ZooKeepers: the suite's one
 * (`default`) and two more standalone servers (B, C). One collector keeps a session per ensemble and syncs
 * every cluster; killing B blinds only B's clusters and raises CollectorDisconnected for them alone (label
 * `ensemble=B`, the ensemble poll's `ensemble_state`), while A and C keep flowing; B back resolves it. Then the
 * watched set changes at run time (setWatched), and the InfluxDB points carry the ensemble tag.
 */
import test from 'ava';
import { startZooKeeper, type RunningZooKeeper } from '../../stack/index.ts';
import { queryInflux, rows } from '../../collector/influx/query.ts';
import { startTestCollector } from '../support/collector.ts';
import { until } from '../support/poll.ts';
import { connectPlain } from '../support/plain-zk.ts';
import { sharedInfluxDB, sharedZooKeeper, uniqueDatabase, uniqueRoot } from '../support/services.ts';
import type { Collector } from '../../server/collector.ts';
import type { PlainZk } from '../../stack/plain-zk.ts';

const SESSION_MS = 4000;
const POLL_MS = 1000;
/** a disconnect is seen within the probe (≤ 5 s), CollectorDisconnected's `for` (1 s), an evaluation; a busy machine adds much */
const ALERT_MS = 60_000;
/** a JVM start and a sync on a loaded 2-core machine */
const SYNC_MS = 60_000;

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
}

const apiAlerts = async (url: string): Promise<ApiAlert[]> => (await (await fetch(`${url}/api/alerts`)).json()) as ApiAlert[];
const disconnected = (alerts: ApiAlert[]) => alerts.filter((a) => a.labels.alertname === 'CollectorDisconnected' && a.state !== 'resolved');
const tasksOf = (c: Collector, cluster: string) => [...(c.model(cluster)?.tasks.keys() ?? [])].sort();

async function addTask(zk: PlainZk, root: string, task: string): Promise<void> {
  await zk.mkdirp(`${root}/tasks`);
  await zk.create(`${root}/tasks/${task}`, '{}');
}

test('one collector, clusters on three ensembles: per-ensemble sessions, blindness, CollectorDisconnected, setWatched and the ensemble tag', async (t) => {
  const servers: RunningZooKeeper[] = await Promise.all([startZooKeeper(), startZooKeeper()]);
  t.teardown(() => Promise.all(servers.map((s) => s.stop())).then(() => undefined));
  const [b, c] = servers as [RunningZooKeeper, RunningZooKeeper];
  const zkA = await connectPlain(t, await sharedZooKeeper());
  const zkB = await connectPlain(t, b.connectString);
  const zkC = await connectPlain(t, c.connectString);
  const roots = { a1: uniqueRoot(t), b1: uniqueRoot(t), b2: uniqueRoot(t), c1: uniqueRoot(t) };
  await addTask(zkA, roots.a1, 't1');
  await addTask(zkB, roots.b1, 't1');
  await addTask(zkB, roots.b2, 't1');
  await addTask(zkC, roots.c1, 't1');
  const database = uniqueDatabase();
  const influx = `${await sharedInfluxDB()}/${database}`;

  const collector = await startTestCollector({
    // the default probe settings: a kill closes the socket, seen at once; a tighter probe on a loaded machine
    // would also time out on the servers that live
    sessionTimeout: SESSION_MS,
    ensembles: { B: b.connectString, C: c.connectString },
    clusters: {
      a1: roots.a1,
      b1: { root: roots.b1, ensemble: 'B' },
      b2: { root: roots.b2, ensemble: 'B' },
      c1: { root: roots.c1, ensemble: 'C' },
    },
    influx,
    ensemblePollMs: POLL_MS,
    adminPort: false,
    alerts: { evalInterval: '200ms', statePath: `/zkpulse-test-state${uniqueRoot(t)}`, defaults: { CollectorDisconnected: { for: '1000ms' } } },
  });
  t.teardown(() => collector.stop());
  const url = collector.url as string;
  const data = collector.data;

  // every cluster synced, each through its own ensemble's session
  await collector.whenSynced();
  t.deepEqual(['a1', 'b1', 'b2', 'c1'].map((n) => tasksOf(collector, n).join()), ['t1', 't1', 't1', 't1']);
  t.deepEqual(data.ensemblesInUse(), ['default', 'B', 'C']);
  t.not(data.sessionOf('B'), data.session);
  const summary = (await (await fetch(`${url}/api/clusters`)).json()) as { name: string; ensemble: string }[];
  t.deepEqual(summary.map((s) => `${s.name}@${s.ensemble}`), ['a1@default', 'b1@B', 'b2@B', 'c1@C']);
  const detail = (await (await fetch(`${url}/api/clusters/b2`)).json()) as { ensemble: string };
  t.is(detail.ensemble, 'B');

  // B dies: only b1 and b2 go blind and get CollectorDisconnected, labelled and explained by B's poll
  await b.kill();
  const cds = await until('CollectorDisconnected of B\'s clusters with B\'s state', () => apiAlerts(url), (alerts) => {
    const live = disconnected(alerts).filter((a) => a.state === 'firing');
    return live.length === 2 && live.every((a) => a.annotations.ensemble_state !== undefined);
  }, ALERT_MS);
  t.deepEqual(disconnected(cds).map((a) => `${a.labels.cluster}:${a.labels.ensemble}:${a.annotations.ensemble}`).sort(), ['b1:B:B', 'b2:B:B']);
  t.deepEqual(['a1', 'b1', 'b2', 'c1'].map((n) => collector.model(n)?.blind), [false, true, true, false]);
  // A and C keep flowing
  await addTask(zkA, roots.a1, 't2');
  await addTask(zkC, roots.c1, 't2');
  await until('a1 and c1 to see t2', async () => [tasksOf(collector, 'a1').join(), tasksOf(collector, 'c1').join()], (v) => v.every((x) => x === 't1,t2'), SYNC_MS);
  t.deepEqual(disconnected(await apiAlerts(url)).map((a) => a.labels.cluster).sort(), ['b1', 'b2'], 'still only B\'s clusters');

  // B back: its clusters resync and the alerts resolve
  await b.start();
  await until('B\'s clusters seen again', async () => ['b1', 'b2'].map((n) => collector.model(n)?.blind === false && collector.model(n)?.synced === true), (v) => v.every(Boolean), SYNC_MS);
  await until('CollectorDisconnected resolved', () => apiAlerts(url), (alerts) => disconnected(alerts).length === 0, ALERT_MS);

  // the watched set changes at run time: c1 (C's last cluster) goes, and C's session with it
  data.setWatched(new Set(['a1', 'b1', 'b2']));
  t.is(collector.model('c1'), undefined);
  t.is(data.sessionOf('C'), undefined);
  t.deepEqual([...data.watched()].sort(), ['a1', 'b1', 'b2']);
  // b1 goes too, B stays open for b2
  data.setWatched(new Set(['a1', 'b2']));
  t.is(collector.model('b1'), undefined);
  t.truthy(data.sessionOf('B'));
  data.setWatched(new Set(['a1', 'b2'])); // idempotent
  t.deepEqual(data.ensemblesInUse(), ['default', 'B']);
  // c1 back: a new session to C, a sync, its model with what is there now
  const reopenedAt = Date.now();
  data.setWatched(new Set(['a1', 'b1', 'b2', 'c1']));
  t.truthy(data.sessionOf('C'));
  await data.whenSynced();
  t.deepEqual([tasksOf(collector, 'c1').join(), tasksOf(collector, 'b1').join()], ['t1,t2', 't1']);
  t.true(collector.model('c1')?.synced);
  // a session opened at run time is disconnected until it connects: a CollectorDisconnected of c1 (pending, or
  // firing on a slow machine) counts from the reopening, never from C's close or the collector's start
  const seen: ApiAlert[] = [];
  await until('no CollectorDisconnected after C reopened', async () => {
    const live = disconnected(await apiAlerts(url));
    seen.push(...live);
    return live;
  }, (live) => live.length === 0, ALERT_MS);
  t.deepEqual([...new Set(seen.map((a) => a.labels.cluster))].filter((n) => n !== 'c1'), [], 'only the reopened cluster waits for its session');
  for (const a of seen) t.true(Date.parse(a.annotations.since ?? '') >= reopenedAt - 1000, `since ${a.annotations.since} is the reopening`);

  // InfluxDB: the points of B's and C's clusters carry their ensemble, a1's none
  const tagged = await until(
    'cluster points with the ensemble tag',
    async () => rows(await queryInflux(influx, `SELECT last("tasks") AS tasks FROM "cluster" GROUP BY "cluster", "ensemble"`)),
    (r) => ['a1', 'b1', 'b2', 'c1'].every((n) => r.some((x) => x.cluster === n)),
    SYNC_MS,
  );
  t.deepEqual(
    [...new Set(tagged.map((x) => `${String(x.cluster)}:${String(x.ensemble)}`))].sort(),
    ['a1:', 'b1:B', 'b2:B', 'c1:C'],
  );
});
