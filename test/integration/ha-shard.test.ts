/**
 * haMode shard on real processes and a real ZooKeeper: three `zkpulse collect --ha-mode shard` share
 * 12 clusters. Each unit has exactly one owner node, held by the collector that says it acts for it;
 * kill -9 of one moves its units within the session timeout + 2 s, and a worker that crashes in one of
 * them during the move is notified exactly once (by the new owner, from its warm model); a collector
 * joining takes units over only once ready, and no notice is repeated.
 */
import test from 'ava';
import { startRecordingReceiver } from '../support/recording-receiver.ts';
import { spawnCollector as spawnMember, workerLost, writeGroupConfig, type Proc } from '../support/ha-group.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { childrenOf, PlainZk, workerData } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';
import { freePort } from '../../stack/index.ts';

const SESSION_MS = 3000;
const CLUSTERS = Array.from({ length: 12 }, (_, i) => `app${i}`);

interface CollectorApi {
  instance: string;
  haMode: string;
  ready: boolean;
  owned: string[];
  watched: string[];
  members: { id: string; ready: boolean; http: string | null }[];
  elsewhere: { name: string; owner: string | null; http: string | null }[];
}

function spawnCollector(name: string, port: number, configFile: string): Proc {
  return spawnMember(name, port, configFile, ['--ha-mode', 'shard']);
}

async function api(p: Proc): Promise<CollectorApi> {
  return (await (await fetch(`${p.url}/api/collector`)).json()) as CollectorApi;
}

async function ownerNodes(zk: PlainZk, haPath: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const unit of await childrenOf(zk, `${haPath}/owners`)) {
    const data = await new Promise<Buffer | null>((resolve) => zk.client.getData(`${haPath}/owners/${unit}`, (err, d) => resolve(err ? null : d)));
    if (data) out.set(unit, (JSON.parse(data.toString()) as { id: string }).id);
  }
  return out;
}

/** every unit acted for by exactly one of `procs`, which holds its owner node */
async function settled(zk: PlainZk, haPath: string, procs: Proc[], units: string[], withElsewhere = true) {
  const apis = await Promise.all(procs.map(api));
  const owners = await ownerNodes(zk, haPath);
  const ok =
    apis.every((a) => a.ready) &&
    units.every((u) => {
      const actors = apis.filter((a) => a.owned.includes(u));
      return actors.length === 1 && owners.get(u) === actors[0]!.instance;
    }) &&
    // each one's API says where the others' clusters are (its owners listing lags the claims by up to ~1 s)
    (!withElsewhere || apis.every((a) => a.elsewhere.every((e) => e.owner === (owners.get(e.name) ?? null))));
  return { ok, apis, owners };
}

test.serial('haMode shard: one owner per unit; kill -9 moves units within session timeout + 2 s with every notice exactly once; a joiner takes units without repeats', async (t) => {
  const zk = await sharedZooKeeper();
  const base = uniqueRoot(t);
  const haPath = `/zkpulse-test-shard${uniqueRoot()}`;
  const statePath = `/zkpulse-test-state${uniqueRoot()}`;
  const receiver = await startRecordingReceiver();
  t.teardown(() => receiver.close());
  const configFile = writeGroupConfig(t, { zk, sessionTimeout: SESSION_MS, clusters: Object.fromEntries(CLUSTERS.map((c) => [c, `${base}/${c}`])), webhook: receiver.url, haPath, statePath });
  const units = [...CLUSTERS, 'ensemble:default'];

  const plain = await PlainZk.connect(zk);
  t.teardown(() => plain.close());
  for (const c of CLUSTERS) await plain.mkdirp(`${base}/${c}/workers`);

  const procs = await Promise.all(['c1', 'c2', 'c3'].map(async (n) => spawnCollector(n, await freePort(), configFile)));
  const all = [...procs];
  t.teardown(() => all.forEach((p) => p.child.kill('SIGKILL')));
  t.teardown(() => {
    if (!t.passed) for (const p of all) t.log(`--- ${p.name}\n${p.output.join('').slice(-12000)}`);
  });

  // every unit exactly one owner node, held by the collector acting for it; the API says where the rest is
  const first = await until('3 collectors share the units', () => settled(plain, haPath, procs, units), (s) => s.ok, 60_000, 200);
  for (const a of first.apis) {
    t.true(a.owned.length > 0, `${a.instance} owns some units`);
    t.is(a.haMode, 'shard');
    t.is(a.members.length, 3);
    for (const e of a.elsewhere) t.is(e.owner, first.owners.get(e.name) ?? null);
  }
  const victim = procs[0]!;
  const victimApi = first.apis.find((a) => a.instance === victim.name)!;
  const moving = victimApi.owned.filter((u) => CLUSTERS.includes(u));
  t.true(moving.length > 0, 'the victim owns a cluster');
  const listed = (await (await fetch(`${victim.url}/api/clusters`)).json()) as { name: string }[];
  t.deepEqual(listed.map((c) => c.name).sort(), [...moving].sort(), '/api/clusters lists only owned clusters');
  const other = first.apis.find((a) => a.instance !== victim.name)!;
  const away = await fetch(`${victim.url}/api/clusters/${other.owned.find((u) => CLUSTERS.includes(u))}`);
  t.is(away.status, 404);
  t.is(((await away.json()) as { owner: string }).owner, other.instance);

  // a worker in one of the victim's clusters, seen by its owner
  const cluster = moving[0]!;
  const worker = await PlainZk.connect(zk, SESSION_MS);
  await worker.create(`${base}/${cluster}/workers/w1`, workerData('w1'), 'ephemeral');
  await until(
    'the owner sees w1 up',
    async () => ((await (await fetch(`${victim.url}/api/clusters/${cluster}`)).json()) as { workers: { id: string; up: boolean }[] }).workers,
    (ws) => ws.some((w) => w.id === 'w1' && w.up),
  );

  // kill -9 the owner, and crash the worker while its cluster has no owner
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  await worker.close();
  const survivors = procs.slice(1);
  const moved = await until('the victim\'s units move', () => settled(plain, haPath, survivors, units, false), (s) => s.ok, SESSION_MS + 20_000, 50);
  const took = Date.now() - killedAt;
  t.true(took <= SESSION_MS + 2000, `units moved in ${took} ms`);
  await until('the survivors\' APIs say where every cluster is', () => settled(plain, haPath, survivors, units), (s) => s.ok, 20_000, 200);
  await until('WorkerLost firing at the receiver', async () => workerLost(receiver, 'w1', 'firing'), (r) => r.length > 0, 20_000, 50);
  const newOwner = moved.apis.find((a) => a.owned.includes(cluster))!;
  t.log(`${cluster} moved to ${newOwner.instance} in ${took} ms`);

  // a fourth collector joins: units move to it once it is ready; nothing is sent again
  const joiner = spawnCollector('c4', await freePort(), configFile);
  all.push(joiner);
  const four = [...survivors, joiner];
  const after = await until('the joiner takes its share', () => settled(plain, haPath, four, units), (s) => s.ok && s.apis.some((a) => a.instance === 'c4' && a.owned.length > 0), 60_000, 200);
  t.true(after.apis.find((a) => a.instance === 'c4')!.owned.length > 0);
  // let the new owners' notifiers run a group interval past the move, then stop all gracefully
  const exits = four.map((p) => new Promise((resolve) => p.child.once('exit', resolve)));
  await new Promise((resolve) => setTimeout(resolve, 3000));
  for (const p of four) p.child.kill('SIGTERM');
  await Promise.all(exits);
  t.is(workerLost(receiver, 'w1', 'firing').length, 1, 'one WorkerLost notice for one crash, across a kill -9 and a join');
});
