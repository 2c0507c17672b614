/**
 * agent.lock() and the lock recipe (zk/lock.ts) against a real ZooKeeper: the contender nodes, their data
 * and ACL; one holder at a time in sequence order; each waiter watching only its predecessor (the
 * server's own watch table, `wchp`); the holder told at once on a disconnect; a create whose answer was
 * lost adopted, not doubled; a node deleted by someone else; waitMs, close() and bad arguments.
 */
import test, { type ExecutionContext } from 'ava';
import { asyncScheduler } from 'rxjs';
import zookeeper from 'node-zookeeper-client';
import { createAgent, AgentArgumentError, LockTimeoutError, type Agent, type AgentOptions, type LockHandle } from '../../agent/index.ts';
import { aclsFor, permsOf } from '../../zk/acl.ts';
import { ZkSession } from '../../zk/session.ts';
import { ZkConnection } from '../../zk/connection.ts';
import { ZkLock } from '../../zk/lock.ts';
import { connectionLoss } from '../../zk/errors.ts';
import { fourLetterWord } from '../../stack/index.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { until } from '../support/poll.ts';
import { connectPlain, childrenOf } from '../support/plain-zk.ts';

/*
 * Deadlines follow from what is awaited: a step of the recipe is a few requests, each up to the request
 * timeout (⅓ of the session timeout, 0.5–4 s) before the agent reconnects and tries again; BUSY_MS is what
 * a loaded machine (2 cores shared by several test runs) adds.
 */
const BUSY_MS = 20_000;
const requestTimeoutOf = (sessionTimeoutMs: number) => Math.min(4000, Math.max(500, Math.floor(sessionTimeoutMs / 3)));
const stepMs = (sessionTimeoutMs = 10_000) => 3 * requestTimeoutOf(sessionTimeoutMs) + BUSY_MS;
const STEP_MS = stepMs();

const hex = (b: Buffer): string => b.toString('hex').padStart(16, '0');

function agentOn(t: ExecutionContext, opts: AgentOptions): Agent {
  const agent = createAgent(opts);
  t.teardown(() => agent.close());
  return agent;
}

/** The contender nodes, lowest sequence first, with the session that owns each. */
async function contenders(zk: PlainZk, lockPath: string): Promise<{ node: string; session: string }[]> {
  const out: { node: string; session: string }[] = [];
  for (const node of await childrenOf(zk, lockPath)) {
    const stat = await zk.exists(`${lockPath}/${node}`);
    if (stat) out.push({ node, session: hex(stat.ephemeralOwner) });
  }
  return out.sort((a, b) => Number(a.node.slice(-10)) - Number(b.node.slice(-10)));
}

/** An ACL as text, `scheme:id:perms`; a digest id as its user (ZooKeeper 3.6+ shows the hash as "x" to readers). */
const aclText = (acls: zookeeper.ACL[]): string[] =>
  acls.map((a) => `${a.id.scheme}:${a.id.scheme === 'digest' ? a.id.id.slice(0, a.id.id.indexOf(':')) : a.id.id}:${permsOf(a)}`).sort();

function getAcl(zk: PlainZk, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => zk.client.getACL(path, (err, acls) => (err ? reject(err) : resolve(aclText(acls)))));
}

function errorCode(run: (cb: (err: unknown) => void) => void): Promise<number | undefined> {
  return new Promise((resolve) => run((err) => resolve((err as { getCode?: () => number } | null)?.getCode?.())));
}

/** The server's watches by path (`wchp`), for the paths under `prefix`: path → sessions (16 hex digits). */
async function watchesUnder(zkAddr: string, prefix: string): Promise<Map<string, string[]>> {
  const text = await fourLetterWord(Number(zkAddr.split(':')[1]), 'wchp');
  const watches = new Map<string, string[]>();
  let path: string | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      path = line.trim();
      continue;
    }
    if (path === null || !path.startsWith(prefix)) continue;
    const list = watches.get(path) ?? [];
    list.push(BigInt(line.trim()).toString(16).padStart(16, '0'));
    watches.set(path, list.sort());
  }
  return watches;
}

const pending = Symbol('pending');
const settledYet = <T>(p: Promise<T>): Promise<T | typeof pending> => Promise.race([p, new Promise<typeof pending>((r) => setImmediate(() => r(pending)))]);

function deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

test('five agents: one holder at a time in sequence order; each waiter watches only its predecessor; data {"owner"} and the ACL of our nodes', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const lockPath = `${root}/locks/nightly`;
  const zk = await connectPlain(t, zkAddr);
  const auth = 'app:pw';
  const agents = ['a0', 'a1', 'a2', 'a3', 'a4'].map((id) => agentOn(t, { connectString: zkAddr, root, id, auth }));
  const attempts = agents.map((a) => a.lock('nightly'));
  for (const a of attempts) a.catch(() => undefined); // a failed assertion closes the agents: close() rejects the waits
  const queue = await until('five contenders', () => contenders(zk, lockPath), (c) => c.length === 5, STEP_MS);
  const agentOf = (session: string) => agents.find((a) => a.diagnostics().sessionId === session)!;
  const order = queue.map((c) => agentOf(c.session));
  t.is(new Set(order).size, 5, 'one contender node per agent');

  // the server's watch table: the holder watches its own node, each waiter just the one before it; nobody the children
  const expected = new Map<string, string[]>();
  queue.forEach((c, i) => {
    const watchers = [i + 1 < queue.length ? queue[i + 1]!.session : null, i === 0 ? c.session : null].filter((s): s is string => s !== null);
    if (watchers.length > 0) expected.set(`${lockPath}/${c.node}`, watchers.sort());
  });
  const sorted = (m: Map<string, string[]>) => Object.fromEntries([...m].sort(([p], [q]) => (p < q ? -1 : 1)));
  const table = await until('the waiters\' watches', () => watchesUnder(zkAddr, root), (w) => JSON.stringify(sorted(w)) === JSON.stringify(sorted(expected)), STEP_MS);
  t.deepEqual(sorted(table), sorted(expected));

  // data and ACLs: ours are creator-all + world-read; the containers add world CREATE for other agents
  const first = queue[0]!;
  const data = await new Promise<Buffer>((resolve, reject) => zk.client.getData(`${lockPath}/${first.node}`, (e, d) => (e ? reject(e) : resolve(d))));
  t.deepEqual(JSON.parse(data.toString()), { owner: order[0]!.id });
  const acls = aclsFor(auth);
  t.deepEqual(await getAcl(zk, `${lockPath}/${first.node}`), aclText(acls.node));
  t.deepEqual(aclText(acls.node), ['digest:app:31', 'world:anyone:1']);
  t.deepEqual(await getAcl(zk, lockPath), aclText(acls.container));
  t.deepEqual(await getAcl(zk, `${root}/locks`), aclText(acls.container));
  t.deepEqual(aclText(acls.container), ['digest:app:31', 'world:anyone:5']);
  // without the credentials nobody can take the lock from its holder or rewrite its owner
  t.is(await errorCode((cb) => zk.client.remove(`${lockPath}/${first.node}`, -1, cb)), zookeeper.Exception.NO_AUTH);
  t.is(await errorCode((cb) => zk.client.setData(`${lockPath}/${first.node}`, Buffer.from('{"owner":"eve"}'), -1, cb)), zookeeper.Exception.NO_AUTH);

  // hand it down the queue: each release wakes the next one only
  const handles: LockHandle[] = [];
  const wakeups = () => agents.reduce((n, a) => n + a.diagnostics().lockPredecessorWakeups, 0);
  for (let i = 0; i < 5; i++) {
    const holder = order[i]!;
    const handle = await deadline(attempts[agents.indexOf(holder)]!, STEP_MS, `${holder.id} to hold`);
    t.is(handle.node, queue[i]!.node);
    t.true(handle.held);
    for (const other of handles) t.false(other.held, `${other.node} released before ${handle.node} held`);
    if (i > 0) t.true(BigInt(handle.token) > BigInt(handles[i - 1]!.token), 'fencing tokens grow');
    t.is(wakeups(), i, 'one wake-up per release, never a herd');
    for (let j = i + 1; j < 5; j++) t.is(await settledYet(attempts[agents.indexOf(order[j]!)]!), pending, `${order[j]!.id} still waits`);
    handles.push(handle);
    await handle.release();
    t.false(handle.held);
    t.is(await settledYet(handle.lost), pending, 'a released lock is not "lost"');
  }
  t.deepEqual(await childrenOf(zk, lockPath), []);
  t.is(wakeups(), 4);
});

test.serial('a disconnect tells the holder at once (lost: disconnected), not at expiry; its node goes and the next waiter holds', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const lockPath = `${root}/locks/job`;
  const zk = await connectPlain(t, zkAddr);
  const proxy = await startTcpProxy(zkAddr);
  t.teardown(() => proxy.close());
  const sessionTimeoutMs = 6000;
  const a = agentOn(t, { connectString: proxy.address, root, id: 'a', sessionTimeoutMs });
  const b = agentOn(t, { connectString: zkAddr, root, id: 'b' });
  const held = await deadline(a.lock('job'), STEP_MS, 'a to hold');
  const next = b.lock('job');
  await until('b waits', () => contenders(zk, lockPath), (c) => c.length === 2, STEP_MS);
  proxy.block();
  const loss = await deadline(held.lost, stepMs(sessionTimeoutMs), 'a to be told');
  t.is(loss.reason, 'disconnected');
  t.is(loss.message, 'lock job: the connection to ZooKeeper dropped: the session may expire and the lock go to the next contender');
  t.false(held.held);
  t.is(await settledYet(next), pending, 'b does not hold it while a\'s session may still live');
  proxy.unblock();
  const taken = await deadline(next, sessionTimeoutMs + STEP_MS, 'b to hold');
  t.true(taken.held);
  t.deepEqual((await contenders(zk, lockPath)).map((c) => c.node), [taken.node]);
  // a may lock again: it queues behind b
  const again = a.lock('job');
  await until('a queues again', () => contenders(zk, lockPath), (c) => c.length === 2, STEP_MS);
  await taken.release();
  t.true((await deadline(again, STEP_MS, 'a to hold again')).held);
});

test('a create whose answer was lost: the node our session made is adopted, never a second one that would wait behind our own orphan', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const lockPath = `${root}/locks/job`;
  const zk = await connectPlain(t, zkAddr);
  const session = new ZkSession({ connectString: zkAddr, sessionTimeout: 10_000, probeIntervalMs: 1000, probeTimeoutMs: 3000 });
  const conn = new ZkConnection(session);
  const ops = session.ops;
  const create = ops.create.bind(ops);
  let creates = 0;
  // the server makes the node, the answer never reaches us: what a dropped connection does to a create
  ops.create = async (...args) => {
    const path = await create(...args);
    if (!args[0].endsWith('/lock-')) return path; // the lock node's containers
    if (creates++ === 0) throw connectionLoss();
    return path;
  };
  const errors: Error[] = [];
  const lock = new ZkLock({ ops, conn, path: lockPath, data: () => Buffer.from('{"owner":"x"}'), acls: aclsFor(undefined), report: (e) => errors.push(e), scheduler: asyncScheduler }, 'job');
  conn.events$.subscribe((e) => e.kind === 'connection' && lock.onConnection(e.state));
  t.teardown(async () => {
    conn.close();
    await session.close();
  });
  session.start();
  await deadline(lock.acquire(), STEP_MS, 'the lock');
  t.is(creates, 1, 'no second create');
  const mine = await contenders(zk, lockPath);
  t.deepEqual(mine, [{ node: lock.node!, session: session.sessionId! }]);
  await lock.release();
  t.deepEqual(await childrenOf(zk, lockPath), []);
  t.deepEqual(errors, []);
});

test('our node deleted by someone else: the holder loses the lock (deleted); a waiter finds its own node gone when its predecessor goes and joins again', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const lockPath = `${root}/locks/job`;
  const zk = await connectPlain(t, zkAddr);
  const a = agentOn(t, { connectString: zkAddr, root, id: 'a' });
  const b = agentOn(t, { connectString: zkAddr, root, id: 'b' });
  const held = await deadline(a.lock('job'), STEP_MS, 'a to hold');
  const next = b.lock('job');
  const [, waiter] = await until('b waits', () => contenders(zk, lockPath), (c) => c.length === 2, STEP_MS);
  // the waiter watches only its predecessor: it learns that its own node is gone when that one goes
  await zk.remove(`${lockPath}/${waiter!.node}`);
  t.is(await settledYet(next), pending);
  await zk.remove(`${lockPath}/${held.node}`);
  const loss = await deadline(held.lost, STEP_MS, 'a to be told');
  t.is(loss.reason, 'deleted');
  t.false(held.held);
  const taken = await deadline(next, STEP_MS, 'b to hold');
  t.true(Number(taken.node.slice(-10)) > Number(waiter!.node.slice(-10)), 'a new node at the end of the queue');
  t.deepEqual(await contenders(zk, lockPath), [{ node: taken.node, session: waiter!.session }]);
});

test('lock(): bad names throw naming the lock, a second lock() of one name is refused, waitMs gives up and withdraws the node, close() loses a held lock', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const lockPath = `${root}/locks/job`;
  const zk = await connectPlain(t, zkAddr);
  const a = agentOn(t, { connectString: zkAddr, root, id: 'a' });
  const b = agentOn(t, { connectString: zkAddr, root, id: 'b' });
  t.throws(() => a.lock('x/y'), { instanceOf: AgentArgumentError, message: 'lock name: must not contain \'/\', got "x/y"' });
  t.throws(() => a.lock(''), { instanceOf: AgentArgumentError, message: 'lock name: must not be empty' });
  t.throws(() => a.lock('job', { waitMs: -1 }), { instanceOf: AgentArgumentError, message: /^lock waitMs: expected whole milliseconds/ });
  t.is(await zk.exists(`${root}/locks`), null, 'nothing written');
  const held = await deadline(a.lock('job'), STEP_MS, 'a to hold');
  t.throws(() => a.lock('job'), { instanceOf: AgentArgumentError, message: /^lock "job": this agent already holds or waits for it/ });
  await t.throwsAsync(b.lock('job', { waitMs: 500 }), { instanceOf: LockTimeoutError, message: 'lock job: not acquired within 500 ms' });
  await until('b\'s node withdrawn', () => contenders(zk, lockPath), (c) => c.length === 1 && c[0]!.node === held.node, STEP_MS);
  const next = b.lock('job');
  await until('b waits', () => contenders(zk, lockPath), (c) => c.length === 2, STEP_MS);
  await a.close();
  t.deepEqual(await deadline(held.lost, STEP_MS, 'closed'), { reason: 'closed', message: 'lock job: the agent was closed' });
  t.true((await deadline(next, STEP_MS, 'b to hold')).held);
});
