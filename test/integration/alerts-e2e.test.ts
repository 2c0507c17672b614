/**
 * Alerting end to end, on real processes: kill -9 of an agent process reaches a real, signed webhook
 * receiver as WorkerLost within the session timeout + 2 s; a collector restart in the middle of the
 * incident sends no duplicate firing notice, and the resolve still arrives.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Collector } from '../../server/collector.ts';
import { startTestCollector } from '../support/collector.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk, workerData } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';

const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));
const SECRET = 'e2e-secret';
const AGENT_SESSION_MS = 3000;

interface WebhookBody {
  status: string;
  alerts: { status: string; labels: Record<string, string>; fingerprint: string }[];
}

async function startCollector(root: string, statePath: string, receiver: RecordingReceiver): Promise<Collector> {
  const collector = await startTestCollector(
    {
      clusters: { app: root },
      webhook: [receiver.url],
      webhookSecret: SECRET,
      instance: 'e2e',
      alerts: {
        evalInterval: '200ms',
        route: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
        statePath,
        // only the rule under test: the others would page about this bare test cluster
        defaults: { MasterMissing: { enabled: false }, HeartbeatStale: { enabled: false }, CollectorDisconnected: { enabled: false } },
      },
    },
    { http: false },
  );
  await collector.whenSynced();
  return collector;
}

/** WorkerLost notifications for one worker, by status. */
function workerLost(receiver: RecordingReceiver, worker: string, status: 'firing' | 'resolved') {
  return receiver.requests.filter((r) =>
    (r.json as WebhookBody).alerts.some((a) => a.labels.alertname === 'WorkerLost' && a.labels.worker === worker && a.status === status),
  );
}

test.serial('kill -9 of an agent → signed WorkerLost within the session timeout + 2 s; restart mid-incident → no duplicate, resolve arrives', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const statePath = `/zkpulse-test-state${uniqueRoot()}`;
  const receiver = await startRecordingReceiver();
  t.teardown(() => receiver.close());
  let collector = await startCollector(root, statePath, receiver);
  t.teardown(() => collector.stop());

  const agent = spawn(process.execPath, [BIN, 'agent', '--zk', zkAddr, '--root', root, '--id', 'w1', '--session-timeout', String(AGENT_SESSION_MS)], { stdio: 'ignore' });
  t.teardown(() => void agent.kill('SIGKILL'));
  await until('w1 up', async () => collector.model('app')?.workers.get('w1')?.up, (up) => up === true, 20_000);

  agent.kill('SIGKILL');
  const killedAt = Date.now();
  const firing = await until('WorkerLost firing at the receiver', async () => workerLost(receiver, 'w1', 'firing'), (r) => r.length > 0, 20_000, 50);
  const took = Date.now() - killedAt;
  t.true(took <= AGENT_SESSION_MS + 2000, `WorkerLost arrived ${took} ms after kill -9`);

  const hit = firing[0]!;
  const expected = `sha256=${createHmac('sha256', SECRET).update(hit.rawBody).digest('hex')}`;
  t.is(hit.headers['x-zkpulse-signature'], expected);
  t.truthy(hit.headers['x-zkpulse-delivery']);
  t.is((hit.json as { version: string }).version, '4');

  // restart the collector mid-incident: state comes back from ZooKeeper
  await collector.stop();
  collector = await startCollector(root, statePath, receiver);
  // the worker comes back: the alert resolves, and the new collector sends the resolve
  const zk = await PlainZk.connect(zkAddr);
  t.teardown(() => zk.close());
  await zk.create(`${root}/workers/w1`, workerData('w1'), 'ephemeral');
  await until('WorkerLost resolved at the receiver', async () => workerLost(receiver, 'w1', 'resolved'), (r) => r.length > 0, 20_000, 50);
  t.is(workerLost(receiver, 'w1', 'firing').length, 1, 'no duplicate firing notice after the restart');
});

test.serial('a collector stopped while a notice is in flight records it: the restarted collector still sends the resolve', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const statePath = `/zkpulse-test-state${uniqueRoot()}`;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // the receiver gets the firing notice but holds its answer back until the collector is stopping
  const receiver = await startRecordingReceiver(async (_req, index) => {
    if (index === 0) await held;
    return { status: 200 };
  });
  t.teardown(() => {
    release();
    return receiver.close();
  });
  const zk = await PlainZk.connect(zkAddr);
  t.teardown(() => zk.close());
  await zk.mkdirp(`${root}/workers`);
  let collector = await startCollector(root, statePath, receiver);
  t.teardown(() => collector.stop());

  const worker = await PlainZk.connect(zkAddr, 2000);
  await worker.create(`${root}/workers/w1`, workerData('w1'), 'ephemeral');
  await until('w1 up', async () => collector.model('app')?.workers.get('w1')?.up, (up) => up === true, 20_000);
  await worker.close();
  await receiver.received(1);

  const stopping = collector.stop();
  release();
  await stopping;
  collector = await startCollector(root, statePath, receiver);
  await zk.create(`${root}/workers/w1`, workerData('w1'), 'ephemeral');
  await until('WorkerLost resolved at the receiver', async () => workerLost(receiver, 'w1', 'resolved'), (r) => r.length > 0, 20_000, 50);
  t.is(workerLost(receiver, 'w1', 'firing').length, 1, 'the notice in flight was recorded: not sent again');
});
