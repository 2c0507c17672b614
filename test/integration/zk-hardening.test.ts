/**
 * node-zookeeper-client throws from its socket handler on a corrupt stream (its issues #23, #39, #89).
 * Against a misbehaving server that speaks garbage, the session reports the problem, drops the
 * connection and keeps the process alive; against the real server afterwards it connects normally.
 */
import test from 'ava';
import net from 'node:net';
import { ZkSession } from '../../zk/session.ts';
import type { ConnectionEvent } from '../../collector/watch/events.ts';
import { sharedZooKeeper } from '../support/services.ts';
import { until } from '../support/poll.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { PlainZk } from '../support/plain-zk.ts';

/** A TCP server that answers every connect request with `reply` bytes. */
async function garbageServer(reply: Buffer): Promise<{ address: string; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => socket.write(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A ZkSession started against `connectString`, connected, closed when the test ends. */
async function connectedSession(
  t: { teardown(fn: () => unknown): void },
  connectString: string,
  timing = { sessionTimeout: 10_000, probeIntervalMs: 1000, probeTimeoutMs: 3000 },
): Promise<ZkSession> {
  const session = new ZkSession({ connectString, ...timing, now: Date.now });
  const connected = new Promise<void>((resolve) => session.states$.subscribe((s) => s.state === 'connected' && resolve()));
  session.start();
  t.teardown(() => session.close());
  await connected;
  return session;
}

for (const [name, reply] of [
  ['an impossible packet size', Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3])],
  // a well-framed connect response whose body is too short to parse: the library's parser throws
  ['a truncated connect response', Buffer.concat([Buffer.from([0, 0, 0, 6]), Buffer.from([0, 0, 0, 0, 0, 1])])],
] as const) {
  test(`a server sending ${name} costs a connection, never the process`, async (t) => {
    const server = await garbageServer(reply);
    const warnings: string[] = [];
    const session = new ZkSession({
      connectString: server.address,
      sessionTimeout: 4000,
      probeIntervalMs: 200,
      probeTimeoutMs: 500,
      now: Date.now,
      onWarning: (m) => warnings.push(m),
    });
    const states: ConnectionEvent[] = [];
    session.states$.subscribe((s) => states.push(s));
    session.start();
    t.teardown(async () => {
      await session.close();
      await server.close();
    });
    // the client keeps reconnecting after each dropped connection: wait for a few
    await until('three dropped connections', async () => server.connections(), (n) => n >= 3, 10_000, 50);
    t.true(warnings.some((w) => /socket handler threw/.test(w)), warnings.join('\n'));
    t.false(states.some((s) => s.state === 'connected'));
  });
}

test('the guarded client still works against a real server with a burst of replies', async (t) => {
  const session = await connectedSession(t, await sharedZooKeeper());
  // thousands of pipelined replies arrive in few chunks: parsed packet by packet, no recursion
  // (the point is parsing, not speed: a busy machine may take longer than one request's 3 s to answer 5,000)
  const BURST_MS = 60_000;
  const replies = await Promise.all(Array.from({ length: 5000 }, () => session.ops.exists('/zookeeper', undefined, BURST_MS)));
  t.is(replies.length, 5000);
  t.true(replies.every((s) => s !== null));
});

test('a request made straight on a client the session then replaces fails with connection loss, never hangs', async (t) => {
  const proxy = await startTcpProxy(await sharedZooKeeper());
  t.teardown(() => proxy.close());
  const session = await connectedSession(t, proxy.address, { sessionTimeout: 4000, probeIntervalMs: 200, probeTimeoutMs: 500 });
  const down = new Promise<void>((resolve) => session.states$.subscribe((s) => s.state === 'disconnected' && resolve()));
  proxy.block();
  await down;
  // the replacement client is still connecting: a request now waits in its queue, unsent; as the alert
  // state store does, it is the library's own call, with no timeout of ours around it
  const answer = new Promise<number | undefined>((resolve) =>
    session.client.getData('/zookeeper', (err) => resolve((err as { getCode?: () => number } | null)?.getCode?.())),
  );
  t.is(await answer, -4, 'CONNECTION_LOSS once the probe has replaced the client');
});

test('direct getData: data, stat, a watch that fires once, a missing node as null, and a chroot', async (t) => {
  const connectString = await sharedZooKeeper();
  const root = `/zk-direct-${process.pid}-${Date.now()}`;
  const plain = await PlainZk.connect(connectString);
  t.teardown(() => plain.close());
  await plain.mkdirp(`${root}/sub`);
  await plain.create(`${root}/sub/leaf`, 'hello');

  // the session sees the tree through a chroot: the path on the wire gets the prefix
  const session = await connectedSession(t, `${connectString}${root}`);

  const fired: string[] = [];
  let firedOnce!: () => void;
  const changed = new Promise<void>((resolve) => (firedOnce = resolve));
  const watcher = (e: { getName(): string }) => {
    fired.push(e.getName());
    firedOnce();
  };
  const reply = await session.getData('/sub/leaf', watcher);
  t.is(reply?.data?.toString(), 'hello');
  t.is(reply?.stat.version, 0);
  t.is(await session.getData('/sub/missing'), null);

  await plain.set(`${root}/sub/leaf`, 'again');
  await changed;
  await plain.set(`${root}/sub/leaf`, 'and again');
  const after = await session.getData('/sub/leaf');
  t.is(after?.data?.toString(), 'and again');
  t.deepEqual(fired, ['NODE_DATA_CHANGED'], 'a one-shot watch: the second change fires nothing');
});

test('thousands of requests queued in one tick leave in few writes and are answered in order', async (t) => {
  const session = await connectedSession(t, await sharedZooKeeper());
  const socket = (session.client as unknown as { connectionManager: { socket: { write(b: Buffer): boolean } } }).connectionManager.socket;
  const write = socket.write;
  let writes = 0;
  socket.write = function counted(this: unknown, b: Buffer) {
    writes++;
    return write.call(this, b);
  };
  t.teardown(() => {
    socket.write = write;
  });
  // mixed kinds, answered by xid: a reply matched to the wrong request would give the wrong shape
  const answers = await Promise.all(
    Array.from({ length: 6000 }, (_, i) => (i % 3 === 0 ? session.exists('/zookeeper') : i % 3 === 1 ? session.getData('/zookeeper/config') : session.getChildren('/zookeeper'))),
  );
  answers.forEach((a, i) => {
    if (i % 3 === 0) t.true(a !== null && 'czxid' in a, `exists #${i}`);
    else if (i % 3 === 1) t.true(a !== null && 'data' in a, `getData #${i}`);
    else t.true(a !== null && 'children' in a && a.children.includes('config'), `getChildren #${i}`);
  });
  t.true(writes > 0 && writes <= 20, `${writes} writes for 6,000 requests`);
});
