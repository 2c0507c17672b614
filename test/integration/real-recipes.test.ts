// The proof that docs/contract.md §8's names are right: Apache Curator's and kazoo's *own* recipes (Debian's
// libcurator-*-java 5.4.0 and python3-kazoo 2.8.0, run as separate processes by stack/curator.ts and
// stack/kazoo.ts) write znodes against the test ZooKeeper, and the names and data they write must parse with
// contract/layouts/ — and the lowest sequence must be the participant the recipe itself made leader.
import test from 'ava';
import type { Client } from 'node-zookeeper-client';
import {
  bySequence,
  decodeCuratorParticipantId,
  decodeCuratorServiceInstance,
  decodeKazooIdentifier,
  parseKazooLockChild,
  parseKazooPartyChild,
  parseLeaderLatchChild,
  parseLeaderSelectorChild,
  parseReadWriteLockChild,
  type Decoded,
} from '../../contract/layouts/index.ts';
import { startCuratorRecipe, compileCuratorRecipes, type CuratorProcess } from '../../stack/curator.ts';
import { startKazooRecipe, type KazooProcess } from '../../stack/kazoo.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';

// The recipes' sessions: short enough that a killed leader's node expires quickly, within ZooKeeper's
// allowed range of the test server (stack/zookeeper.ts: 1 s – 10 s).
const SESSION_MS = 2_000;
// A JVM or Python start plus a session on a busy 2-core machine; a leader change: the session timeout,
// ZooKeeper's expiry tick and the recipe's reaction, generously.
const START_MS = 90_000;
const TAKEOVER_MS = SESSION_MS + 30_000;

function children(client: Client, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => client.getChildren(path, (err, names) => (err ? reject(err) : resolve(names))));
}

function data(client: Client, path: string): Promise<Buffer | null> {
  return new Promise((resolve, reject) => client.getData(path, (err, bytes) => (err ? reject(err) : resolve(bytes ?? null))));
}

function value<T>(t: { fail: (m: string) => void }, r: Decoded<T>, what: string): T {
  if (!r.ok) {
    t.fail(`${what}: ${r.reason}`);
    throw new Error(r.reason);
  }
  return r.value;
}

let zk: PlainZk;
const running: (CuratorProcess | KazooProcess)[] = [];

test.before(async () => {
  zk = await PlainZk.connect(await sharedZooKeeper());
  await compileCuratorRecipes();
});

test.after.always(async () => {
  await Promise.all(running.map((r) => r.process.kill()));
  await zk?.close();
});

async function curator(...args: Parameters<typeof startCuratorRecipe>): Promise<CuratorProcess> {
  const p = await startCuratorRecipe(args[0], args[1], args[2], args[3], { sessionTimeoutMs: SESSION_MS, readyMs: START_MS, ...args[4] });
  running.push(p);
  return p;
}

async function kazoo(...args: Parameters<typeof startKazooRecipe>): Promise<KazooProcess> {
  const p = await startKazooRecipe(args[0], args[1], args[2], args[3], { sessionTimeoutMs: SESSION_MS, readyMs: START_MS, ...args[4] });
  running.push(p);
  return p;
}

test('Curator LeaderLatch: [_c_<uuid>-]latch-<seq>, data = participant id, the lowest sequence leads, a killed leader hands over', async (t) => {
  const connect = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const first = await curator(connect, 'leader-latch', root, 'latch-a');
  await first.process.until('LEADER', START_MS);
  const second = await curator(connect, 'leader-latch', root, 'latch-b');

  const names = await children(zk.client, root);
  t.is(names.length, 2);
  for (const name of names) {
    const child = value(t, parseLeaderLatchChild(name), name);
    t.not(child.protectedId, null, `${name}: LeaderLatch creates withProtection()`);
  }
  t.deepEqual(bySequence(names), [first.node, second.node], 'the first participant holds the lowest sequence');
  t.is(value(t, decodeCuratorParticipantId(await data(zk.client, `${root}/${first.node}`)), 'data'), 'latch-a');
  t.is(value(t, decodeCuratorParticipantId(await data(zk.client, `${root}/${second.node}`)), 'data'), 'latch-b');
  t.deepEqual(second.process.seen('LEADER'), [], 'the second waits');

  await first.process.kill();
  t.is(await second.process.until('LEADER', TAKEOVER_MS), 'latch-b');
  t.deepEqual(bySequence(await children(zk.client, root)), [second.node], 'the new leader is the lowest (only) sequence');
});

test('Curator LeaderSelector: [_c_<uuid>-]lock-<seq>, data = id', async (t) => {
  const connect = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const first = await curator(connect, 'leader-selector', root, 'selector-a');
  await first.process.until('LEADER', START_MS);
  const second = await curator(connect, 'leader-selector', root, 'selector-b');
  const names = await children(zk.client, root);
  for (const name of names) t.not(value(t, parseLeaderSelectorChild(name), name).protectedId, null);
  t.deepEqual(bySequence(names), [first.node, second.node]);
  t.is(value(t, decodeCuratorParticipantId(await data(zk.client, `${root}/${second.node}`)), 'data'), 'selector-b');
  t.deepEqual(second.process.seen('LEADER'), []);
});

test('Curator ServiceDiscovery: <base>/<service>/<id> holding a ServiceInstance JSON', async (t) => {
  const connect = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const a = await curator(connect, 'service-discovery', root, 'search/instance-1');
  t.is(a.node, 'search/instance-1');
  t.deepEqual(await children(zk.client, root), ['search']);
  t.deepEqual(await children(zk.client, `${root}/search`), ['instance-1']);
  const instance = value(t, decodeCuratorServiceInstance(await data(zk.client, `${root}/search/instance-1`)), 'ServiceInstance');
  t.like(instance, { name: 'search', id: 'instance-1', address: '127.0.0.1', port: 8080, sslPort: 8443, serviceType: 'DYNAMIC', payload: 'payload of instance-1', uriSpec: '{scheme}://{address}:{port}' });
  t.true(typeof instance.registrationTimeUTC === 'number' && instance.registrationTimeUTC > 1_600_000_000_000);
  await a.process.leave();
  t.deepEqual(await children(zk.client, `${root}/search`), [], 'leaving unregisters (the node was EPHEMERAL)');
});

test('Curator InterProcessMutex and InterProcessReadWriteLock: lock-<seq>, __READ__<seq>, __WRIT__<seq>', async (t) => {
  const connect = await sharedZooKeeper();
  const mutexRoot = uniqueRoot(t);
  const rwRoot = `${mutexRoot}-rw`;
  const [mutex, reader] = await Promise.all([curator(connect, 'mutex', mutexRoot, 'm1'), curator(connect, 'read-lock', rwRoot, 'reader-1')]);
  t.like(value(t, parseLeaderSelectorChild(mutex.node), mutex.node), { lockName: 'lock-' });
  t.like(value(t, parseReadWriteLockChild(reader.node), reader.node), { lockName: '__READ__' });
  t.is((await data(zk.client, `${rwRoot}/${reader.node}`))?.toString(), 'reader-1', 'InterProcessReadWriteLock(client, path, lockData) writes lockData');
  await reader.process.leave();
  const writer = await curator(connect, 'write-lock', rwRoot, 'writer-1');
  const w = value(t, parseReadWriteLockChild(writer.node), writer.node);
  t.is(w.lockName, '__WRIT__');
  t.true(w.seq > value(t, parseReadWriteLockChild(reader.node), reader.node).seq, 'sequence numbers keep counting under the parent');
});

test('kazoo Election: <hex>__lock__<seq>, data = identifier, the lowest sequence leads, a killed leader hands over', async (t) => {
  const connect = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const first = await kazoo(connect, 'election', root, 'elect-a');
  await first.process.until('LEADER', START_MS);
  const second = await kazoo(connect, 'election', root, 'elect-b');
  const names = await children(zk.client, root);
  for (const name of names) t.like(value(t, parseKazooLockChild(name), name), { kind: 'lock' });
  t.deepEqual(bySequence(names), [first.node, second.node]);
  t.true(names.every((n) => value(t, parseKazooLockChild(n), n).uuid !== null), 'prefixed with uuid4().hex');
  t.is(value(t, decodeKazooIdentifier(await data(zk.client, `${root}/${second.node}`)), 'data'), 'elect-b');

  await first.process.kill();
  t.is(await second.process.until('LEADER', TAKEOVER_MS), 'elect-b');
  t.deepEqual(bySequence(await children(zk.client, root)), [second.node]);
});

test('kazoo Party and ShallowParty: <hex>__party__ (id in the data) and <hex>-<id> (id in the name)', async (t) => {
  const connect = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const [party, shallow] = await Promise.all([kazoo(connect, 'party', root, 'member-1'), kazoo(connect, 'shallow-party', root, 'member-2')]);
  const p = value(t, parseKazooPartyChild(party.node), party.node);
  t.is(p.kind, 'party');
  t.not(p.uuid, null);
  t.is(value(t, decodeKazooIdentifier(await data(zk.client, `${root}/${party.node}`)), 'data'), 'member-1');
  t.like(value(t, parseKazooPartyChild(shallow.node), shallow.node), { kind: 'shallow', id: 'member-2' });
  t.deepEqual((await children(zk.client, root)).sort(), [party.node, shallow.node].sort());
  await party.process.kill();
  await shallow.process.leave();
});

test('kazoo Lock, ReadLock and WriteLock: __lock__ and __rlock__ with the 10-digit sequence', async (t) => {
  const connect = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const reader = await kazoo(connect, 'read-lock', root, 'reader');
  await reader.process.until('ACQUIRED', START_MS);
  const writer = await kazoo(connect, 'write-lock', root, 'writer');
  t.like(value(t, parseKazooLockChild(reader.node), reader.node), { kind: 'rlock', seq: 0 });
  t.like(value(t, parseKazooLockChild(writer.node), writer.node), { kind: 'lock', seq: 1 });
  t.deepEqual(writer.process.seen('ACQUIRED'), [], 'the writer waits for the reader');
  await reader.process.leave();
  t.is(await writer.process.until('ACQUIRED', TAKEOVER_MS), writer.node);
  const lockRoot = `${root}-lock`;
  const lock = await kazoo(connect, 'lock', lockRoot, 'holder');
  t.like(value(t, parseKazooLockChild(lock.node), lock.node), { kind: 'lock', seq: 0 });
});
