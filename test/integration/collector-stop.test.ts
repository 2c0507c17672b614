/**
 * Stopping the collector while ZooKeeper cannot be reached (a silent partition) still finishes:
 * state writes that need ZooKeeper are given a deadline instead of hanging the shutdown.
 */
import test, { type ExecutionContext } from 'ava';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { startTestCollector } from '../support/collector.ts';
import { awaitEvent } from '../support/await-event.ts';
import { until } from '../support/poll.ts';
import { sessionExpiredOnServer } from '../support/server-sessions.ts';
import type { Collector } from '../../collector/collector.ts';

/**
 * A collector whose only way to ZooKeeper is a proxy the test can cut: synced, or with `blocked`
 * started while the proxy already forwards nothing.
 */
async function collectorBehindProxy(
  t: ExecutionContext,
  o: { blocked?: boolean; alerts?: Record<string, unknown> } = {},
): Promise<{ collector: Collector; proxy: TcpProxy }> {
  const proxy = await startTcpProxy(await sharedZooKeeper());
  t.teardown(() => proxy.close());
  if (o.blocked) proxy.block();
  const collector = await startTestCollector(
    {
      zk: proxy.address,
      clusters: { app: uniqueRoot(t) },
      sessionTimeout: 2000,
      probeIntervalMs: 200,
      probeTimeoutMs: 500,
      alerts: { statePath: `/zkpulse-test-state${uniqueRoot()}`, ...o.alerts },
    },
    { http: false },
  );
  if (!o.blocked) await collector.whenSynced();
  return { collector, proxy };
}

async function timedStop(collector: Collector): Promise<number> {
  const started = Date.now();
  await collector.stop();
  return Date.now() - started;
}

test.serial('stop() finishes while ZooKeeper is partitioned away past the session timeout', async (t) => {
  const { collector, proxy } = await collectorBehindProxy(t);
  const down = awaitEvent(collector.watchEvents$, (e) => e.kind === 'connection' && e.state === 'disconnected', 10_000, 'disconnected');
  const session = collector.session.sessionId!;
  proxy.block();
  await down;
  await sessionExpiredOnServer(await sharedZooKeeper(), session); // partitioned past the session timeout
  const took = await timedStop(collector);
  // the store's deadline (3 s), the session close (1 s) and the writer's deadline bound it
  t.true(took < 10_000, `stop() took ${took} ms`);
});

test.serial('stop() finishes after the session expired and a new one was made', async (t) => {
  const { collector, proxy } = await collectorBehindProxy(t);
  const expired = awaitEvent(collector.watchEvents$, (e) => e.kind === 'connection' && e.state === 'expired', 20_000, 'expired');
  const resynced = awaitEvent(collector.watchEvents$, (e) => e.kind === 'synced' && e.afterBlind === true, 30_000, 'resync');
  const session = collector.session.sessionId!;
  proxy.block();
  await sessionExpiredOnServer(await sharedZooKeeper(), session);
  proxy.unblock();
  await expired;
  await resynced;
  const took = await timedStop(collector);
  t.true(took < 10_000, `stop() took ${took} ms`);
});

test.serial('a collector started while ZooKeeper is unreachable starts alerting once it is back', async (t) => {
  const { collector, proxy } = await collectorBehindProxy(t, {
    blocked: true,
    // an empty cluster has no master: with `for: 0` (and R/master required from the start) the rule
    // fires as soon as alerting runs
    alerts: { evalInterval: '200ms', defaults: { MasterMissing: { for: '0s', requireSeen: false } } },
  });
  t.teardown(() => collector.stop());
  await new Promise((r) => setTimeout(r, 2000)); // the outage at start-up: requests queue and are lost
  proxy.unblock();
  await collector.whenSynced();
  await until(
    'MasterMissing firing',
    async () => collector.alerting.alerts(),
    (alerts) => alerts.some((a) => a.labels.alertname === 'MasterMissing' && a.state === 'firing'),
    30_000,
  );
  t.pass();
});
