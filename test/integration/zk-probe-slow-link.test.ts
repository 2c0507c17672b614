/**
 * The liveness probe on a slow but live link: ZooKeeper answers a connection's requests in order, so behind
 * a big read (a sync of 50,000 nodes, issue 17's cost curve) the probe's reply comes later than its deadline
 * while the server keeps streaming the replies before it. That is not a dead connection: it must not be
 * declared disconnected (which rebuilt the client and re-read everything, in a loop). A silent link still is.
 */
import test from 'ava';
import { ZkSession } from '../../zk/session.ts';
import type { ConnectionState } from '../../zk/events.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { connectPlain } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';

// long enough that a busy machine does not miss a probe on an idle link; the throttled reads outlast it 6×
const PROBE_TIMEOUT_MS = 1500;
const BIG = 900_000;
const READS = 2;
const RATE = 200_000; // bytes per second: the reads take ~9 s, six probe deadlines

test('a probe answered late behind streaming replies keeps the session connected; a silent link does not', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const plain = await connectPlain(t, zkAddr);
  await plain.mkdirp(root);
  await plain.create(`${root}/big`, Buffer.alloc(BIG, 7));

  const proxy = await startTcpProxy(zkAddr);
  t.teardown(() => proxy.close());
  const session = new ZkSession({ connectString: proxy.address, sessionTimeout: 30_000, probeIntervalMs: 200, probeTimeoutMs: PROBE_TIMEOUT_MS, now: Date.now });
  const states: ConnectionState[] = [];
  session.states$.subscribe((s) => states.push(s.state));
  t.teardown(() => session.close());
  session.start();
  await until('connected', async () => session.connected, (c) => c, 30_000);

  proxy.throttle(RATE);
  const started = Date.now();
  const replies = await Promise.all(Array.from({ length: READS }, () => session.getData(`${root}/big`, undefined, 120_000)));
  const took = Date.now() - started;
  t.true(replies.every((r) => r?.data?.length === BIG), 'both big reads answered in full');
  t.true(took > 4 * PROBE_TIMEOUT_MS, `the reads took ${took} ms: probes sent meanwhile waited past their ${PROBE_TIMEOUT_MS} ms deadline`);
  t.deepEqual(states, ['connected'], 'never declared disconnected while the server was streaming');

  // the same probe still finds a link that has gone silent
  proxy.throttle(null);
  proxy.block();
  await until('disconnected on a silent link', async () => states.includes('disconnected'), (d) => d, 30_000);
  t.pass();
});
