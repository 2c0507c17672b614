/**
 * Stopping the collector while ZooKeeper (and InfluxDB) cannot be reached (a silent partition) still
 * finishes within STOP_DEADLINE_MS: the last writes get one attempt with a deadline instead of hanging
 * the shutdown.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedInfluxDB, sharedZooKeeper, uniqueDatabase, uniqueRoot } from '../support/services.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { startTestCollector } from '../support/collector.ts';
import { awaitEvent } from '../support/await-event.ts';
import { until } from '../support/poll.ts';
import { startRecordingReceiver } from '../support/recording-receiver.ts';
import { sessionExpiredOnServer } from '../support/server-sessions.ts';
import { STOP_DEADLINE_MS, type Collector } from '../../server/collector.ts';

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
  // the flush deadline and the session close bound it (STOP_DEADLINE_MS); the margin is for a busy machine
  t.true(took < STOP_DEADLINE_MS + 2000, `stop() took ${took} ms`);
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
  t.true(took < STOP_DEADLINE_MS + 2000, `stop() took ${took} ms`);
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

const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));

test.serial('zkpulse collect exits within STOP_DEADLINE_MS of SIGTERM while ZooKeeper and InfluxDB are cut off and a notice hangs', async (t) => {
  // a receiver that takes the notice and never answers: a delivery is in flight when the signal comes
  const receiver = await startRecordingReceiver(() => new Promise(() => {}));
  t.teardown(() => receiver.close());
  const zk = await startTcpProxy(await sharedZooKeeper());
  const influx = await startTcpProxy(new URL(await sharedInfluxDB()).host);
  t.teardown(() => Promise.all([zk.close(), influx.close()]));
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-stop-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'zkpulse.yaml');
  // an empty cluster that never had a master: with requireSeen off MasterMissing fires at once and is sent
  writeFileSync(
    config,
    [
      'alerts:',
      `  statePath: /zkpulse-test-state${uniqueRoot()}`,
      '  evalInterval: 200ms',
      '  route: { groupWait: 0s, groupInterval: 1s, repeatInterval: 1h }',
      '  defaults: { MasterMissing: { for: 0s, requireSeen: false } }',
      '',
    ].join('\n'),
  );
  const child = spawn(
    process.execPath,
    [BIN, 'collect', '--config', config, '--zk', zk.address, '--cluster', `app=${uniqueRoot(t)}`, '--influx', `http://${influx.address}/${uniqueDatabase()}`,
      '--http', '127.0.0.1:0', '--session-timeout', '2000', '--instance', 'stop-test', '--webhook', receiver.url],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.teardown(() => void child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  // running and connected to both (through the proxies), then both cut off silently: every request hangs
  await until('the collector connected', async () => out, (text) => /connected to ZooKeeper/.test(text) && /zkpulse collector listening/.test(text), 30_000);
  await receiver.received(1);
  zk.block();
  influx.block();
  const signalled = Date.now();
  child.kill('SIGTERM');
  const { code, at } = await exited;
  const took = at - signalled;
  t.is(code, 0, out.slice(-2000));
  // the collector's own bound; the rest is the process ending (a busy machine may add to it)
  t.true(took < STOP_DEADLINE_MS + 2000, `exited ${took} ms after SIGTERM (bound ${STOP_DEADLINE_MS} ms)`);
  t.log(`exited ${took} ms after SIGTERM`);
});
