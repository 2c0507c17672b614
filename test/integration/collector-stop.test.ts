/**
 * Stopping the collector while ZooKeeper cannot be reached (a silent partition) still finishes:
 * state writes that need ZooKeeper are given a deadline instead of hanging the shutdown.
 */
import test from 'ava';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { startTestCollector } from '../support/collector.ts';
import { awaitEvent } from '../support/await-event.ts';

test.serial('stop() finishes while ZooKeeper is partitioned away past the session timeout', async (t) => {
  const proxy = await startTcpProxy(await sharedZooKeeper());
  t.teardown(() => proxy.close());
  const collector = await startTestCollector(
    {
      zk: proxy.address,
      clusters: { app: uniqueRoot(t) },
      sessionTimeout: 2000,
      probeIntervalMs: 200,
      probeTimeoutMs: 500,
      alerts: { statePath: `/zkpulse-test-state${uniqueRoot()}` },
    },
    { http: false },
  );
  await collector.whenSynced();
  const down = awaitEvent(collector.watchEvents$, (e) => e.kind === 'connection' && e.state === 'disconnected', 10_000, 'disconnected');
  proxy.block();
  await down;
  // a worker crash while blind would be judged after the resync; here the session itself expires
  await new Promise((r) => setTimeout(r, 3000)); // longer than the session timeout: the server expires it
  const started = Date.now();
  await collector.stop();
  const took = Date.now() - started;
  // the store's deadline (3 s), the session close (1 s) and the writer's deadline bound it
  t.true(took < 10_000, `stop() took ${took} ms`);
});

test.serial('stop() finishes after the session expired and a new one was made', async (t) => {
  const proxy = await startTcpProxy(await sharedZooKeeper());
  t.teardown(() => proxy.close());
  const collector = await startTestCollector(
    {
      zk: proxy.address,
      clusters: { app: uniqueRoot(t) },
      sessionTimeout: 2000,
      probeIntervalMs: 200,
      probeTimeoutMs: 500,
      alerts: { statePath: `/zkpulse-test-state${uniqueRoot()}` },
    },
    { http: false },
  );
  await collector.whenSynced();
  const expired = awaitEvent(collector.watchEvents$, (e) => e.kind === 'connection' && e.state === 'expired', 20_000, 'expired');
  const resynced = awaitEvent(collector.watchEvents$, (e) => e.kind === 'synced' && e.afterBlind === true, 30_000, 'resync');
  proxy.block();
  await new Promise((r) => setTimeout(r, 3500)); // the server expires the session meanwhile
  proxy.unblock();
  await expired;
  await resynced;
  const started = Date.now();
  await collector.stop();
  const took = Date.now() - started;
  t.true(took < 10_000, `stop() took ${took} ms`);
});
