/**
 * Issue 11, item 8, on real processes: ZooKeeper stopped for ~1.5 s (every thread: SIGSTOP), far
 * below every session timeout, while HeartbeatStale (a worker that stopped beating) and
 * ProgressStalled (a task stuck at 5/10) are firing. Nothing about the worker or the task changes,
 * so the receiver must get nothing about it: no resolve, no second firing notice. What really
 * changes afterwards still resolves both.
 */
import test from 'ava';
import { startZooKeeper } from '../../stack/index.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import { startTestCollector } from '../support/collector.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.ts';
import { awaitEvent } from '../support/await-event.ts';
import { PlainZk, workerData } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';

const SESSION_MS = 20_000;
const ROOT = '/blind-firing';

interface WebhookBody {
  status: string;
  alerts: { status: string; labels: Record<string, string>; startsAt: string }[];
}

/** "alertname:status@startsAt" per alert per notice, in the order received */
const notices = (receiver: RecordingReceiver) =>
  receiver.requests.flatMap((r) => (r.json as WebhookBody).alerts.map((a) => `${a.labels.alertname}:${a.status}@${a.startsAt}`));

const status = (done: number, state = 'running') => JSON.stringify({ worker: 'w1', done, total: 10, state, message: null, updatedAt: Date.now() });

test('ZooKeeper stopped 1.5 s with HeartbeatStale and ProgressStalled firing: nothing is sent until something really changes', async (t) => {
  const zk = await startZooKeeper();
  t.teardown(() => zk.stop());
  const receiver = await startRecordingReceiver();
  t.teardown(() => receiver.close());

  const admin = await PlainZk.connect(zk.connectString, SESSION_MS);
  t.teardown(() => admin.close());
  for (const dir of ['workers', 'tasks', 'assign/w1', 'status']) await admin.mkdirp(`${ROOT}/${dir}`);
  const w1 = await PlainZk.connect(zk.connectString, SESSION_MS);
  const w2 = await PlainZk.connect(zk.connectString, SESSION_MS);
  t.teardown(() => w1.close());
  t.teardown(() => w2.close());
  await w1.create(`${ROOT}/workers/w1`, workerData('w1', { heartbeatMs: 1000 }), 'ephemeral');
  await w2.create(`${ROOT}/workers/w2`, workerData('w2', { heartbeatMs: 500 }), 'ephemeral');
  await admin.create(`${ROOT}/tasks/t1`, JSON.stringify({ url: 'https://example.org/1' }));
  await admin.create(`${ROOT}/assign/w1/t1`, null);
  await w1.create(`${ROOT}/status/t1`, status(5), 'ephemeral');
  // w1 beats every second (it runs t1, stuck at 5/10); w2 never beats again after its first write
  const beats = setInterval(() => void w1.set(`${ROOT}/workers/w1`, workerData('w1', { heartbeatMs: 1000 })).catch(() => undefined), 1000);
  t.teardown(() => clearInterval(beats));

  const collector = await startTestCollector(
    {
      zk: zk.connectString,
      clusters: { app: ROOT },
      sessionTimeout: SESSION_MS,
      // the probe notices a silent server within a second: the stop makes the collector blind
      probeIntervalMs: 250,
      probeTimeoutMs: 700,
      webhook: [receiver.url],
      alerts: {
        evalInterval: '200ms',
        route: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
        defaults: {
          MasterMissing: { enabled: false },
          HeartbeatStale: { factor: 3 },
          ProgressStalled: { after: '1500ms' },
        },
      },
    },
    { http: false },
  );
  t.teardown(() => collector.stop());
  await collector.whenSynced();
  const firing = await until('both firing at the receiver', async () => notices(receiver), (n) => n.length === 2, 20_000, 50);
  t.deepEqual(firing.map((n) => n.split('@')[0]).sort(), ['HeartbeatStale:firing', 'ProgressStalled:firing']);

  const events: WatchEvent[] = [];
  const sub = collector.watchEvents$.subscribe((e) => events.push(e));
  t.teardown(() => sub.unsubscribe());
  const blind = awaitEvent(collector.watchEvents$, (e) => e.kind === 'connection' && e.state === 'disconnected', SESSION_MS, 'the collector to notice the stop');
  await zk.pause();
  const stoppedAt = Date.now();
  await blind;
  // resumed 1.5 s after the stop (or at once, if noticing it took longer)
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1500 - (Date.now() - stoppedAt))));
  zk.resume();
  await awaitEvent(collector.watchEvents$, (e) => e.kind === 'synced' && e.afterBlind === true, SESSION_MS, 'the resync');
  // a quiet window after the resync, counted in w1's beats: 3 s, twice ProgressStalled's 1.5 s and
  // more than HeartbeatStale's, so a resolve at the resync and the re-fire after it would both show
  const resynced = events.length;
  await until('3 beats of w1 after the resync', async () => events.slice(resynced).filter((e) => e.kind === 'changed' && e.path === 'workers/w1').length, (n) => n >= 3, 20_000, 50);
  t.deepEqual(notices(receiver), firing, 'nothing sent about the stop');

  // real changes: w2 beats, t1 moves on and finishes
  await w2.set(`${ROOT}/workers/w2`, workerData('w2', { heartbeatMs: 500 }));
  await w1.set(`${ROOT}/status/t1`, status(10, 'done'));
  const all = await until('both resolved', async () => notices(receiver), (n) => n.length === 4, 20_000, 50);
  t.deepEqual(all.slice(2).map((n) => n.split('@')[0]).sort(), ['HeartbeatStale:resolved', 'ProgressStalled:resolved']);
  // the resolves carry the startsAt of the one firing notice each
  t.deepEqual(all.slice(2).map((n) => n.replace(':resolved', '')).sort(), firing.map((n) => n.replace(':firing', '')).sort());
  clearInterval(beats);
});
