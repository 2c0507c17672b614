/**
 * The ZooKeeper layer keeps its changes to node-zookeeper-client on its own clients: after a ZkSession
 * and an agent ran (and parsed replies), a client the same process creates with the library directly
 * has the library's own prototypes and records. And its request deadlines run on the injected clock.
 */
import test from 'ava';
import net from 'node:net';
import { createRequire } from 'node:module';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import zookeeper, { type Client } from 'node-zookeeper-client';
import { createAgent } from '../../agent/index.ts';
import { ZkSession } from '../../zk/session.ts';
import { clientSource, ZkOps } from '../../zk/ops.ts';
import { RequestTimeoutError } from '../../zk/errors.ts';
import { SWEEP_MS } from '../../zk/deadlines.ts';
import { statBytes } from '../../zk/lean-jute.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { until } from '../support/poll.ts';

const require = createRequire(import.meta.url);
type Methods = Record<string, unknown>;
const ConnectionManager = require('node-zookeeper-client/lib/ConnectionManager.js') as { prototype: Methods };
const WatcherManager = require('node-zookeeper-client/lib/WatcherManager.js') as { prototype: Methods };
const jute = require('node-zookeeper-client/lib/jute/index.js') as { Request: { prototype: Methods }; data: Methods; protocol: Methods };

/** The library as it is before anything of ours ran: every method and record the hardening touches. */
function librarySnapshot(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, proto] of [['ConnectionManager', ConnectionManager.prototype], ['WatcherManager', WatcherManager.prototype]] as const) {
    for (const key of Object.getOwnPropertyNames(proto)) out.set(`${name}.${key}`, proto[key]);
  }
  out.set('Request.toBuffer', jute.Request.prototype.toBuffer);
  out.set('data.Stat', jute.data.Stat);
  out.set('protocol.GetDataResponse', jute.protocol.GetDataResponse);
  return out;
}
const original = librarySnapshot();

async function plainClient(t: { teardown(fn: () => unknown): void }, connectString: string): Promise<Client> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: 10_000 });
  const connected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
  client.connect();
  t.teardown(() => client.close());
  await connected;
  return client;
}

test.serial('after a ZkSession and an agent, a client made with the library directly is the library unchanged', async (t) => {
  const connectString = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const session = new ZkSession({ connectString, sessionTimeout: 10_000, probeIntervalMs: 1000, probeTimeoutMs: 3000 });
  const connected = new Promise<void>((resolve) => session.states$.subscribe((s) => s.state === 'connected' && resolve()));
  session.start();
  t.teardown(() => session.close());
  await connected;
  const agent = createAgent({ connectString, root, id: 'w1' });
  t.teardown(() => agent.close());
  await agent.register();
  // our clients parsed replies with the lean records and the guarded handler
  const ours = await session.getData('/zookeeper/config');
  t.not(ours, null);
  t.not(statBytes(ours!.stat), null, "the session's reply is decoded by the lean Stat");
  const cm = (session.client as unknown as { connectionManager: Methods & { watcherManager: Methods } }).connectionManager;
  t.true(Object.hasOwn(cm, 'onSocketData'), "the session's own client is hardened");
  t.true(Object.hasOwn(cm.watcherManager, 'emit'), "the session's own watcher registry is the lean one");

  const changed = [...librarySnapshot()].filter(([key, value]) => original.get(key) !== value).map(([key]) => key);
  t.deepEqual(changed, [], 'no prototype method or record of the library was replaced');

  const theirs = await plainClient(t, connectString);
  const theirCm = (theirs as unknown as { connectionManager: Methods & { watcherManager: Methods } }).connectionManager;
  for (const key of ['onSocketData', 'onPacketQueueReadable', 'findNextServer', 'onSocketError', 'onSocketConnectTimeout', 'onSocketClosed']) {
    t.false(Object.hasOwn(theirCm, key), key);
    t.is(theirCm[key], original.get(`ConnectionManager.${key}`), key);
  }
  t.false(Object.hasOwn(theirCm.watcherManager, 'emit'));
  const reply = await new Promise<{ data: Buffer; stat: zookeeper.Stat }>((resolve, reject) =>
    theirs.getData('/zookeeper/config', (err, data, stat) => (err ? reject(err) : resolve({ data, stat }))),
  );
  t.true(reply.stat instanceof (original.get('data.Stat') as new () => object));
  t.is(statBytes(reply.stat), null, "the plain client's reply is decoded by the library's own Stat");
  t.true(Buffer.isBuffer(Object.getOwnPropertyDescriptor(reply.stat, 'czxid')?.value), 'a plain Stat field, not a lean getter');
});

/** A TCP server that accepts connections and never says a word: requests on it are never answered. */
async function silentServer(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

test('request deadlines run on the injected scheduler: a request nobody answers fails when virtual time passes its deadline', async (t) => {
  const client = zookeeper.createClient(await silentServer(t), { sessionTimeout: 10_000, retries: 0 });
  client.connect();
  t.teardown(() => client.close());
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  const ops = new ZkOps(clientSource(client), { timeoutMs: 5000, scheduler });
  let outcome: unknown = 'pending';
  ops.exists('/anything').then(
    (v) => (outcome = v),
    (err: unknown) => (outcome = err),
  );
  const advanceTo = (ms: number) => {
    scheduler.maxFrames = ms;
    scheduler.flush();
  };
  advanceTo(4999);
  await new Promise((resolve) => setImmediate(resolve));
  t.is(outcome, 'pending', 'no answer and the deadline not passed in virtual time');
  advanceTo(5000 + SWEEP_MS);
  await until('the request to fail', async () => outcome, (o) => o !== 'pending', 1000, 5);
  t.true(outcome instanceof RequestTimeoutError, String(outcome));
  t.regex((outcome as Error).message, /exists \/anything: no answer within 5000 ms/);
});
