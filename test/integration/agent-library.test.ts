/**
 * The agent library against a real ZooKeeper: registration, heartbeat, coalesced progress, final task
 * states seen by a real collector, leaving on purpose, the election (one master at a time, no herd),
 * stale master nodes, session expiry, an unreachable ZooKeeper said once per outage, digest ACLs.
 */
import test, { type ExecutionContext } from 'ava';
import { merge, map, ReplaySubject, type Observable } from 'rxjs';
import zookeeper from 'node-zookeeper-client';
import { createAgent, type Agent, type AgentOptions, type Leadership } from '../../agent/index.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { awaitEvent } from '../support/await-event.ts';
import { until } from '../support/poll.ts';
import { startTestCollector } from '../support/collector.ts';
import { freePort } from '../../stack/ports.ts';
import { connectPlain, childrenOf } from '../support/plain-zk.ts';

/*
 * Deadlines follow from what is awaited. A step of an agent (register, a progress write, an election
 * round) is a few requests; each may take up to the request timeout (⅓ of the session timeout, 0.5–4 s)
 * before the agent reconnects and tries again. BUSY_MS is what a loaded machine (2 cores, load 17) adds.
 */
const BUSY_MS = 20_000;
const requestTimeoutOf = (sessionTimeoutMs: number) => Math.min(4000, Math.max(500, Math.floor(sessionTimeoutMs / 3)));
const stepMs = (sessionTimeoutMs = 10_000) => 3 * requestTimeoutOf(sessionTimeoutMs) + BUSY_MS;
const STEP_MS = stepMs();

const hex = (b: Buffer): string | null => b.toString('hex').padStart(16, '0');
const czxid = (s: zookeeper.Stat) => s.czxid.readBigInt64BE(0).toString();

/** A real collector watching `root`, synced, with every TaskFinished it sees (task and outcome). */
async function collectorOfFinishedTasks(t: ExecutionContext, root: string) {
  const collector = await startTestCollector({ clusters: { app: root } });
  t.teardown(() => collector.stop());
  const finished: { task: string; outcome: string }[] = [];
  collector.events$.subscribe((e) => e.type === 'TaskFinished' && finished.push({ task: e.task, outcome: e.outcome }));
  await collector.whenSynced();
  return { collector, finished };
}

function agentOn(t: ExecutionContext, opts: AgentOptions): Agent {
  const agent = createAgent(opts);
  t.teardown(() => agent.close());
  return agent;
}

function readJson(zk: PlainZk, path: string): Promise<Record<string, unknown> | null> {
  return new Promise((resolve, reject) =>
    zk.client.getData(path, (err, data) => {
      if (err && (err as { getCode?: () => number }).getCode?.() === zookeeper.Exception.NO_NODE) resolve(null);
      else if (err) reject(err);
      else resolve(JSON.parse(data.toString()) as Record<string, unknown>);
    }),
  );
}

/** The next watch event on `path` (exists watch), as its type name. */
function nextEvent(zk: PlainZk, path: string): Promise<string> {
  return new Promise((resolve, reject) =>
    zk.client.exists(path, (e) => resolve(e.getName()), (err) => err && reject(err)),
  );
}

/** Resolves when `path` is deleted (re-arms through data changes such as heartbeats). */
function deleted(zk: PlainZk, path: string): Promise<void> {
  return new Promise((resolve) => {
    const arm = () => zk.client.exists(path, (e) => (e.getName() === 'NODE_DELETED' ? resolve() : arm()), (_err, stat) => !stat && resolve());
    arm();
  });
}

function errorCode(run: (cb: (err: unknown) => void) => void): Promise<number | undefined> {
  return new Promise((resolve) => run((err) => resolve((err as { getCode?: () => number } | null)?.getCode?.())));
}

test('register, heartbeat, busy, coalesced progress, finish; close says "leaving" and then deletes in order', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  const agent = agentOn(t, { connectString: zkAddr, root, id: 'w1', heartbeatMs: 200, meta: { zone: 'a' } });
  const errors: Error[] = [];
  agent.errors$.subscribe((e) => errors.push(e));
  await agent.register();
  const data = await readJson(zk, `${root}/workers/w1`);
  t.like(data, { id: 'w1', pid: process.pid, heartbeatMs: 200, state: 'ready', meta: { zone: 'a' } });
  t.is(typeof data?.host, 'string');
  t.is(typeof data?.startedAt, 'number');
  const first = (await zk.exists(`${root}/workers/w1`))!;
  t.is(hex(first.ephemeralOwner), agent.diagnostics().sessionId);

  // heartbeat: the node is rewritten (its version moves) without anyone calling anything
  t.is(await nextEvent(zk, `${root}/workers/w1`), 'NODE_DATA_CHANGED');
  agent.setState('busy');
  await until('busy', () => readJson(zk, `${root}/workers/w1`), (d) => d?.state === 'busy', STEP_MS);

  // a tight loop: a handful of writes, the last value always lands
  const before = Date.now();
  for (let i = 1; i <= 5000; i++) agent.progress('t1', i, 5000, `item ${i}`);
  const last = await until('last progress', () => readJson(zk, `${root}/status/t1`), (d) => d?.done === 5000, STEP_MS);
  t.like(last, { worker: 'w1', done: 5000, total: 5000, state: 'running', message: 'item 5000' });
  const stat = (await zk.exists(`${root}/status/t1`))!;
  const elapsedS = (Date.now() - before) / 1000;
  t.true(stat.version <= 4 * elapsedS + 2, `version ${stat.version} after ${elapsedS}s`);
  await agent.finish('t1', 'failed', 'disk full');
  t.like(await readJson(zk, `${root}/status/t1`), { state: 'failed', done: 5000, message: 'disk full' });
  agent.progress('t2', 1, 2);
  await until('t2', () => readJson(zk, `${root}/status/t2`), (d) => d !== null, STEP_MS);
  agent.runForMaster();
  await awaitEvent(agent.leadership$, (l) => l.state === 'leader', STEP_MS, 'leader');
  const electionNode = agent.diagnostics().electionNode!;

  // leaving: "leaving" written first, then status, election, master and worker deleted in that order
  const paths = [`${root}/workers/w1`, `${root}/status/t1`, `${root}/status/t2`, `${root}/election/${electionNode}`, `${root}/master`];
  // stop heartbeats from racing the watch below: wait for one beat to pass, then arm
  await nextEvent(zk, `${root}/workers/w1`);
  const order: string[] = [];
  const watched = paths.map((p) => new Promise<void>((resolve) => {
    const arm = () =>
      zk.client.exists(p, (e) => {
        order.push(`${e.getName()} ${p.slice(root.length + 1)}`);
        if (e.getName() === 'NODE_DELETED') resolve();
        else arm();
      }, () => undefined);
    arm();
  }));
  await agent.close();
  await Promise.all(watched);
  const deletions = order.filter((o) => o.startsWith('NODE_DELETED')).map((o) => o.split(' ')[1]);
  t.deepEqual(deletions, ['status/t1', 'status/t2', `election/${electionNode}`, 'master', 'workers/w1']);
  // the worker node changed (to "leaving") before it was deleted
  t.is(order.find((o) => o.endsWith('workers/w1')), 'NODE_DATA_CHANGED workers/w1');
  t.deepEqual(errors, []);
});

test('a task finished just before close() is seen done or failed by a real collector, not interrupted', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const { collector, finished } = await collectorOfFinishedTasks(t, root);
  const agent = agentOn(t, { connectString: zkAddr, root, id: 'w1' });
  await agent.register();
  agent.progress('t1', 5, 6);
  agent.progress('t2', 1, 6);
  await until('both running in the collector', async () => collector.model('app'), (m) => m?.tasks.get('t1')?.state === 'running' && m.tasks.get('t2')?.state === 'running', STEP_MS);
  // not awaited: close() writes them before it deletes anything, and leaves them visible for leaveGraceMs
  void agent.finish('t1', 'done');
  void agent.finish('t2', 'failed', 'boom');
  await agent.close();
  await until('the collector to see w1 leave', async () => collector.model('app'), (m) =>
    m?.workers.get('w1')?.up === false && ['t1', 't2'].every((task) => m.tasks.get(task)?.statusExists !== true), STEP_MS);
  t.deepEqual(finished.sort((a, b) => a.task.localeCompare(b.task)), [{ task: 't1', outcome: 'done' }, { task: 't2', outcome: 'failed' }]);
});

test('close(): a final task state stays readable for leaveGraceMs before its node goes (a monitor that re-reads late still sees it)', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  const leaveGraceMs = 5000;
  const agent = agentOn(t, { connectString: zkAddr, root, id: 'w1', leaveGraceMs });
  await agent.register();
  agent.progress('t1', 1, 2);
  await until('t1 running', () => readJson(zk, `${root}/status/t1`), (d) => d?.state === 'running', STEP_MS);
  // a slow monitor: on the change it re-reads a second later; the grace leaves it 4 s to spare on a busy machine
  const reread = new Promise<Record<string, unknown> | null>((resolve) =>
    zk.client.exists(`${root}/status/t1`, () => setTimeout(() => void readJson(zk, `${root}/status/t1`).then(resolve), 1000), () => undefined),
  );
  void agent.finish('t1', 'done', 'all good');
  const closed = agent.close();
  t.like(await reread, { state: 'done', message: 'all good' });
  await closed;
  t.is(await zk.exists(`${root}/status/t1`), null);
});

test.serial('close() before the first connection waits for it (up to the request timeout): the final state of a short job is still written', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const proxy = await startTcpProxy(zkAddr);
  t.teardown(() => proxy.close());
  const root = uniqueRoot(t);
  const { collector, finished } = await collectorOfFinishedTasks(t, root);
  proxy.block();
  const agent = agentOn(t, { connectString: proxy.address, root, id: 'w1' });
  void agent.register().catch(() => undefined);
  agent.progress('t1', 1, 1);
  void agent.finish('t1', 'done');
  const closed = agent.close();
  t.is(agent.diagnostics().sessionId, null); // nothing is connected yet
  proxy.unblock();
  await closed;
  await until('the collector to see w1 leave', async () => collector.model('app'), (m) => m?.workers.get('w1')?.up === false, STEP_MS);
  t.is(collector.model('app')!.workers.get('w1')!.leftReason, 'leaving');
  t.deepEqual(finished, [{ task: 't1', outcome: 'done' }]);
});

/** Let `rounds` liveness probes of an agent with this session timeout fail (probe interval + request timeout each). */
function probeRounds(rounds: number, sessionTimeoutMs: number): Promise<number> {
  const since = Date.now();
  const round = Math.min(1000, Math.max(200, Math.floor(sessionTimeoutMs / 4))) + requestTimeoutOf(sessionTimeoutMs);
  return until(`${rounds} probe rounds`, async () => Date.now() - since, (ms) => ms > rounds * round, rounds * round + BUSY_MS);
}

test('nothing listens at the connect string: one ZooKeeperUnreachableError naming the address and the reason, not one per probe', async (t) => {
  const port = await freePort();
  const agent = agentOn(t, { connectString: `127.0.0.1:${port}`, root: uniqueRoot(t), id: 'w1', sessionTimeoutMs: 2000 });
  const errors = new ReplaySubject<Error>();
  const seen: Error[] = [];
  agent.errors$.subscribe(errors);
  agent.errors$.subscribe((e) => seen.push(e));
  void agent.register().catch(() => undefined);
  const e = await awaitEvent(errors, () => true, stepMs(2000), 'the outage');
  t.is(e.name, 'ZooKeeperUnreachableError');
  t.is(e.message, `cannot reach ZooKeeper at 127.0.0.1:${port} (connection refused); worker w1 is not registered; retrying`);
  await probeRounds(4, 2000);
  t.deepEqual(seen.map((x) => x.message), [e.message]);
  t.is(agent.diagnostics().sessionId, null);
});

test.serial('an outage after a disconnect is said once; after the session expired, the notice says the worker is registered on a new session', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const proxy = await startTcpProxy(zkAddr);
  t.teardown(() => proxy.close());
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  proxy.block();
  const agent = agentOn(t, { connectString: proxy.address, root, id: 'w1', sessionTimeoutMs: 2000, heartbeatMs: 300 });
  const errors = new ReplaySubject<Error>();
  const notices = new ReplaySubject<string>();
  const seen: string[] = [];
  agent.errors$.subscribe(errors);
  agent.errors$.subscribe((e) => seen.push(e.message));
  agent.notices$.subscribe(notices);
  const registered = agent.register();
  // the proxy takes the connection but passes nothing on: said after the request timeout
  const first = await awaitEvent(errors, () => true, stepMs(2000), 'the start outage');
  t.is(first.message, `cannot reach ZooKeeper at ${proxy.address} (the port accepts connections but ZooKeeper did not answer within 666 ms); worker w1 is not registered; retrying`);
  proxy.unblock();
  await registered;
  t.regex(await awaitEvent(notices, () => true, stepMs(2000), 'registered'), /^reached ZooKeeper at 127\.0\.0\.1:\d+ after \d+\.\d s; worker w1 is registered$/);
  t.truthy(await zk.exists(`${root}/workers/w1`));

  // a partition long enough for the server to expire the session
  const gone = deleted(zk, `${root}/workers/w1`);
  proxy.block();
  const second = await awaitEvent(errors, (e) => e !== first, stepMs(2000), 'the disconnect outage');
  t.is(second.message, `cannot reach ZooKeeper at ${proxy.address} (the port accepts connections but ZooKeeper did not answer within 666 ms); worker w1 stays registered unless its session expires (2000 ms without a connection); retrying`);
  await gone;
  await probeRounds(2, 2000);
  proxy.unblock();
  const notice = await awaitEvent(notices, (n) => n.includes('new session'), stepMs(2000), 'registered on a new session');
  t.regex(notice, /^reached ZooKeeper at 127\.0\.0\.1:\d+ again after \d+\.\d s; worker w1 is registered on a new session \(the old one expired\)$/);
  t.is(hex((await zk.exists(`${root}/workers/w1`))!.ephemeralOwner), agent.diagnostics().sessionId);
  t.deepEqual(seen, [first.message, second.message]);
});

test('bad arguments throw synchronously and write nothing', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  t.throws(() => createAgent({ connectString: zkAddr, root, id: 'a/b' }), { name: 'AgentArgumentError', message: /id: must not contain '\/'/ });
  t.throws(() => createAgent({ connectString: zkAddr, root, id: '' }), { message: /id: must not be empty/ });
  t.throws(() => createAgent({ connectString: zkAddr, root: 'relative', id: 'x' }), { message: /^root:/ });
  t.throws(() => createAgent({ connectString: zkAddr, root, id: 'x', heartbeatMs: -5 }), { message: /^heartbeatMs:/ });
  t.throws(() => createAgent({ connectString: zkAddr, root, id: 'x', auth: 'nopassword' }), { message: /^auth:/ });
  const agent = agentOn(t, { connectString: zkAddr, root, id: 'w1' });
  t.throws(() => agent.progress('t1', -1, 10), { message: /done: expected a finite number >= 0/ });
  t.throws(() => agent.progress('t1', Number.NaN, 10), { message: /done/ });
  t.throws(() => agent.progress('t1', 1, Infinity), { message: /total/ });
  t.throws(() => agent.progress('a/b', 1, 10), { message: /task: must not contain '\/'/ });
  t.throws(() => agent.progress('..', 1, 10), { message: /task/ });
  t.throws(() => agent.finish('t1', 'exploded' as 'done'), { message: /finish state/ });
  t.throws(() => agent.setState('leaving' as 'busy'), { message: /state/ });
  t.is(await zk.exists(root), null);
  t.is(agent.diagnostics().sessionId, null); // nothing was even connected
});

/** Leadership of many agents as one stream of (agent, state), and a check that never two lead at once. */
function trackLeaders(agents: Agent[]) {
  const leading = new Set<string>();
  const log: { id: string; l: Leadership }[] = [];
  let maxLeaders = 0;
  const all$ = new ReplaySubject<{ id: string; l: Leadership }>();
  merge(...agents.map((a) => a.leadership$.pipe(map((l) => ({ id: a.id, l }))))).subscribe((e) => {
    if (e.l.state === 'leader') leading.add(e.id);
    else leading.delete(e.id);
    maxLeaders = Math.max(maxLeaders, leading.size);
    log.push(e);
    all$.next(e);
  });
  return { log, all$: all$ as Observable<{ id: string; l: Leadership }>, maxLeaders: () => maxLeaders, leaders: () => [...leading] };
}

test('five candidates: one master at a time; deleting the leader\'s election node wakes exactly one other candidate', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  const agents = ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => agentOn(t, { connectString: zkAddr, root, id }));
  const track = trackLeaders(agents);
  // a plain-client observer of R/master: every master it sees must be one an agent announced
  const observed: { id: string; czxid: string }[] = [];
  let observing = true;
  const observe = () => {
    if (!observing) return;
    zk.client.getData(`${root}/master`, () => observe(), (err, data, stat) => {
      if (!err) observed.push({ id: String(JSON.parse(data.toString()).id), czxid: czxid(stat) });
      // no master now: watch for one; if it appeared meanwhile, read it at once (or it would be missed)
      else zk.client.exists(`${root}/master`, () => observe(), (e, stat) => !e && stat && observe());
    });
  };
  observe();
  for (const a of agents) a.runForMaster();
  await until('one leader, four followers', async () => agents.map((a) => a.leadership?.state), (s) => s.filter((x) => x === 'leader').length === 1 && s.filter((x) => x === 'follower').length === 4, STEP_MS);
  const leader = agents.find((a) => a.isLeader)!;
  const master = (await zk.exists(`${root}/master`))!;
  t.is((await readJson(zk, `${root}/master`))?.id, leader.id);
  t.is(leader.fencingToken(), czxid(master));
  t.is((await childrenOf(zk, `${root}/election`)).length, 5);
  t.true(agents.filter((a) => a !== leader).every((a) => a.fencingToken() === null));

  // delete the leader's candidate node with a plain client
  const wakeupsBefore = agents.map((a) => a.diagnostics().predecessorWakeups);
  const logFrom = track.log.length;
  await zk.remove(`${root}/election/${leader.diagnostics().electionNode}`);
  const next = await awaitEvent(track.all$, (e) => e.l.state === 'leader' && e.id !== leader.id, STEP_MS, 'a new leader');
  await until('old leader re-joined', async () => leader.leadership?.state, (s) => s === 'follower', STEP_MS);
  const woke = agents.map((a, i) => a.diagnostics().predecessorWakeups - wakeupsBefore[i]!);
  t.is(woke.reduce((a, b) => a + b, 0), 1, `wakeups per candidate: ${woke.join(',')}`);
  t.is(woke[agents.findIndex((a) => a.id === next.id)], 1);
  // only the old and the new leader changed their minds
  t.deepEqual(new Set(track.log.slice(logFrom).map((e) => e.id)), new Set([leader.id, next.id]));
  t.is((await readJson(zk, `${root}/master`))?.id, next.id);

  // the new leader leaves on purpose: another one takes over
  const newLeader = agents.find((a) => a.id === next.id)!;
  await newLeader.close();
  const third = await awaitEvent(track.all$, (e) => e.l.state === 'leader' && e.id !== next.id && e.id !== leader.id, STEP_MS, 'a third leader');
  t.is((await readJson(zk, `${root}/master`))?.id, third.id);
  observing = false;
  t.is(track.maxLeaders(), 1);
  const announced = new Map(track.log.filter((e) => e.l.state === 'leader').map((e) => [e.l.epoch, e.id]));
  t.true(observed.length >= 2);
  for (const o of observed) t.is(announced.get(o.czxid), o.id, `observed master ${JSON.stringify(o)}`);
});

test('a master node held by another session is waited out, never deleted; same for a worker node of the same id', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const admin = await connectPlain(t, zkAddr);
  const old = await PlainZk.connect(zkAddr);
  t.teardown(() => old.close());
  await admin.mkdirp(`${root}/workers`);
  await old.create(`${root}/master`, JSON.stringify({ id: 'm1', since: 1 }), 'ephemeral');
  await old.create(`${root}/workers/m1`, JSON.stringify({ id: 'm1' }), 'ephemeral');
  const agent = agentOn(t, { connectString: zkAddr, root, id: 'm1' });
  const errors = new ReplaySubject<Error>();
  agent.errors$.subscribe(errors);
  const registered = agent.register();
  agent.runForMaster();
  await awaitEvent(errors, (e) => /master is held by session/.test(e.message), STEP_MS, 'waiting for the old master');
  await awaitEvent(errors, (e) => /workers\/m1 is held by session/.test(e.message), STEP_MS, 'waiting for the old worker');
  t.is(agent.leadership?.state, 'follower');
  const stale = (await admin.exists(`${root}/master`))!;
  t.is(hex(stale.ephemeralOwner), hex(old.sessionId()));
  // the old process ends: its nodes go, and ours come
  await old.close();
  const l = await awaitEvent(agent.leadership$, (x) => x.state === 'leader', STEP_MS, 'leader');
  await registered;
  const master = (await admin.exists(`${root}/master`))!;
  t.is(l.epoch, czxid(master));
  t.is(hex(master.ephemeralOwner), agent.diagnostics().sessionId);
  t.is(hex((await admin.exists(`${root}/workers/m1`))!.ephemeralOwner), agent.diagnostics().sessionId);
});

test.serial('session expiry: lost at once, then worker, running status and election node re-registered on a new session', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const proxy = await startTcpProxy(zkAddr);
  t.teardown(() => proxy.close());
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  const agent = agentOn(t, { connectString: proxy.address, root, id: 'w1', sessionTimeoutMs: 2000, heartbeatMs: 300 });
  const states = new ReplaySubject<Leadership>();
  agent.leadership$.subscribe(states);
  await agent.register();
  agent.progress('running', 1, 10);
  await agent.finish('finished', 'done');
  agent.runForMaster();
  await awaitEvent(states, (l) => l.state === 'leader', STEP_MS, 'leader');
  await until('running status', () => readJson(zk, `${root}/status/running`), (d) => d !== null, STEP_MS);
  const oldSession = agent.diagnostics().sessionId;
  const gone = deleted(zk, `${root}/workers/w1`);

  proxy.block();
  // the probe notices a silent partition within a probe interval + the request timeout
  await awaitEvent(states, (l) => l.state === 'suspended', stepMs(2000), 'suspended');
  t.is(agent.fencingToken(), null);
  await gone; // the server expired the session meanwhile
  proxy.unblock();
  await awaitEvent(states, (l) => l.state === 'lost', 2000 + stepMs(2000), 'lost');
  // leadership$ replays only the current state: 'lost' or what came after it
  await awaitEvent(agent.leadership$, (l) => l.state === 'leader', stepMs(2000), 'leader again');
  const newSession = agent.diagnostics().sessionId;
  t.not(newSession, oldSession);
  const ownedByNew = async (path: string) => {
    const s = await zk.exists(path);
    return s !== null && hex(s.ephemeralOwner) === newSession;
  };
  await until('worker re-registered', () => ownedByNew(`${root}/workers/w1`), Boolean, stepMs(2000));
  await until('running status re-registered', () => ownedByNew(`${root}/status/running`), Boolean, stepMs(2000));
  t.true(await ownedByNew(`${root}/master`));
  t.true(await ownedByNew(`${root}/election/${agent.diagnostics().electionNode}`));
  t.is((await childrenOf(zk, `${root}/election`)).length, 1);
  t.is(await zk.exists(`${root}/status/finished`), null); // a finished task is not brought back
  t.like(await readJson(zk, `${root}/status/running`), { done: 1, total: 10, state: 'running' });
  const seen: string[] = [];
  states.subscribe((l) => seen.push(l.state));
  t.deepEqual(seen, ['follower', 'leader', 'suspended', 'lost', 'leader'].slice(seen[0] === 'follower' ? 0 : 1));
});

test('digest auth: others can read but an unauthenticated client gets NoAuth deleting or overwriting, and other agents still register', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const agent = agentOn(t, { connectString: zkAddr, root, id: 'w1', auth: 'alice:secret' });
  await agent.register();
  agent.progress('t1', 1, 2);
  agent.runForMaster();
  await awaitEvent(agent.leadership$, (l) => l.state === 'leader', STEP_MS, 'leader');
  const anon = await connectPlain(t, zkAddr);
  await until('status', () => readJson(anon, `${root}/status/t1`), (d) => d !== null, STEP_MS);
  const nodes = [`${root}/workers/w1`, `${root}/status/t1`, `${root}/master`, `${root}/election/${agent.diagnostics().electionNode}`];
  const NO_AUTH = zookeeper.Exception.NO_AUTH;
  for (const path of nodes) {
    t.truthy(await readJson(anon, path), `readable ${path}`);
    t.is(await errorCode((cb) => anon.client.remove(path, -1, cb)), NO_AUTH, `delete ${path}`);
    t.is(await errorCode((cb) => anon.client.setData(path, Buffer.from('{}'), -1, cb)), NO_AUTH, `overwrite ${path}`);
  }
  // a different user, and no user at all, can still add their own nodes next to ours
  const bob = agentOn(t, { connectString: zkAddr, root, id: 'w2', auth: 'bob:pw' });
  const anonAgent = agentOn(t, { connectString: zkAddr, root, id: 'w3' });
  await Promise.all([bob.register(), anonAgent.register()]);
  bob.runForMaster();
  await awaitEvent(bob.leadership$, (l) => l.state === 'follower', STEP_MS, 'bob follows');
  t.deepEqual((await childrenOf(anon, `${root}/workers`)).sort(), ['w1', 'w2', 'w3']);
  // bob (authenticated, but not alice) cannot delete alice's worker either
  t.is(await errorCode((cb) => anon.client.remove(`${root}/workers/w2`, -1, cb)), NO_AUTH);
  // alice leaves on purpose: her own credentials may delete everything she made
  await agent.close();
  t.is(await anon.exists(`${root}/workers/w1`), null);
  t.is(await anon.exists(`${root}/status/t1`), null);
  await awaitEvent(bob.leadership$, (l) => l.state === 'leader', STEP_MS, 'bob leads');
});
