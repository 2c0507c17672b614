/** The notifier against real HTTP receivers (node http servers on 127.0.0.1). */
import test from 'ava';
import { fingerprint } from '../../alerts/fingerprint.ts';
import type { ReceiverConfig } from '../../alerts/notify/config.ts';
import { Notifier, type NotificationRecord, type NotifierOptions } from '../../alerts/notify/notifier.ts';
import { startRecordingReceiver, type RecordingReceiver, type Reply } from '../support/recording-receiver.ts';
import { signBody, ZERO_TIME, type WebhookBody } from '../../alerts/notify/webhook-body.ts';
import { Silences } from '../../alerts/silences/silences.ts';
import type { AlertInstance } from '../../alerts/types.ts';
import { ReplayScheduler } from '../../replay/virtual-clock.ts';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

function workerLost(worker: string, state: AlertInstance['state'] = 'firing', endsAt: number | null = null): AlertInstance {
  const labels = { alertname: 'WorkerLost', cluster: 'crawler', severity: 'critical', worker };
  return {
    fingerprint: fingerprint(labels),
    labels,
    annotations: { summary: `worker ${worker} lost`, runbook: 'https://runbooks/worker-lost' },
    state,
    activeAt: T0 - 30_000,
    startsAt: T0,
    endsAt,
  };
}

const fast = { groupWaitMs: 30, groupIntervalMs: 100, repeatIntervalMs: 3600_000 };

async function withReceiver(t: { teardown(fn: () => unknown): void }, reply?: Reply): Promise<RecordingReceiver> {
  const r = await startRecordingReceiver(reply);
  t.teardown(() => r.close());
  return r;
}

function notifier(t: { teardown(fn: () => unknown): void }, receiver: ReceiverConfig, more: Partial<NotifierOptions> = {}): Notifier {
  const n = new Notifier({ receivers: [receiver], externalURL: 'http://127.0.0.1:7070', retry: { initialMs: 20, maxAgeMs: 5000 }, ...more });
  t.teardown(() => n.stop());
  return n;
}

/** Moves replay's virtual clock `ms` forward; after each timer the notifier's deliveries finish (as in replay). */
function advancer(clock: ReplayScheduler, n: Notifier): (ms: number) => Promise<number> {
  return (ms) => clock.advanceTo(clock.now() + ms, () => n.idle());
}

/** Resolves with the n-th notification record. */
function records(): { onNotification: (r: NotificationRecord) => void; nth(n: number): Promise<NotificationRecord>; all: NotificationRecord[] } {
  const all: NotificationRecord[] = [];
  const waiters: [number, (r: NotificationRecord) => void][] = [];
  return {
    all,
    onNotification(r) {
      all.push(r);
      for (const w of waiters.filter(([n]) => n <= all.length)) {
        waiters.splice(waiters.indexOf(w), 1);
        w[1](all[w[0] - 1]!);
      }
    },
    nth(n) {
      return all[n - 1] ? Promise.resolve(all[n - 1]!) : new Promise((resolve) => waiters.push([n, resolve]));
    },
  };
}

test('webhook: signed v4 body with every field, then the resolved notice with a new delivery id', async (t) => {
  const rx = await withReceiver(t);
  const n = notifier(t, { kind: 'webhook', name: 'ops', url: rx.url, secret: 'hunter2', route: fast });
  n.update([workerLost('w1'), { ...workerLost('w9'), state: 'pending' }]);
  const first = await rx.received(1);
  t.is(first.method, 'POST');
  t.is(first.headers['content-type'], 'application/json');
  t.is(first.headers['x-zkpulse-signature'], signBody(first.rawBody, 'hunter2'));
  t.not(first.headers['x-zkpulse-signature'], signBody(first.rawBody, 'other'));
  const body = first.json as WebhookBody;
  t.deepEqual(Object.keys(body).sort(), [
    'alerts', 'commonAnnotations', 'commonLabels', 'externalURL', 'groupKey', 'groupLabels', 'receiver', 'status', 'truncatedAlerts', 'version',
  ]);
  t.like(body, {
    version: '4',
    groupKey: '{}:{alertname="WorkerLost", cluster="crawler"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'ops',
    groupLabels: { alertname: 'WorkerLost', cluster: 'crawler' },
    externalURL: 'http://127.0.0.1:7070',
  });
  t.deepEqual(body.commonLabels, workerLost('w1').labels);
  t.deepEqual(body.commonAnnotations, workerLost('w1').annotations);
  t.deepEqual(body.alerts, [
    {
      status: 'firing',
      labels: workerLost('w1').labels,
      annotations: workerLost('w1').annotations,
      startsAt: '2030-01-01T12:00:00.000Z',
      endsAt: ZERO_TIME,
      generatorURL: 'http://127.0.0.1:7070/api/clusters/crawler',
      fingerprint: workerLost('w1').fingerprint,
    },
  ]);

  n.update([workerLost('w1', 'resolved', T0 + 60_000)]);
  const second = await rx.received(2);
  const resolved = second.json as WebhookBody;
  t.is(resolved.status, 'resolved');
  t.is(resolved.alerts[0]?.status, 'resolved');
  t.is(resolved.alerts[0]?.endsAt, '2030-01-01T12:01:00.000Z');
  t.is(second.headers['x-zkpulse-signature'], signBody(second.rawBody, 'hunter2'));
  t.not(second.headers['x-zkpulse-delivery'], first.headers['x-zkpulse-delivery']);
  t.truthy(first.headers['x-zkpulse-delivery']);
});

test('100 workers lost at once give ONE grouped notification with 100 alerts', async (t) => {
  const rx = await withReceiver(t);
  const clock = new ReplayScheduler(T0);
  const n = notifier(t, { kind: 'webhook', name: 'ops', url: rx.url, route: { groupWaitMs: 30_000, groupIntervalMs: 300_000 } }, { scheduler: clock });
  const advance = advancer(clock, n);
  const lost = Array.from({ length: 100 }, (_, i) => workerLost(`w${i}`));
  n.update(lost);
  await advance(29_999);
  t.is(rx.requests.length, 0, 'group_wait not over yet');
  await advance(1);
  n.update(lost); // next evaluations: same alerts
  await advance(3 * 300_000);
  t.is(rx.requests.length, 1);
  const body = rx.requests[0]?.json as WebhookBody;
  t.is(body.alerts.length, 100);
  t.is(new Set(body.alerts.map((a) => a.fingerprint)).size, 100);
});

test('a receiver answering 500, 500, 200 gets three attempts of one delivery and one notification', async (t) => {
  const rx = await withReceiver(t, (_req, i) => ({ status: i < 2 ? 500 : 200 }));
  const rec = records();
  const n = notifier(t, { kind: 'webhook', name: 'ops', url: rx.url, route: fast }, { onNotification: rec.onNotification });
  n.update([workerLost('w1')]);
  const r = await rec.nth(1);
  t.true(r.ok);
  t.is(r.attempts, 3);
  t.is(rx.requests.length, 3);
  const ids = new Set(rx.requests.map((q) => q.headers['x-zkpulse-delivery']));
  t.deepEqual([...ids], [r.deliveryId]);
  t.deepEqual(new Set(rx.requests.map((q) => q.rawBody)).size, 1, 'the same body each time');
});

test('429 with Retry-After is retried; a 400 is not', async (t) => {
  const limited = await withReceiver(t, (_req, i) => ({ status: i === 0 ? 429 : 200, headers: { 'Retry-After': '0' } }));
  const rec1 = records();
  notifier(t, { kind: 'webhook', name: 'a', url: limited.url, route: fast }, { onNotification: rec1.onNotification }).update([workerLost('w1')]);
  const r1 = await rec1.nth(1);
  t.true(r1.ok);
  t.is(r1.attempts, 2);

  const rejecting = await withReceiver(t, () => ({ status: 400 }));
  const rec2 = records();
  notifier(t, { kind: 'webhook', name: 'b', url: rejecting.url, route: fast }, { onNotification: rec2.onNotification }).update([workerLost('w1')]);
  const r2 = await rec2.nth(1);
  t.false(r2.ok);
  t.is(r2.attempts, 1);
  t.regex(r2.reason, /HTTP 400 is not retried/);
  t.is(rejecting.requests.length, 1);
});

test('network errors are retried until the maximum age, then given up', async (t) => {
  const gone = await startRecordingReceiver();
  await gone.close();
  const rec = records();
  const n = notifier(t, { kind: 'webhook', name: 'ops', url: gone.url, route: fast }, { onNotification: rec.onNotification, retry: { initialMs: 10, multiplier: 1, jitter: 0, maxAgeMs: 300 } });
  n.update([workerLost('w1')]);
  const r = await rec.nth(1);
  t.false(r.ok);
  t.true(r.attempts >= 2, `attempts ${r.attempts}`);
  t.regex(r.reason, /network error/);
});

test('a silence suppresses notifications and its expiry releases them', async (t) => {
  const rx = await withReceiver(t);
  const clock = new ReplayScheduler(T0);
  const silences = new Silences();
  const id = silences.upsert(
    { matchers: [{ name: 'cluster', value: 'crawler', isRegex: false, isEqual: true }], startsAt: T0, endsAt: T0 + 3600_000, createdBy: 'me', comment: 'maintenance' },
    T0,
  );
  const n = notifier(t, { kind: 'webhook', name: 'ops', url: rx.url, route: { groupWaitMs: 30_000, groupIntervalMs: 60_000 } }, {
    scheduler: clock,
    silences: () => silences.list(),
  });
  const advance = advancer(clock, n);
  n.update([workerLost('w1')]);
  await advance(5 * 60_000);
  t.is(rx.requests.length, 0, 'silenced');
  silences.expire(id, clock.now());
  await advance(60_000);
  t.is(rx.requests.length, 1, 'released at the next group interval');
  t.is((rx.requests[0]?.json as WebhookBody).alerts[0]?.labels.worker, 'w1');
});

test('CollectorDisconnected inhibits the other alerts of its cluster', async (t) => {
  const rx = await withReceiver(t);
  const clock = new ReplayScheduler(T0);
  const n = notifier(t, { kind: 'webhook', name: 'ops', url: rx.url, route: { groupWaitMs: 1000, groupIntervalMs: 60_000 } }, { scheduler: clock });
  const advance = advancer(clock, n);
  const labels = { alertname: 'CollectorDisconnected', cluster: 'crawler', severity: 'critical' };
  const disc: AlertInstance = { fingerprint: fingerprint(labels), labels, annotations: {}, state: 'firing', activeAt: T0, startsAt: T0, endsAt: null };
  n.update([disc, workerLost('w1')]);
  await advance(1000);
  t.is(rx.requests.length, 1);
  t.is((rx.requests[0]?.json as WebhookBody).alerts[0]?.labels.alertname, 'CollectorDisconnected');
});
