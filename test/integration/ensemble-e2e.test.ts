/**
 * The ensemble end to end (issue 16, docs/contract.md §10): a real 3-server ensemble, a real Collector on all
 * three (ensemble poll every second, the ZooKeeper* rules and CollectorDisconnected with short `for`), a
 * zkpulse cluster on it (a master and workers: real agents, so a cluster alert could be raised falsely), and
 * a real webhook receiver. Servers are killed (-9) and restarted; what reaches the webhook is asserted
 * exactly: the true ensemble alerts, CollectorDisconnected saying why while the quorum is lost, the resolves,
 * and never a cluster alert (WorkerLost, MasterMissing, HeartbeatStale, ...). Then the suite's standalone.
 */
import test, { type ExecutionContext } from 'ava';
import { createAgent, type Agent } from '../../agent/index.ts';
import type { WebhookBody } from '../../alerts/notify/webhook-body.ts';
import type { EnsembleView } from '../../collector/ensemble/view.ts';
import { ensureServices, startEnsemble, type RunningEnsemble, type RunningZooKeeper } from '../../stack/index.ts';
import { startTestCollector } from '../support/collector.ts';
import { until } from '../support/poll.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';

test.before(async () => {
  await ensureServices();
});

const POLL_MS = 1000;
/** `for` of the ZooKeeper* rules and CollectorDisconnected here (the defaults are 30 s – 1 m) */
const FOR_MS = 2000;
/** ZooKeeperMultipleLeaders: above 2 polls, so a reading taken mid-election is dropped (alerts/README.md) */
const MULTIPLE_LEADERS_FOR_MS = 3 * POLL_MS;
const GROUP_INTERVAL_MS = 1000;
const SESSION_MS = 10_000;
/** HeartbeatStale fires at 3 × this: far above a failover to another server (the socket closes at once) */
const HEARTBEAT_MS = 2000;
/**
 * A condition reaches the webhook within: the poll that sees it (a poll is judged until 3 periods old), the
 * rule's `for`, one group interval, plus what a busy shared machine adds to a poll, an evaluation and a POST.
 */
const NOTICE_MS = 3 * POLL_MS + FOR_MS + GROUP_INTERVAL_MS + 20_000;
const WORKERS = ['w1', 'w2', 'w3'];

interface Notice {
  alertname: string;
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** alertname plus the labels that name the subject: `ZooKeeperServerDown[127.0.0.1:1234]`, `CollectorDisconnected{app}` */
  key: string;
}

/** Every alert of every notification, in arrival order (a notification repeats the group's other alerts). */
function noticesOf(rx: RecordingReceiver): Notice[] {
  const out: Notice[] = [];
  for (const r of rx.requests) {
    for (const a of (r.json as WebhookBody | null)?.alerts ?? []) {
      const l = a.labels;
      const subject = l.server ?? l.worker ?? l.task ?? l.lock;
      const key = `${l.alertname ?? '?'}${subject ? `[${subject}]` : ''}${l.cluster ? `{${l.cluster}}` : ''}`;
      out.push({ alertname: l.alertname ?? '?', status: a.status, labels: l, annotations: a.annotations, key });
    }
  }
  return out;
}

/** `key status` lines, each once, in the order first received */
const lines = (ns: readonly Notice[]): string[] => [...new Set(ns.map((n) => `${n.key} ${n.status}`))];

async function untilNotices(rx: RecordingReceiver, what: string, wanted: readonly string[], ms = NOTICE_MS): Promise<Notice[]> {
  return until(what, async () => noticesOf(rx), (ns) => wanted.every((w) => lines(ns).includes(w)), ms, 100).catch((err: unknown) => {
    throw new Error(`${String(err)}\nreceived: ${JSON.stringify(lines(noticesOf(rx)))}`);
  });
}

function apiUrl(url: string | null): string {
  if (url === null) throw new Error('the collector serves no HTTP API');
  return url;
}

interface ApiAlert {
  labels: Record<string, string>;
  state: string;
}
const apiAlerts = async (url: string): Promise<ApiAlert[]> => ((await (await fetch(`${url}/api/alerts`)).json()) as ApiAlert[]);
const ensembles = async (url: string): Promise<EnsembleView[]> => ((await (await fetch(`${url}/api/ensembles`)).json()) as { ensembles: EnsembleView[] }).ensembles;

interface ClusterView {
  master: { id: string } | null;
  workers: { id: string; up: boolean; lastBeat: number | null }[];
}
const clusterView = async (url: string): Promise<ClusterView> => (await (await fetch(`${url}/api/clusters/app`)).json()) as ClusterView;

interface World {
  ensemble: RunningEnsemble;
  rx: RecordingReceiver;
  url: string;
  root: string;
}

/** The ensemble, the receiver, the cluster's agents (w1 also runs for master) and the collector on all three servers. */
async function startWorld(t: ExecutionContext, rules: Record<string, unknown>): Promise<World> {
  const ensemble = await startEnsemble(3);
  t.teardown(() => ensemble.stop());
  const rx = await startRecordingReceiver();
  t.teardown(() => rx.close());
  const root = uniqueRoot(t);
  const agents: Agent[] = WORKERS.map((id) =>
    createAgent({ connectString: ensemble.connectString, root, id, heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS }),
  );
  // closed after the collector (teardowns run last-registered first): a worker leaving on purpose is no alert anyway
  t.teardown(() => Promise.all(agents.map((a) => a.close().catch(() => undefined))).then(() => undefined));
  await Promise.all(agents.map((a) => a.register()));
  const leadership = agents[0]!.runForMaster().subscribe();
  t.teardown(() => leadership.unsubscribe());
  const collector = await startTestCollector({
    zk: ensemble.connectString,
    sessionTimeout: SESSION_MS,
    clusters: { app: root },
    webhook: [rx.url],
    ensemblePollMs: POLL_MS,
    adminPort: false,
    alerts: {
      evalInterval: '200ms',
      route: { groupWait: '0s', groupInterval: `${GROUP_INTERVAL_MS}ms`, repeatInterval: '1h' },
      defaults: {
        CollectorDisconnected: { for: `${FOR_MS}ms` },
        ZooKeeperServerDown: { for: `${FOR_MS}ms` },
        ZooKeeperQuorumAtRisk: { for: `${FOR_MS}ms` },
        ZooKeeperMultipleLeaders: { for: `${MULTIPLE_LEADERS_FOR_MS}ms` },
        ...rules,
      },
    },
  });
  t.teardown(() => collector.stop());
  const url = apiUrl(collector.url);
  await until(
    'the cluster synced: a master and every worker up',
    () => clusterView(url),
    (v) => v.master?.id === 'w1' && WORKERS.every((id) => v.workers.some((w) => w.id === id && w.up)),
    60_000,
  );
  await until(
    'a poll of all three servers serving, quorum ok',
    () => ensembles(url),
    (e) => e[0]?.quorum.state === 'ok' && e[0].servers.length === 3,
    60_000,
  );
  return { ensemble, rx, url, root };
}

const followersOf = async (ensemble: RunningEnsemble): Promise<{ leader: RunningZooKeeper; followers: RunningZooKeeper[] }> => {
  const leader = await ensemble.leader();
  return { leader, followers: ensemble.members.filter((m) => m.port !== leader.port) };
};

/** No alert with a `cluster` label reached the webhook, except the ones allowed (CollectorDisconnected). */
function noClusterNotice(t: ExecutionContext, rx: RecordingReceiver, allowed: readonly string[] = []): void {
  const cluster = noticesOf(rx).filter((n) => n.labels.cluster !== undefined && !allowed.includes(n.alertname));
  t.deepEqual(lines(cluster), [], 'no cluster alert at the webhook');
}

/**
 * The cluster is fine again, and has been judged so: every worker has beaten twice since `since` (past any beat
 * gap a failover made), the master is back, and no cluster alert is pending or firing in the API (a pending
 * MasterMissing / TaskOrphaned would show here before its `for`).
 */
async function clusterQuiet(t: ExecutionContext, w: World, since: number): Promise<void> {
  await until(
    'every worker beating since the recovery, and the master there',
    () => clusterView(w.url),
    (v) => v.master?.id === 'w1' && WORKERS.every((id) => v.workers.some((x) => x.id === id && x.up && (x.lastBeat ?? 0) > since + HEARTBEAT_MS)),
    SESSION_MS + 6 * HEARTBEAT_MS + 20_000,
  );
  const active = (await apiAlerts(w.url)).filter((a) => a.labels.cluster !== undefined);
  t.deepEqual(active.map((a) => `${a.labels.alertname} ${a.state}`), [], 'no cluster alert pending or firing');
}

test.serial('a follower killed, then a second (quorum lost), then both back: exactly the true ensemble alerts, CollectorDisconnected says why, everything resolves, no cluster alert', async (t) => {
  const w = await startWorld(t, { ZooKeeperNoLeader: { for: `${FOR_MS}ms` } });
  const { leader, followers } = await followersOf(w.ensemble);
  const [first, second] = followers as [RunningZooKeeper, RunningZooKeeper];

  // 1. one follower down: that server, and the quorum at risk (2 of 3, 2 needed)
  await first.kill();
  let got = await untilNotices(w.rx, 'ServerDown for the killed follower and QuorumAtRisk', [
    `ZooKeeperServerDown[${first.connectString}] firing`,
    'ZooKeeperQuorumAtRisk firing',
  ]);
  t.deepEqual(lines(got).sort(), [`ZooKeeperQuorumAtRisk firing`, `ZooKeeperServerDown[${first.connectString}] firing`].sort(), 'nothing else');
  const down = got.find((n) => n.key === `ZooKeeperServerDown[${first.connectString}]`)!;
  t.like(down.labels, { ensemble: 'default', severity: 'critical', server: first.connectString });
  t.is(down.labels.cluster, undefined, 'an ensemble alert has no cluster');
  t.is(down.annotations.server_state, 'down');
  t.regex(down.annotations.problem ?? '', /ECONNREFUSED/);
  const risk = got.find((n) => n.alertname === 'ZooKeeperQuorumAtRisk')!;
  t.like(risk.annotations, { quorum_state: 'at-risk', voters: '3', voters_up: '2', needed: '2' });

  // 2. a second follower down: the leader loses its quorum and stops serving (ruok answers, srvr says "not
  // currently serving"), the collector's session drops. True: every server is down or not serving, there is
  // no leader, the quorum is lost (QuorumAtRisk already fires), and the collector is blind to the cluster.
  await second.kill();
  got = await untilNotices(w.rx, 'CollectorDisconnected, NoLeader and ServerDown for the other two', [
    'CollectorDisconnected{app} firing',
    'ZooKeeperNoLeader firing',
    `ZooKeeperServerDown[${second.connectString}] firing`,
    `ZooKeeperServerDown[${leader.connectString}] firing`,
  ]);
  const disconnected = got.find((n) => n.key === 'CollectorDisconnected{app}')!;
  t.like(disconnected.labels, { alertname: 'CollectorDisconnected', cluster: 'app', severity: 'critical' });
  t.like(disconnected.annotations, { ensemble: 'default', inhibits: 'cluster' });
  t.regex(disconnected.annotations.since ?? '', /^\d{4}-\d\d-\d\dT/);
  // servers in the poll's order: the connect string's
  const state = disconnected.annotations.ensemble_state ?? '';
  // the two killed are down; the one left up answers but does not serve (it is not the one to restart)
  const downOnes = w.ensemble.members.filter((m) => m !== leader).map((m) => m.connectString);
  t.is(state, `quorum lost (0 of 3 voting servers serving, 2 needed); servers down: ${downOnes.join(', ')}; not serving: ${leader.connectString}`);
  t.regex(disconnected.annotations.summary ?? '', /ZooKeeper ensemble default: quorum lost/);
  const notServing = got.find((n) => n.key === `ZooKeeperServerDown[${leader.connectString}]`)!;
  t.is(notServing.annotations.server_state, 'not serving', 'the server left up answers but does not serve');
  const noLeader = got.find((n) => n.alertname === 'ZooKeeperNoLeader')!;
  t.regex(noLeader.annotations.quorum ?? '', /^quorum lost \(0 of 3/);
  const firing = lines(got).filter((l) => l.endsWith(' firing'));
  t.deepEqual(
    firing.sort(),
    [
      'CollectorDisconnected{app} firing',
      'ZooKeeperNoLeader firing',
      'ZooKeeperQuorumAtRisk firing',
      ...w.ensemble.members.map((m) => `ZooKeeperServerDown[${m.connectString}] firing`),
    ].sort(),
    'exactly the true alerts, each one alert (no storm)',
  );
  t.is(got.filter((n) => n.alertname === 'ZooKeeperNoLeader' && n.status === 'firing').length, 1, 'one NoLeader notice');
  noClusterNotice(t, w.rx, ['CollectorDisconnected']);

  // 3. both back: every alert that fired resolves, and the cluster is judged fine afterwards
  await Promise.all([first.start(), second.start()]);
  const backAt = Date.now();
  const fired = [...new Set(noticesOf(w.rx).filter((n) => n.status === 'firing').map((n) => n.key))];
  // a restarted server joins within the stack's start deadline (awaited above); then the poll and the resolve
  got = await untilNotices(w.rx, 'every alert resolved', fired.map((k) => `${k} resolved`), NOTICE_MS + SESSION_MS);
  t.deepEqual((await apiAlerts(w.url)).filter((a) => a.state !== 'resolved').map((a) => a.labels.alertname), [], 'nothing active in the API');
  await clusterQuiet(t, w, backAt);
  noClusterNotice(t, w.rx, ['CollectorDisconnected']);
  t.deepEqual(
    lines(noticesOf(w.rx)).filter((l) => l.endsWith(' firing')).sort(),
    fired.map((k) => `${k} firing`).sort(),
    'nothing fired after the recovery',
  );
});

test.serial('the leader killed: a new leader, never ZooKeeperMultipleLeaders; ServerDown for the old leader while it is down, resolved when it is back', async (t) => {
  // NoLeader keeps its default `for` (30 s): an election takes a moment, during which no server serves, and is
  // not an outage; everything else fires after 2 s
  const w = await startWorld(t, {});
  const old = await w.ensemble.leader();
  await old.kill();
  const next = await w.ensemble.leader();
  t.not(next.port, old.port, 'a new leader');
  const got = await untilNotices(w.rx, 'ServerDown for the old leader and QuorumAtRisk', [`ZooKeeperServerDown[${old.connectString}] firing`, 'ZooKeeperQuorumAtRisk firing']);
  t.deepEqual(lines(got).sort(), [`ZooKeeperServerDown[${old.connectString}] firing`, 'ZooKeeperQuorumAtRisk firing'].sort());
  const view = await until(
    'a poll showing the new leader serving',
    () => ensembles(w.url),
    (e) => e[0]?.quorum.leaders.length === 1 && e[0].quorum.leaders[0] === next.connectString,
    NOTICE_MS,
  );
  t.is(view[0]?.quorum.state, 'at-risk');

  await old.start();
  const backAt = Date.now();
  await untilNotices(w.rx, 'the old leader and the quorum resolved', [`ZooKeeperServerDown[${old.connectString}] resolved`, 'ZooKeeperQuorumAtRisk resolved'], NOTICE_MS + SESSION_MS);
  await clusterQuiet(t, w, backAt);
  t.deepEqual(lines(noticesOf(w.rx)).filter((l) => l.startsWith('ZooKeeperMultipleLeaders')), [], 'no MultipleLeaders notice');
  t.false((await apiAlerts(w.url)).some((a) => a.labels.alertname === 'ZooKeeperMultipleLeaders' && a.state !== 'pending'), 'MultipleLeaders never fired');
  t.deepEqual(
    lines(noticesOf(w.rx)).sort(),
    [`ZooKeeperServerDown[${old.connectString}] firing`, `ZooKeeperServerDown[${old.connectString}] resolved`, 'ZooKeeperQuorumAtRisk firing', 'ZooKeeperQuorumAtRisk resolved'].sort(),
    'nothing else reached the webhook',
  );
});

test.serial('the suite’s standalone server: mode standalone, and over several polls no quorum alert at all (every ZooKeeper* rule at for: 0)', async (t) => {
  const zk = await sharedZooKeeper();
  const rx = await startRecordingReceiver();
  t.teardown(() => rx.close());
  const zero = { for: 0 };
  const collector = await startTestCollector({
    clusters: { app: uniqueRoot(t) },
    webhook: [rx.url],
    ensemblePollMs: POLL_MS,
    adminPort: false,
    alerts: {
      evalInterval: '200ms',
      route: { groupWait: '0s', groupInterval: `${GROUP_INTERVAL_MS}ms`, repeatInterval: '1h' },
      statePath: `/zkpulse-test-state${uniqueRoot(t)}`,
      defaults: {
        // a bare cluster root: only the ensemble is judged here
        MasterMissing: { enabled: false },
        ZooKeeperServerDown: zero,
        ZooKeeperNoLeader: zero,
        ZooKeeperMultipleLeaders: zero,
        ZooKeeperQuorumAtRisk: zero,
      },
    },
  });
  t.teardown(() => collector.stop());
  const url = apiUrl(collector.url);
  const first = await until('a poll of the standalone', () => ensembles(url), (e) => e[0]?.polledAt !== undefined, 30_000);
  const start = first[0]!.polledAt;
  // five more polls, each judged by the engine (it evaluates every 200 ms)
  const later = await until('five more polls', () => ensembles(url), (e) => (e[0]?.polledAt ?? 0) >= start + 5 * POLL_MS, 10 * POLL_MS + 20_000);
  const def = later[0]!;
  t.is(def.servers.length, 1);
  t.is(def.servers[0]?.server, zk);
  t.is(def.servers[0]?.mode, 'standalone');
  t.true(def.servers[0]?.up && def.servers[0]?.serving);
  t.is(def.quorum.state, 'standalone');
  t.deepEqual((await apiAlerts(url)).map((a) => a.labels.alertname), [], 'no alert at all in the API');
  t.deepEqual(lines(noticesOf(rx)), [], 'no notice');
});
