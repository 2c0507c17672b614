/**
 * Issue 14's built-in layouts against the real recipes, not our writer: kazoo's Election, Party and
 * ShallowParty (Debian's python3-kazoo) and Apache Curator's LeaderLatch, LeaderSelector and ServiceDiscovery
 * (Debian's libcurator-*-java) run as separate processes (stack/kazoo.ts, stack/curator.ts) against the test
 * ZooKeeper, and a real collector configured with `clusters.<name>: {root, layout}` watches them. The API
 * must show the participant the recipe itself made leader; a kill -9 of the leader must show the one the
 * recipe elected next and count as a master change (MasterFlapping, threshold 2, fires at a real webhook
 * receiver after two); a kill -9 of a member must reach the receiver as WorkerLost for that member only.
 */
import test from 'ava';
import type { Subscription } from 'rxjs';
import type { ClusterDetailView } from '../../collector/http/views.ts';
import type { Collector } from '../../server/collector.ts';
import { compileCuratorRecipes, startCuratorRecipe, type CuratorProcess, type CuratorRecipe } from '../../stack/curator.ts';
import { startKazooRecipe, type KazooProcess, type KazooRecipe } from '../../stack/kazoo.ts';
import { startTestCollector } from '../support/collector.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';

// The recipes' sessions: short, so that a killed process's nodes expire quickly, within the test server's
// allowed range (stack/zookeeper.ts: 1 s – 10 s).
const SESSION_MS = 2_000;
// A JVM or Python start plus its first session on a busy, shared 2-core machine: not a session matter.
const START_MS = 90_000;
// From a kill -9 to what follows it: ZooKeeper expires the session after the timeout (plus up to a tick),
// the recipe's next participant reacts, the collector's watch sees it and the alert engine (200 ms) and
// notifier send it. Sized from the session timeout, many times over for a busy machine.
const AFTER_KILL_MS = 10 * SESSION_MS + 30_000;

type RecipeProcessOf = KazooProcess | CuratorProcess;

interface WebhookBody {
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

interface Harness {
  root: string;
  collector: Collector;
  receiver: RecordingReceiver;
  /** MasterElected events of the cluster, in order: the ids the model made leader */
  elected: (string | null)[];
  detail(): Promise<ClusterDetailView>;
  /** the alerts of this name and status the receiver got (any notice) */
  alerts(name: string, status: 'firing' | 'resolved'): WebhookBody['alerts'];
}

const CLUSTER = 'app';

/** A collector watching `root` with the built-in `layout`, notifying a recording receiver. */
async function harness(t: { title: string; teardown(fn: () => Promise<void> | void): void }, layout: string): Promise<Harness> {
  const root = uniqueRoot(t);
  const plain = await PlainZk.connect(await sharedZooKeeper());
  await plain.mkdirp(root);
  await plain.close();
  const receiver = await startRecordingReceiver();
  t.teardown(() => receiver.close());
  const collector = await startTestCollector({
    clusters: { [CLUSTER]: { root, layout } },
    webhook: [receiver.url],
    webhookSecret: 'layouts-real-clients',
    alerts: {
      evalInterval: '200ms',
      route: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
      statePath: `/zkpulse-test-state${uniqueRoot()}`,
      // two changes fire it: the first leader is not a change, each takeover is one
      defaults: { MasterFlapping: { changes: 2, window: '1h' }, CollectorDisconnected: { enabled: false } },
    },
  });
  const elected: (string | null)[] = [];
  const sub: Subscription = collector.events$.subscribe((e) => {
    if (e.type === 'MasterElected' && e.cluster === CLUSTER) elected.push(e.id);
  });
  t.teardown(async () => {
    sub.unsubscribe();
    await collector.stop();
  });
  await collector.whenSynced();
  const url = collector.url;
  if (url === null) throw new Error('the test collector serves no HTTP API');
  return {
    root,
    collector,
    receiver,
    elected,
    detail: async () => (await (await fetch(`${url}/api/clusters/${CLUSTER}`)).json()) as ClusterDetailView,
    alerts: (name, status) =>
      receiver.requests.flatMap((r) => (r.json as WebhookBody).alerts).filter((a) => a.labels.alertname === name && a.status === status),
  };
}

const running: RecipeProcessOf[] = [];

test.before(async () => {
  await compileCuratorRecipes();
});

test.after.always(async () => {
  await Promise.all(running.map((r) => r.process.kill()));
});

async function kazoo(recipe: KazooRecipe, path: string, id: string): Promise<KazooProcess> {
  const p = await startKazooRecipe(await sharedZooKeeper(), recipe, path, id, { sessionTimeoutMs: SESSION_MS, readyMs: START_MS });
  running.push(p);
  return p;
}

async function curator(recipe: CuratorRecipe, path: string, id: string): Promise<CuratorProcess> {
  const p = await startCuratorRecipe(await sharedZooKeeper(), recipe, path, id, { sessionTimeoutMs: SESSION_MS, readyMs: START_MS });
  running.push(p);
  return p;
}

/** The API's leader once it is `id` (and the candidates it shows then). */
function leaderIs(h: Harness, id: string): Promise<ClusterDetailView> {
  return until(`the API to show ${id} as the leader`, h.detail, (d) => d.master?.id === id, AFTER_KILL_MS);
}

const elections: Array<{ name: string; layout: string; start: (root: string, id: string) => Promise<RecipeProcessOf> }> = [
  { name: 'kazoo Election', layout: 'kazoo-election', start: (root, id) => kazoo('election', root, id) },
  { name: 'Curator LeaderLatch', layout: 'curator-leader-latch', start: (root, id) => curator('leader-latch', root, id) },
  { name: 'Curator LeaderSelector', layout: 'curator-leader-selector', start: (root, id) => curator('leader-selector', root, id) },
];

for (const { name, layout, start } of elections) {
  test(`${name} in 3 processes (${layout}): the API's leader is the recipe's; kill -9 of each leader → the next one, MasterFlapping after 2 changes`, async (t) => {
    const h = await harness(t, layout);
    // one after the other, so that the recipe's order (the sequence numbers) is a, b, c
    const a = await start(h.root, 'contender-a');
    t.is(await a.process.until('LEADER', START_MS), 'contender-a');
    const b = await start(h.root, 'contender-b');
    const c = await start(h.root, 'contender-c');

    const first = await until('3 candidates and a leader', h.detail, (d) => d.candidates.length === 3 && d.master !== null, AFTER_KILL_MS);
    t.is(first.layout, layout);
    t.is(first.master?.id, 'contender-a', 'the leader the recipe chose');
    t.deepEqual(first.candidates.map((x) => x.id), ['contender-a', 'contender-b', 'contender-c']);
    t.deepEqual(first.candidates.map((x) => x.node), [a.node, b.node, c.node], 'the nodes the recipe created, by sequence');
    t.deepEqual([...b.process.seen('LEADER'), ...c.process.seen('LEADER')], [], 'the others wait');
    t.deepEqual(h.alerts('MasterFlapping', 'firing'), []);

    await a.process.kill();
    t.is(await b.process.until('LEADER', AFTER_KILL_MS), 'contender-b', 'the recipe elects b next');
    const second = await leaderIs(h, 'contender-b');
    t.deepEqual(second.candidates.map((x) => x.id), ['contender-b', 'contender-c']);
    t.not(second.master?.epoch, first.master?.epoch, 'a new leader, a new epoch');
    t.deepEqual(c.process.seen('LEADER'), []);

    await b.process.kill();
    t.is(await c.process.until('LEADER', AFTER_KILL_MS), 'contender-c');
    await leaderIs(h, 'contender-c');
    t.deepEqual(h.elected, ['contender-a', 'contender-b', 'contender-c'], 'the model elected each leader once, in the recipe order');

    await until('MasterFlapping firing at the receiver', async () => h.alerts('MasterFlapping', 'firing'), (f) => f.length > 0, AFTER_KILL_MS);
    const flapping = h.alerts('MasterFlapping', 'firing')[0]!;
    t.is(flapping.labels.cluster, CLUSTER);
    t.regex(flapping.annotations.description ?? '', /^2 master changes within /, 'both takeovers counted, the first leader not');
  });
}

test('kazoo Party and ShallowParty, 3 members (kazoo-party): kill -9 of one → WorkerLost for it, the others stay up', async (t) => {
  const h = await harness(t, 'kazoo-party');
  const [p1, p2, s3] = await Promise.all([kazoo('party', h.root, 'member-1'), kazoo('party', h.root, 'member-2'), kazoo('shallow-party', h.root, 'member-3')]);
  // a Party member is keyed by its node (its identifier is only in the data), a ShallowParty one by its identifier
  const ids = [p1.node, p2.node, 'member-3'].sort();
  const up = (d: ClusterDetailView) => d.workers.filter((w) => w.up).map((w) => w.id).sort();
  const all = await until('3 members up', h.detail, (d) => up(d).length === 3, AFTER_KILL_MS);
  t.deepEqual(up(all), ids);
  t.is(all.master, null, 'a party has no leader');
  t.is(all.invalidCount, 0);

  await p1.process.kill();
  await until('WorkerLost for the killed Party member', async () => h.alerts('WorkerLost', 'firing'), (f) => f.length > 0, AFTER_KILL_MS);
  t.deepEqual(h.alerts('WorkerLost', 'firing').map((a) => a.labels.worker), [p1.node]);
  const after = await h.detail();
  t.deepEqual(up(after), [p2.node, 'member-3'].sort());
  t.is(after.workers.find((w) => w.id === p1.node)?.leftReason, 'crash');

  await s3.process.kill();
  await until('WorkerLost for the killed ShallowParty member', async () => h.alerts('WorkerLost', 'firing'), (f) => f.some((a) => a.labels.worker === 'member-3'), AFTER_KILL_MS);
  t.deepEqual(up(await h.detail()), [p2.node], 'the member not killed stays up');
  t.false(h.alerts('WorkerLost', 'firing').some((a) => a.labels.worker === p2.node));
});

test('Curator ServiceDiscovery, 2 instances (curator-service-discovery): kill -9 of one → WorkerLost for it, the other stays up', async (t) => {
  const h = await harness(t, 'curator-service-discovery');
  const [one] = await Promise.all([curator('service-discovery', h.root, 'search/instance-1'), curator('service-discovery', h.root, 'search/instance-2')]);
  const up = (d: ClusterDetailView) => d.workers.filter((w) => w.up).map((w) => w.id).sort();
  const both = await until('2 instances up', h.detail, (d) => up(d).length === 2, AFTER_KILL_MS);
  t.deepEqual(up(both), ['search/instance-1', 'search/instance-2']);
  t.deepEqual(both.workers.map((w) => w.host), ['127.0.0.1', '127.0.0.1'], 'the ServiceInstance JSON was read');
  t.is(both.invalidCount, 0);

  await one!.process.kill();
  await until('WorkerLost for instance-1', async () => h.alerts('WorkerLost', 'firing'), (f) => f.length > 0, AFTER_KILL_MS);
  t.deepEqual(h.alerts('WorkerLost', 'firing').map((a) => a.labels.worker), ['search/instance-1']);
  t.regex(h.alerts('WorkerLost', 'firing')[0]?.annotations.description ?? '', new RegExp(`^The node ${h.root}/search/instance-1 \\(host 127\\.0\\.0\\.1\\) disappeared`), 'the description names the instance\'s real node');
  t.deepEqual(up(await h.detail()), ['search/instance-2']);
});
