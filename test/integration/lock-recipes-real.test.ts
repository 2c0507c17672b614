// The proof that contract/locks.ts reads the lock recipes as they are: Apache Curator's and kazoo's *own* lock
// code (Debian's libcurator-recipes-java 5.4.0 and python3-kazoo 2.8.0, one process per contender, started by
// stack/lock-contenders.ts) contends against the test ZooKeeper; a plain client reads the lock's children.
// Every name the recipe wrote must parse, and lockHolders over them must name exactly the contenders the
// recipe itself let in — before and after the holder releases.
import test, { type ExecutionContext } from 'ava';
import type { Client } from 'node-zookeeper-client';
import { lockHolders, parseLockContender, type Contender } from '../../contract/locks.ts';
import { compileCuratorRecipes } from '../../stack/curator.ts';
import { startLockContender, type LockContender, type LockFlavor } from '../../stack/lock-contenders.ts';
import { until } from '../../stack/poll.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';

// A JVM or Python start plus a session on a busy 2-core machine. A hand-over after a release is one
// delete, one watch event and one getChildren: the same bound, generously.
const START_MS = 90_000;
const HANDOVER_MS = 60_000;

let zk: PlainZk;
const running: LockContender[] = [];

test.before(async () => {
  zk = await PlainZk.connect(await sharedZooKeeper());
  await compileCuratorRecipes();
});

test.after.always(async () => {
  await Promise.all(running.map((c) => c.kill()));
  await zk?.close();
});

function children(client: Client, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => client.getChildren(path, (err, names) => (err ? reject(err) : resolve(names))));
}

/** Start contenders one after another (each one's node exists before the next starts: the queue order). */
async function startInOrder(flavor: LockFlavor, root: string, ids: readonly string[], leases?: number, sessionTimeoutMs?: number): Promise<LockContender[]> {
  const connect = await sharedZooKeeper();
  const started: LockContender[] = [];
  for (const id of ids) {
    const c = await startLockContender(connect, flavor, root, id, { readyMs: START_MS, ...(leases === undefined ? {} : { leases }), ...(sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs }) });
    running.push(c);
    started.push(c);
  }
  return started;
}

/** The lock's children as contenders; every name must parse. */
async function contendersAt(t: ExecutionContext, path: string): Promise<Contender[]> {
  const out: Contender[] = [];
  for (const node of await children(zk.client, path)) {
    const parsed = parseLockContender(node);
    t.not(parsed, null, `${path}/${node}: a name the recipe wrote must parse`);
    if (parsed) out.push({ node, ...parsed });
  }
  return out;
}

const nodes = (cs: readonly Contender[]): string[] => cs.map((c) => c.node);
const holdersAt = async (t: ExecutionContext, path: string): Promise<string[]> => nodes(lockHolders(await contendersAt(t, path)));
const held = (cs: readonly LockContender[]): string[] => cs.filter((c) => c.heldNode() !== null).map((c) => c.heldNode()!);

/** Release `holder`, then wait for the first of `waiters` the recipe lets in; it must be the predicted node. */
async function handOver(t: ExecutionContext, path: string, holder: LockContender, waiters: readonly LockContender[], predicted: string): Promise<LockContender> {
  await holder.release();
  const next = await Promise.race(waiters.map((w) => w.holding(HANDOVER_MS).then(() => w)));
  t.is(next.heldNode(), predicted, `after ${holder.id} released, lockHolders named ${predicted}; the recipe let in ${next.id}`);
  return next;
}

for (const flavor of ['curator-mutex', 'kazoo-lock'] as const) {
  test(`${flavor}: every contender name parses; lockHolders names the one the recipe lets in, also after a release`, async (t) => {
    const root = uniqueRoot(t);
    const [a, b, c] = await startInOrder(flavor, root, [`${flavor}-a`, `${flavor}-b`, `${flavor}-c`]) as [LockContender, LockContender, LockContender];
    t.is(await a.holding(HANDOVER_MS), String(a.node), "it holds the node it created");
    const all = await contendersAt(t, root);
    t.deepEqual(nodes(all).sort(), [a.node, b.node, c.node].sort(), 'the children are the three contenders');
    t.true(all.every((x) => x.mode === 'exclusive'));
    t.deepEqual(await holdersAt(t, root), [a.node]);
    t.deepEqual(held([b, c]), [], 'the others wait');

    const predicted = nodes(lockHolders(all.filter((x) => x.node !== a.node)));
    t.deepEqual(predicted, [b.node]);
    const next = await handOver(t, root, a, [b, c], b.node!);
    t.deepEqual(await holdersAt(t, root), [next.heldNode()]);
    t.deepEqual(held([c]), [], 'still one holder');
  });
}

for (const [read, write] of [['curator-read', 'curator-write'], ['kazoo-read', 'kazoo-write']] as const) {
  test(`${read}/${write}: readers share, a writer excludes; lockHolders follows the recipe through two hand-overs`, async (t) => {
    const root = uniqueRoot(t);
    const [r1, r2] = await startInOrder(read, root, [`${read}-1`, `${read}-2`]) as [LockContender, LockContender];
    const [w3] = await startInOrder(write, root, [`${write}-3`]) as [LockContender];
    const [r4] = await startInOrder(read, root, [`${read}-4`]) as [LockContender];
    await Promise.all([r1.holding(HANDOVER_MS), r2.holding(HANDOVER_MS)]);
    const all = await contendersAt(t, root);
    t.deepEqual(nodes(all).sort(), [r1.node, r2.node, w3.node, r4.node].sort());
    t.deepEqual(all.filter((x) => x.node === w3.node).map((x) => x.mode), [write === 'curator-write' ? 'write' : 'exclusive']);
    t.true(all.filter((x) => x.node !== w3.node).every((x) => x.mode === 'read'));
    t.deepEqual(await holdersAt(t, root), [r1.node, r2.node], 'the readers before the first writer hold');
    t.deepEqual(held([w3, r4]), [], 'the writer waits for the readers, the reader after it for the writer');

    await r1.release();
    t.deepEqual(await holdersAt(t, root), [r2.node], 'one reader left: nobody new is let in');
    await handOver(t, root, r2, [w3, r4], w3.node!);
    t.deepEqual(await holdersAt(t, root), [w3.node]);
    t.deepEqual(held([r4]), [], 'a writer holds alone');
    await handOver(t, root, w3, [r4], r4.node!);
    t.deepEqual(await holdersAt(t, root), [r4.node]);
  });
}

test('curator-semaphore (2 leases): every lease holds; the waiter that holds the locks mutex has its lease node too', async (t) => {
  const root = uniqueRoot(t);
  const [s1, s2] = await startInOrder('curator-semaphore', root, ['sem-1', 'sem-2'], 2) as [LockContender, LockContender];
  await Promise.all([s1.holding(HANDOVER_MS), s2.holding(HANDOVER_MS)]);
  const [s3] = await startInOrder('curator-semaphore', root, ['sem-3'], 2) as [LockContender];
  // s3 takes the `locks` mutex, creates its lease, and waits for one of the two to return
  const leases = await until('a third lease node', () => children(zk.client, `${root}/leases`), (names) => names.length === 3, START_MS);
  const [s4] = await startInOrder('curator-semaphore', root, ['sem-4'], 2) as [LockContender];
  await until('a second contender of the locks mutex', () => children(zk.client, `${root}/locks`), (names) => names.length === 2, START_MS);

  const leaseContenders = await contendersAt(t, `${root}/leases`);
  t.true(leaseContenders.every((x) => x.mode === 'lease'));
  const mutex = await contendersAt(t, `${root}/locks`);
  t.true(mutex.every((x) => x.mode === 'exclusive'), 'the semaphore queues in an InterProcessMutex');
  t.is(lockHolders(mutex).length, 1, 'one acquirer at a time');

  const holders = nodes(lockHolders(leaseContenders));
  t.deepEqual([...holders].sort(), [...leases].sort(), 'lockHolders names every lease');
  const extra = holders.filter((n) => n !== s1.heldNode() && n !== s2.heldNode());
  t.is(extra.length, 1);
  t.is(extra[0], holders[holders.length - 1], "the lease that does not hold yet is the newest (Curator creates it, then counts)");
  t.deepEqual(held([s3, s4]), []);

  const next = await handOver(t, root, s1, [s3, s4], extra[0]!);
  t.is(next, s3, 'the mutex holder gets the returned lease');
});

// Within the test server's session limits (stack/zookeeper-config.ts); a crashed holder's node goes at expiry.
const CRASH_SESSION_MS = 4_000;

for (const flavor of ['curator-mutex', 'kazoo-lock'] as const) {
  test(`${flavor}: a holder stopped and resumed (SIGSTOP/SIGCONT) keeps the lock; killed, its node expires and the next holds`, async (t) => {
    const root = uniqueRoot(t);
    const [a, b] = await startInOrder(flavor, root, [`${flavor}-a`, `${flavor}-b`], undefined, CRASH_SESSION_MS) as [LockContender, LockContender];
    await a.holding(HANDOVER_MS);
    t.true(a.pid > 0);
    a.stop();
    t.deepEqual(await holdersAt(t, root), [a.node], 'a hung holder: its session is alive, its node stays');
    a.cont();
    const all = await contendersAt(t, root);
    const predicted = nodes(lockHolders(all.filter((x) => x.node !== a.node)));
    t.deepEqual(predicted, [b.node]);
    await a.kill();
    t.is(await b.holding(CRASH_SESSION_MS + HANDOVER_MS), String(b.node), 'after the session expired the recipe let in the one lockHolders named');
    t.deepEqual(await holdersAt(t, root), [b.node]);
  });
}

// Curator ≥ 5.5.0 (CURATOR-621, 2c283bd9) names the write holder's own read node __READ__<the writer's sequence>,
// and lockHolders names it (test/unit/locks.test.ts). Debian's 5.4.0, which runs here, predates that: the read
// node is a later sequential one, granted only because the same thread holds the write lock, which the names
// cannot show. This test pins down that documented limit, so an upgrade that changes it is noticed.
test('curator-write-read (Curator 5.4.0): the write holder\'s own read lock is a later __READ__ node; lockHolders names the writer only', async (t) => {
  const root = uniqueRoot(t);
  const [w] = await startInOrder('curator-write-read', root, ['write-read-1']) as [LockContender];
  const writeNode = await w.process.until('HOLDING', HANDOVER_MS, 1);
  const readNode = await w.process.until('HOLDING', HANDOVER_MS, 2);
  const [r] = await startInOrder('curator-read', root, ['reader-2']) as [LockContender];
  const all = await contendersAt(t, root);
  const byNode = new Map(all.map((c) => [c.node, c]));
  t.is(byNode.get(writeNode)?.mode, 'write');
  t.is(byNode.get(readNode)?.mode, 'read');
  t.true((byNode.get(readNode)?.seq ?? -1) > (byNode.get(writeNode)?.seq ?? Infinity), 'before CURATOR-621 the reader node is sequential');
  t.deepEqual(nodes(lockHolders(all)), [writeNode], 'the writer holds; its own later read is counted as waiting');
  t.deepEqual(held([r]), [], 'a reader of another process waits for the writer');
  const predicted = nodes(lockHolders(all.filter((c) => c.node !== writeNode && c.node !== readNode)));
  t.deepEqual(predicted, [r.node]);
  await handOver(t, root, w, [r], r.node!);
});
