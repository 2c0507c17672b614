/**
 * Drill 9 (issue 18, docs/ha.md "Shard mode"): 3 ensembles, 60 clusters of 50 workers, 4 `zkpulse collect`
 * with `haMode: shard` sharing them through ZooKeeper. In the middle of a crash storm (one worker of each of 20
 * clusters crashes) the collector owning the most of those clusters is killed with -9. Every WorkerLost must be
 * notified exactly once, within the session timeout + 2 s of the crash, by the collector owning its cluster
 * then; the killed one comes back, clusters rebalance onto it, and no notice is repeated. At every sampled
 * moment each cluster has at most one owner node, and outside the moves exactly one, held by a live collector.
 */
import { startZooKeeper, type RunningZooKeeper } from '../../stack/index.ts';
import { PlainZk } from '../../stack/plain-zk.ts';
import type { Drill } from '../types.ts';
import { Fleet, VICTIM, type FleetCluster } from '../support/fleet.ts';
import { inScene, type RunningCollector, type Scene } from '../support/scene.ts';
import { delay, until } from '../support/until.ts';

const SESSION_MS = 4_000;
const CLUSTERS = 60;
const WORKERS = 50;
const COLLECTORS = 4;
const STORM = 20;
/** a quiet window in which a repeated notice would show (absence cannot be awaited) */
const QUIET_MS = 5_000;

interface CollectorInfo {
  instance: string;
  owned?: string[];
  watched?: string[];
  members?: { id: string; ready: boolean }[];
}

interface Member {
  name: string;
  collector: RunningCollector;
  alive: boolean;
}

async function info(m: Member): Promise<CollectorInfo> {
  const res = await fetch(`${m.collector.url}/api/collector`);
  if (!res.ok) throw new Error(`GET ${m.collector.url}/api/collector: ${res.status}`);
  return (await res.json()) as CollectorInfo;
}

const clustersOf = (units: readonly string[] | undefined): string[] => (units ?? []).filter((u) => !u.startsWith('ensemble:'));

/** The owner node of every cluster, read from ZooKeeper: cluster → the instance holding it (absent: none). */
async function ownerNodes(zk: PlainZk, haPath: string): Promise<Map<string, string>> {
  const dir = `${haPath}/owners`;
  const children = await new Promise<string[]>((resolve, reject) =>
    zk.client.getChildren(dir, (err, names) => (err ? ((err as { name?: string }).name === 'NO_NODE' ? resolve([]) : reject(err)) : resolve(names ?? []))),
  );
  const out = new Map<string, string>();
  await Promise.all(
    children.map(
      (unit) =>
        new Promise<void>((resolve) =>
          zk.client.getData(`${dir}/${unit}`, (err, data) => {
            // gone between the list and the read: a move in progress, no owner at this moment
            if (!err && data) {
              try {
                out.set(decodeURIComponent(unit), String((JSON.parse(data.toString('utf8')) as { id?: unknown }).id));
              } catch {
                out.set(decodeURIComponent(unit), '?');
              }
            }
            resolve();
          }),
        ),
    ),
  );
  return out;
}

/** `cluster/worker status` of every WorkerLost received, with when and from which collector (externalURL). */
function workerLostNotices(scene: Scene): { line: string; cluster: string; at: number; from: string }[] {
  const out: { line: string; cluster: string; at: number; from: string }[] = [];
  for (const r of scene.receiver.requests) {
    const body = r.json as { externalURL?: string; alerts?: { status: string; labels: Record<string, string> }[] } | null;
    for (const a of body?.alerts ?? []) {
      const cluster = a.labels.cluster ?? '?';
      out.push({ line: `${a.labels.alertname}[${cluster}/${a.labels.worker ?? ''}] ${a.status}`, cluster, at: r.at, from: body?.externalURL ?? '' });
    }
  }
  return out;
}

export const shardStorm: Drill = {
  id: 'shard-storm',
  fault: `collector kill -9 during a crash storm, ${COLLECTORS} collectors sharing ${CLUSTERS} clusters on 3 ensembles (--ha-mode shard)`,
  run: ({ log }) =>
    inScene(log, async (scene) => {
      // tickTime 500: ZooKeeper ends sessions at tick boundaries, so with its default 2 s tick a dead collector's
      // session (and owner nodes) would go up to 2 s after its timeout, the whole margin the drill allows
      const servers: RunningZooKeeper[] = await Promise.all([0, 1, 2].map(() => startZooKeeper({ tickTime: 500, minSessionTimeout: 1000 })));
      for (const s of servers) scene.defer(() => s.stop());
      const ensembleNames = ['default', 'b', 'c'];
      const clusters: FleetCluster[] = Array.from({ length: CLUSTERS }, (_, i) => ({
        name: `c${String(i).padStart(2, '0')}`,
        root: `/drill/shard/c${String(i).padStart(2, '0')}`,
        ensemble: ensembleNames[i % 3]!,
        connect: servers[i % 3]!.connectString,
      }));
      const fleet = await Fleet.start({ clusters, workersPerCluster: WORKERS, heartbeatMs: 30_000, beatEveryMs: 10_000, sessionTimeoutMs: 30_000 });
      scene.defer(() => fleet.stop());
      log(`${CLUSTERS} clusters × ${WORKERS} workers on 3 ensembles`);

      await scene.startReceiver();
      const haPath = `/zkpulse-drill-shard/${process.pid}-${Date.now().toString(36)}`;
      const config = scene.writeConfig({
        zk: servers[0]!.connectString,
        root: '/unused',
        sessionTimeout: SESSION_MS,
        webhook: scene.receiver.url,
        extra: {
          ha: true,
          haMode: 'shard',
          haPath,
          ensembles: { b: servers[1]!.connectString, c: servers[2]!.connectString },
          clusters: Object.fromEntries(clusters.map((c) => [c.name, c.ensemble === 'default' ? { root: c.root } : { root: c.root, ensemble: c.ensemble }])),
        },
      });
      const members: Member[] = [];
      for (let i = 1; i <= COLLECTORS; i++) {
        const name = `collector-${i}`;
        members.push({ name, collector: await scene.startCollector(name, config), alive: true });
      }

      const zk = await PlainZk.connect(servers[0]!.connectString, 10_000);
      scene.defer(() => zk.close());
      // the sampler: the owner node of every cluster, every 200 ms. A node has one holder by construction; what
      // it tells is how long a cluster had none (a move) and that only members of the group ever hold one.
      let latest = new Map<string, string>();
      let samples = 0;
      let sampling = true;
      const lastOwned = new Map<string, number>();
      let longestGap = 0;
      const strangers = new Set<string>();
      const sampler = (async () => {
        while (sampling) {
          latest = await ownerNodes(zk, haPath).catch(() => latest);
          const now = Date.now();
          samples++;
          for (const c of clusters) {
            const owner = latest.get(c.name);
            if (owner !== undefined) {
              if (lastOwned.has(c.name)) longestGap = Math.max(longestGap, now - lastOwned.get(c.name)!);
              lastOwned.set(c.name, now);
              if (!members.some((m) => m.name === owner)) strangers.add(owner);
            }
          }
          await delay(200);
        }
      })();
      scene.defer(async () => {
        sampling = false;
        await sampler;
      });

      const live = () => members.filter((m) => m.alive);
      /** every cluster owned by exactly one live collector, its owner node held by that collector, all members ready */
      const untilBalanced = (what: string, ms: number) =>
        until(
          what,
          async () => {
            const infos = await Promise.all(live().map(async (m) => ({ m, i: await info(m) })));
            const owners = await ownerNodes(zk, haPath);
            return { infos, owners };
          },
          ({ infos, owners }) => {
            const claimed = infos.flatMap(({ i }) => clustersOf(i.owned));
            const allReady = infos.every(({ i }) => (i.members ?? []).length === infos.length && (i.members ?? []).every((x) => x.ready));
            return (
              allReady &&
              claimed.length === CLUSTERS &&
              new Set(claimed).size === CLUSTERS &&
              infos.every(({ m, i }) => clustersOf(i.owned).every((c) => owners.get(c) === m.name))
            );
          },
          ms,
          250,
        );

      const first = await untilBalanced(`all ${CLUSTERS} clusters owned once by the ${COLLECTORS} collectors`, 120_000);
      const share = first.infos.map(({ m, i }) => `${m.name} owns ${clustersOf(i.owned).length}, watches ${clustersOf(i.watched).length}`);
      log(share.join('; '));
      scene.check(true, `every cluster has exactly one owner node, held by the collector acting for it (${share.join('; ')})`);
      scene.check(
        first.infos.every(({ i }) => clustersOf(i.watched).length < CLUSTERS),
        'no collector watches every cluster: each keeps only what it owns and what it takes over next',
        () => JSON.stringify(first.infos.map(({ i }) => clustersOf(i.watched).length)),
      );

      // the storm: the collector owning the most clusters dies among the crashes
      const byOwner = new Map<string, string[]>();
      for (const { m, i } of first.infos) byOwner.set(m.name, clustersOf(i.owned));
      const doomed = members.reduce((a, b) => ((byOwner.get(b.name)?.length ?? 0) > (byOwner.get(a.name)?.length ?? 0) ? b : a));
      const doomedClusters = byOwner.get(doomed.name)!.slice(0, STORM / 2);
      const others = clusters.map((c) => c.name).filter((c) => !doomedClusters.includes(c)).slice(0, STORM - doomedClusters.length);
      const storm = [...doomedClusters, ...others];
      const crashedAt = Date.now();
      const crashing = fleet.crash(storm);
      await doomed.collector.proc.kill('SIGKILL');
      doomed.alive = false;
      await crashing;
      log(`the ${storm.length} crashes took ${Date.now() - crashedAt} ms (their sessions closed)`);
      log(`crashed ${VICTIM} of ${storm.length} clusters (${doomedClusters.length} owned by ${doomed.name}) and killed ${doomed.name} (-9)`);

      const expected = storm.map((c) => `WorkerLost[${c}/${VICTIM}] firing`).sort();
      const got = await until(
        `WorkerLost of all ${STORM} crashed workers`,
        async () => workerLostNotices(scene),
        (n) => new Set(n.map((x) => x.line)).size >= STORM,
        SESSION_MS + 30_000,
        100,
      );
      const slowest = Math.max(...got.map((n) => n.at - crashedAt));
      const dead = new Set(byOwner.get(doomed.name));
      const latency = (own: boolean) => got.filter((n) => dead.has(n.cluster) === own).map((n) => n.at - crashedAt).sort((a, b) => a - b);
      log(`WorkerLost after the crash: clusters of live owners ${latency(false).join(', ')} ms; of the killed one ${latency(true).join(', ')} ms`);
      log(`all ${STORM} WorkerLost received; the slowest ${slowest} ms after the crash (session timeout ${SESSION_MS} ms)`);
      scene.check(slowest <= SESSION_MS + 2_000, `every WorkerLost within the session timeout + 2 s (slowest ${slowest} ms)`, () => JSON.stringify(got));
      const after = await untilBalanced(`the ${doomed.name}'s clusters moved to the ${COLLECTORS - 1} others`, SESSION_MS + 30_000);
      const ownerUrl = new Map(members.map((m) => [m.name, m.collector.url]));
      const ownerAfter = new Map(after.infos.flatMap(({ m, i }) => clustersOf(i.owned).map((c) => [c, m.name] as const)));
      const ownerBefore = new Map([...byOwner].flatMap(([name, cs]) => cs.map((c) => [c, name] as const)));
      /** who must send a cluster's notice: its owner before the kill, or, for the dead one's clusters, their new owner */
      const sender = (cluster: string) => ownerUrl.get(ownerBefore.get(cluster) === doomed.name ? ownerAfter.get(cluster)! : ownerBefore.get(cluster)!);
      scene.check(
        got.every((n) => n.from === sender(n.cluster)),
        "each WorkerLost sent by the collector owning its cluster then (the dead one's clusters: their new owner)",
        () => JSON.stringify(got.map((n) => ({ ...n, want: sender(n.cluster) }))),
      );

      // the killed collector comes back under its name: clusters rebalance onto it, nothing is sent again
      doomed.collector = await scene.startCollector(doomed.name, config);
      doomed.alive = true;
      const back = await untilBalanced(`clusters rebalanced onto ${doomed.name} after it came back`, 120_000);
      const regained = clustersOf(back.infos.find(({ m }) => m === doomed)!.i.owned).length;
      scene.check(regained > 0, `${doomed.name} owns ${regained} clusters again after rejoining`);
      await delay(QUIET_MS);
      sampling = false;
      await sampler;
      const final = workerLostNotices(scene).map((n) => n.line);
      scene.check(
        final.length === STORM && [...final].sort().join('\n') === expected.join('\n'),
        `exactly ${STORM} notices, WorkerLost once per crashed worker, across the kill and the rebalance (ownership sampled ${samples} times)`,
        () => `received: ${JSON.stringify(final)}\n${scene.outputs()}`,
      );
      scene.check(
        scene.notices().every((n) => n.startsWith('WorkerLost')),
        'no other notification (a move is not an incident: no CollectorDisconnected)',
        () => JSON.stringify(scene.notices()),
      );
      const ownedAtEnd = clusters.filter((c) => latest.has(c.name)).length;
      scene.check(ownedAtEnd === CLUSTERS, `every cluster has its owner node at the end (${ownedAtEnd} of ${CLUSTERS})`);
      scene.check(strangers.size === 0, 'only members of the group ever held an owner node', () => [...strangers].join(', '));
      log(`ownership sampled ${samples} times; the longest a cluster had no owner node: ${longestGap} ms`);
    }),
};
