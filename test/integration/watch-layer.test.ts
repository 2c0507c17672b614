/**
 * The watch layer against a real ZooKeeper: gap-free mirroring, races, large and garbage data,
 * a silent partition (SIGSTOP), a restart shorter than the session timeout and a session expiry.
 */
import test from 'ava';
import { ReplaySubject } from 'rxjs';
import { ZkSession } from '../../zk/session.ts';
import { ClusterWatch } from '../../collector/watch/cluster-watch.ts';
import type { NodeEvent, WatchEvent } from '../../collector/watch/events.ts';
import { startZooKeeper, type RunningZooKeeper } from '../../stack/index.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk, workerData } from '../support/plain-zk.ts';
import { sessionExpiredOnServer } from '../support/server-sessions.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { awaitEvent } from '../support/await-event.ts';
import { until } from '../support/poll.ts';

interface Watching {
  watch: ClusterWatch;
  session: ZkSession;
  seen: WatchEvent[];
  events$: ReplaySubject<WatchEvent>;
}

async function watchRoot(connectString: string, root: string, opts: { sessionTimeout?: number; probeIntervalMs?: number; probeTimeoutMs?: number; maxDataBytes?: number } = {}): Promise<Watching> {
  const session = new ZkSession({
    connectString,
    sessionTimeout: opts.sessionTimeout ?? 10_000,
    probeIntervalMs: opts.probeIntervalMs ?? 500,
    probeTimeoutMs: opts.probeTimeoutMs ?? 1000,
    now: Date.now,
  });
  const watch = new ClusterWatch({ session, clusters: [{ name: 'c', root }], maxDataBytes: opts.maxDataBytes ?? 65_536, now: Date.now });
  const seen: WatchEvent[] = [];
  const events$ = new ReplaySubject<WatchEvent>();
  watch.events$.subscribe((e) => {
    seen.push(e);
    events$.next(e);
  });
  watch.start();
  await awaitEvent(events$, (e) => e.kind === 'synced', 20_000, 'first sync');
  return { watch, session, seen, events$ };
}

/** Fold node events into path → mzxid: what the watch layer believes the tree is. */
function mirror(events: WatchEvent[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of events) {
    if (e.kind === 'added' || e.kind === 'changed') m.set(e.path, e.stat.mzxid);
    else if (e.kind === 'removed') m.delete(e.path);
  }
  return m;
}

/** Read the real tree the way the layout says (leaves only), path → mzxid. */
async function readTree(zk: PlainZk, root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const children = (p: string) =>
    new Promise<string[]>((resolve) => zk.client.getChildren(p, (err, kids) => resolve(err ? [] : kids)));
  const stat = async (rel: string) => {
    const s = await zk.exists(`${root}/${rel}`);
    if (s) out.set(rel, s.mzxid.readBigInt64BE(0).toString());
  };
  await stat('master');
  for (const c of ['workers', 'election', 'tasks', 'status']) for (const k of await children(`${root}/${c}`)) await stat(`${c}/${k}`);
  for (const w of await children(`${root}/assign`)) for (const t of await children(`${root}/assign/${w}`)) await stat(`assign/${w}/${t}`);
  return out;
}

test('mirrors the layout gap-free through a burst of creates, updates and deletes', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(zkAddr);
  await zk.mkdirp(`${root}/workers`);
  await zk.mkdirp(`${root}/tasks`);
  const w = await watchRoot(zkAddr, root);
  t.teardown(() => Promise.all([w.watch.stop(), zk.close()]).then(() => undefined));

  // no awaits between most writes: changes land between triggers and re-arms
  const ops: Promise<unknown>[] = [];
  for (let i = 0; i < 60; i++) ops.push(zk.create(`${root}/workers/w${i}`, workerData(`w${i}`), 'ephemeral'));
  for (let round = 0; round < 5; round++) for (let i = 0; i < 60; i += 3) ops.push(zk.set(`${root}/workers/w${i}`, workerData(`w${i}`, { state: round % 2 ? 'busy' : 'ready' })));
  for (let i = 0; i < 60; i += 4) ops.push(zk.remove(`${root}/workers/w${i}`));
  for (let i = 0; i < 20; i++) ops.push(zk.create(`${root}/tasks/t${i}`, `{"n":${i}}`));
  ops.push(zk.mkdirp(`${root}/assign/w1`).then(() => zk.create(`${root}/assign/w1/t1`, null)));
  ops.push(zk.create(`${root}/master`, '{"id":"m1","since":1}', 'ephemeral'));
  await Promise.all(ops);
  // a marker written last: once it is seen, everything before it must have been seen too
  await zk.create(`${root}/tasks/zz-marker`, 'x');
  await awaitEvent(w.events$, (e) => e.kind === 'added' && e.path === 'tasks/zz-marker', 10_000, 'marker');
  // a data watch may still be re-reading a node changed just before the marker: wait for quiet
  const real = JSON.stringify([...(await readTree(zk, root))].sort());
  await until('the mirror to equal the tree', async () => JSON.stringify([...mirror(w.seen)].sort()), (m) => m === real, 5000, 50).catch(() => undefined);
  t.deepEqual(JSON.stringify([...mirror(w.seen)].sort()), real);
  // each worker node was added exactly once; removed ones exactly once
  const added = w.seen.filter((e): e is NodeEvent => e.kind === 'added' && e.path.startsWith('workers/'));
  t.is(new Set(added.map((e) => e.path)).size, added.length);
  // a worker created and deleted between two reads is never seen; every removal seen was of a node seen before
  const removed = w.seen.filter((e): e is NodeEvent => e.kind === 'removed' && e.path.startsWith('workers/'));
  t.true(removed.every((r) => added.some((a) => a.path === r.path)));
  t.is(new Set(removed.map((e) => e.path)).size, removed.length);
  t.true(w.seen.some((e) => e.kind === 'added' && e.path === 'assign/w1/t1'));
});

test('a node deleted and re-created under the same name shows as removed then added', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(zkAddr);
  await zk.mkdirp(`${root}/workers`);
  await zk.create(`${root}/master`, '{"id":"m1"}', 'ephemeral');
  const w = await watchRoot(zkAddr, root);
  t.teardown(() => Promise.all([w.watch.stop(), zk.close()]).then(() => undefined));
  const first = w.seen.find((e): e is NodeEvent => e.kind === 'added' && e.path === 'master');
  t.truthy(first);
  await Promise.all([zk.remove(`${root}/master`), zk.create(`${root}/master`, '{"id":"m2"}', 'ephemeral')]);
  const again = await awaitEvent(w.events$, (e) => e.kind === 'added' && e.path === 'master' && e.data === '{"id":"m2"}', 10_000, 'new master');
  const removed = w.seen.filter((e) => e.kind === 'removed' && e.path === 'master');
  t.is(removed.length, 1);
  t.not((again as NodeEvent).stat.czxid, first!.stat.czxid);
});

test('garbage and 1 MB data are passed on, not fatal: large data comes without its bytes', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(zkAddr);
  await zk.mkdirp(`${root}/workers`);
  const w = await watchRoot(zkAddr, root, { maxDataBytes: 1024 });
  t.teardown(() => Promise.all([w.watch.stop(), zk.close()]).then(() => undefined));
  const big = Buffer.alloc(1024 * 1024 - 4096, 0x41); // just under jute.maxbuffer with the request's framing
  await zk.create(`${root}/workers/garbage`, Buffer.from([0xff, 0x00, 0xfe, 0x7b]), 'ephemeral');
  await zk.create(`${root}/workers/huge`, big, 'ephemeral');
  await zk.create(`${root}/workers/fine`, workerData('fine'), 'ephemeral');
  const huge = (await awaitEvent(w.events$, (e) => e.kind === 'added' && e.path === 'workers/huge', 10_000, 'huge')) as NodeEvent;
  t.is(huge.data, null);
  t.is(huge.stat.dataLength, big.length);
  const garbage = w.seen.find((e): e is NodeEvent => e.kind === 'added' && e.path === 'workers/garbage');
  t.is(typeof garbage?.data, 'string');
  await awaitEvent(w.events$, (e) => e.kind === 'added' && e.path === 'workers/fine', 10_000, 'fine');
});

/** A private ZooKeeper for the tests that stop, pause or restart it. */
async function privateZk(t: { teardown(fn: () => Promise<void>): void }): Promise<RunningZooKeeper> {
  const zk = await startZooKeeper();
  t.teardown(() => zk.stop());
  return zk;
}

test.serial('a silent partition (SIGSTOP) is noticed within the probe timeout, then resynced after', async (t) => {
  const server = await privateZk(t);
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(server.connectString, 20_000);
  await zk.mkdirp(`${root}/workers`);
  await zk.create(`${root}/workers/w1`, workerData('w1'), 'ephemeral');
  const w = await watchRoot(server.connectString, root, { sessionTimeout: 20_000, probeIntervalMs: 300, probeTimeoutMs: 1000 });
  t.teardown(() => Promise.all([w.watch.stop(), zk.close()]).then(() => undefined));

  const pausedAt = Date.now();
  await server.pause();
  const down = await awaitEvent(w.events$, (e) => e.kind === 'connection' && e.state === 'disconnected', 10_000, 'disconnected');
  const noticedAfter = down.time - pausedAt;
  // probe interval + probe timeout, plus scheduling slack on a loaded machine
  t.true(noticedAfter <= 300 + 1000 + 700, `noticed after ${noticedAfter} ms`);
  t.is((down as { reason?: string }).reason, 'probe timeout');
  server.resume();
  await awaitEvent(w.events$, (e) => e.kind === 'connection' && e.state === 'reconnected', 20_000, 'reconnected');
  const synced = await awaitEvent(w.events$, (e) => e.kind === 'synced' && e.time >= down.time, 20_000, 'resync');
  t.true((synced as { afterBlind?: boolean }).afterBlind);
  // the worker never went away: no removal seen
  t.false(w.seen.some((e) => e.kind === 'removed'));
});

test.serial('a ZooKeeper restart shorter than the session timeout removes nothing', async (t) => {
  const server = await privateZk(t);
  const root = uniqueRoot(t);
  // The workers' session must survive the restart too. A bare library client can stall for good on a
  // connect the restarting server accepted but never answered (its issue #13), and then its session
  // and the workers expire: the workers' client is a ZkSession, which notices that and reconnects.
  const owner = new ZkSession({ connectString: server.connectString, sessionTimeout: 10_000, probeIntervalMs: 500, probeTimeoutMs: 1000, now: Date.now });
  const ownerUp = awaitEvent(owner.states$, (s) => s.state === 'connected', 15_000, 'workers session');
  owner.start();
  await ownerUp;
  const zk = PlainZk.of(owner.client);
  await zk.mkdirp(`${root}/workers`);
  for (let i = 0; i < 5; i++) await zk.create(`${root}/workers/w${i}`, workerData(`w${i}`), 'ephemeral');
  const w = await watchRoot(server.connectString, root, { sessionTimeout: 10_000 });
  t.teardown(() => Promise.all([w.watch.stop(), owner.close()]).then(() => undefined));
  t.is(w.seen.filter((e) => e.kind === 'added').length, 5);

  const ownerBack = awaitEvent(owner.states$, (s) => s.state === 'reconnected', 30_000, 'workers session back');
  await server.kill('SIGKILL');
  await awaitEvent(w.events$, (e) => e.kind === 'connection' && e.state === 'disconnected', 10_000, 'disconnected');
  await server.start();
  await awaitEvent(w.events$, (e) => e.kind === 'connection' && e.state === 'reconnected', 30_000, 'reconnected');
  await awaitEvent(w.events$, (e) => e.kind === 'synced' && e.afterBlind === true, 30_000, 'resync');
  // the workers' session is back too; a change after recovery is still seen
  await ownerBack;
  await PlainZk.of(owner.client).set(`${root}/workers/w0`, workerData('w0', { state: 'busy' }));
  await awaitEvent(w.events$, (e) => e.kind === 'changed' && e.path === 'workers/w0', 10_000, 'change after restart');
  t.false(w.seen.some((e) => e.kind === 'removed'));
  t.false(w.seen.some((e) => e.kind === 'connection' && e.state === 'expired'));
});

test.serial('session expiry: a new session, and a resync that emits exactly the real differences once, marked afterBlind', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const proxy = await startTcpProxy(zkAddr);
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(zkAddr);
  await zk.mkdirp(`${root}/workers`);
  for (const id of ['a', 'b', 'c']) await zk.create(`${root}/workers/${id}`, workerData(id), 'ephemeral');
  const w = await watchRoot(proxy.address, root, { sessionTimeout: 2000, probeIntervalMs: 300, probeTimeoutMs: 800 });
  t.teardown(() => Promise.all([w.watch.stop(), zk.close(), proxy.close()]).then(() => undefined));
  const oldSession = w.session.sessionId;

  // partition the collector for longer than its session timeout, and change the tree meanwhile
  proxy.block();
  await awaitEvent(w.events$, (e) => e.kind === 'connection' && e.state === 'disconnected', 10_000, 'disconnected');
  const blindFrom = w.seen.length;
  await zk.remove(`${root}/workers/b`);
  await zk.create(`${root}/workers/d`, workerData('d'), 'ephemeral');
  await zk.set(`${root}/workers/a`, workerData('a', { state: 'busy' }));
  await sessionExpiredOnServer(zkAddr, oldSession!); // the partition lasts until the server expired the session
  proxy.unblock();
  await awaitEvent(w.events$, (e) => e.kind === 'connection' && e.state === 'expired', 20_000, 'expired');
  await awaitEvent(w.events$, (e) => e.kind === 'synced' && e.afterBlind === true, 20_000, 'resync');
  t.not(w.session.sessionId, oldSession);
  const diff = w.seen
    .slice(blindFrom)
    .filter((e): e is NodeEvent => e.kind === 'added' || e.kind === 'changed' || e.kind === 'removed')
    .map((e) => `${e.kind} ${e.path} ${e.afterBlind === true}`)
    .sort();
  t.deepEqual(diff, ['added workers/d true', 'changed workers/a true', 'removed workers/b true']);
  t.deepEqual([...mirror(w.seen).keys()].sort(), ['workers/a', 'workers/c', 'workers/d']);
});

test.serial('ZooKeeper down longer than the session timeout: after recovery exactly the real differences', async (t) => {
  const server = await privateZk(t);
  const root = uniqueRoot(t);
  const admin = await PlainZk.connect(server.connectString, 3000);
  await admin.mkdirp(`${root}/workers`);
  await admin.close();
  // three worker "processes", each with its own session; c's times out after 3 s, a's and b's after 10 s
  const workers = await Promise.all([10_000, 10_000, 3000].map((timeout) => PlainZk.connect(server.connectString, timeout)));
  await Promise.all(workers.map((w, i) => w.create(`${root}/workers/${'abc'[i]}`, workerData('abc'[i]!), 'ephemeral')));
  const w = await watchRoot(server.connectString, root, { sessionTimeout: 10_000, probeIntervalMs: 300, probeTimeoutMs: 800 });
  t.teardown(() => Promise.all([w.watch.stop(), ...workers.slice(0, 2).map((z) => z.close())]).then(() => undefined));
  t.is(w.seen.filter((e) => e.kind === 'added').length, 3);

  await server.kill('SIGKILL');
  await awaitEvent(w.events$, (e) => e.kind === 'connection' && e.state === 'disconnected', 10_000, 'disconnected');
  const blindFrom = w.seen.length;
  // worker c's process dies while ZooKeeper is down: its session cannot be renewed
  const dead = workers[2]!;
  dead.client.removeAllListeners();
  (dead.client as unknown as { connectionManager: { connect(): void; socket?: { destroy(): void } } }).connectionManager.connect = () => undefined;
  (dead.client as unknown as { connectionManager: { socket?: { destroy(): void } } }).connectionManager.socket?.destroy();
  await new Promise((r) => setTimeout(r, 4000)); // the outage itself, longer than c's 3 s session timeout
  await server.start();
  // the restarted server gives restored sessions a fresh timeout: c's expires, the others reconnect
  await awaitEvent(w.events$, (e) => e.kind === 'removed' && e.path === 'workers/c', 30_000, 'worker c removed');
  const diff = w.seen
    .slice(blindFrom)
    .filter((e): e is NodeEvent => e.kind === 'added' || e.kind === 'changed' || e.kind === 'removed')
    .map((e) => `${e.kind} ${e.path}`);
  t.deepEqual(diff, ['removed workers/c']);
  t.deepEqual([...mirror(w.seen).keys()].sort(), ['workers/a', 'workers/b']);
});
