import test from 'ava';
import { VirtualTimeScheduler } from 'rxjs';
import { encodePoint } from '../../collector/influx/line-protocol.ts';
import { fingerprint } from '../../alerts/fingerprint.ts';
import { DEFAULT_INHIBIT_RULES, DEFAULT_RETRY } from '../../alerts/notify/config.ts';
import { needsUpdate } from '../../alerts/notify/dedupe.ts';
import { groupKeyOf, groupLabelsOf } from '../../alerts/notify/group.ts';
import { firstFlushDelay, groupAlerts } from '../../alerts/notify/groups.ts';
import { inhibitedBy } from '../../alerts/notify/inhibit.ts';
import { muteAlerts } from '../../alerts/notify/mute.ts';
import { mergeNflogSnapshots, NotificationLog } from '../../alerts/notify/nflog.ts';
import { Notifier, type NotificationRecord } from '../../alerts/notify/notifier.ts';
import { alertPoints, transitions } from '../../alerts/notify/points.ts';
import { buildRequest } from '../../alerts/notify/request.ts';
import { backoffMs, parseRetryAfter, retryDecision } from '../../alerts/notify/retry.ts';
import { signBody, webhookBody, ZERO_TIME } from '../../alerts/notify/webhook-body.ts';
import { activeAlertsView } from '../../alerts/http/alerts-router.ts';
import { matcherProblem, silencedBy, silenceState } from '../../alerts/silences/match.ts';
import { parseSilence } from '../../alerts/silences/schema.ts';
import { Silences } from '../../alerts/silences/silences.ts';
import { chunkName, manifestFor, parseManifest, splitChunks } from '../../alerts/store/chunks.ts';
import type { AlertInstance } from '../../alerts/types.ts';
import { advanceTo } from '../../replay/virtual-clock.ts';

function alert(labels: Record<string, string>, state: AlertInstance['state'] = 'firing', startsAt = 1000, endsAt: number | null = null): AlertInstance {
  const all = { severity: 'critical', cluster: 'c1', ...labels };
  return { fingerprint: fingerprint(all), labels: all, annotations: { summary: `s ${labels.worker ?? ''}` }, state, activeAt: startsAt, startsAt, endsAt };
}

test('needsUpdate follows Alertmanager: first, new firing, all resolved, new resolved, repeat', (t) => {
  const s = (...x: string[]) => new Set(x);
  t.deepEqual(needsUpdate(undefined, s('a'), s(), true, 100, 0).send, true);
  t.deepEqual(needsUpdate(undefined, s(), s('a'), true, 100, 0).send, false);
  const entry = { firing: ['a'], resolved: [], timestamp: 0 };
  t.false(needsUpdate(entry, s('a'), s(), true, 100, 50).send);
  t.is(needsUpdate(entry, s('a', 'b'), s(), true, 100, 50).reason, 'new firing alerts');
  t.is(needsUpdate(entry, s(), s('a'), false, 100, 50).reason, 'all alerts resolved');
  t.false(needsUpdate({ firing: [], resolved: ['a'], timestamp: 0 }, s(), s('a'), true, 100, 50).send);
  t.true(needsUpdate({ firing: ['a', 'b'], resolved: [], timestamp: 0 }, s('a'), s('b'), true, 100, 50).send);
  t.false(needsUpdate({ firing: ['a', 'b'], resolved: [], timestamp: 0 }, s('a'), s('b'), false, 100, 50).send);
  t.is(needsUpdate(entry, s('a'), s(), true, 100, 100).reason, 'repeat interval passed');
});

test('retry: 5xx/429/network retried with backoff until max age, 4xx not, Retry-After honoured', (t) => {
  const p = { ...DEFAULT_RETRY, initialMs: 100, multiplier: 2, jitter: 0.5, maxAgeMs: 1000 };
  t.is(backoffMs(1, p, 0.5), 100);
  t.is(backoffMs(3, p, 0.5), 400);
  t.is(backoffMs(1, p, 0), 50);
  t.is(backoffMs(1, p, 1), 150);
  t.is(backoffMs(20, { ...p, maxIntervalMs: 300 }, 0.5), 300);
  t.is(retryDecision({ kind: 'http', status: 204 }, 1, 0, 0, p, 0.5).action, 'done');
  t.deepEqual(retryDecision({ kind: 'http', status: 503 }, 1, 0, 0, p, 0.5), { action: 'retry', delayMs: 100, reason: 'HTTP 503' });
  t.is(retryDecision({ kind: 'network', message: 'ECONNREFUSED' }, 2, 0, 0, p, 0.5).action, 'retry');
  t.is(retryDecision({ kind: 'http', status: 400 }, 1, 0, 0, p, 0.5).action, 'give-up');
  t.is(retryDecision({ kind: 'http', status: 404 }, 1, 0, 0, p, 0.5).action, 'give-up');
  t.deepEqual(retryDecision({ kind: 'http', status: 429, retryAfter: '0' }, 1, 0, 0, p, 0.5), { action: 'retry', delayMs: 0, reason: 'HTTP 429' });
  t.is(retryDecision({ kind: 'http', status: 429, retryAfter: '5' }, 1, 0, 0, p, 0.5).action, 'give-up');
  t.is(retryDecision({ kind: 'http', status: 500 }, 5, 0, 950, p, 0.5).action, 'give-up');
  t.is(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
  t.is(parseRetryAfter('soon', 0), null);
});

test('group labels and keys are Alertmanager-like; 100 workers make one group', (t) => {
  t.deepEqual(groupLabelsOf({ cluster: 'c', alertname: 'A', worker: 'w' }, ['alertname', 'cluster']), { alertname: 'A', cluster: 'c' });
  t.is(groupKeyOf({ cluster: 'c', alertname: 'A' }), '{}:{alertname="A", cluster="c"}');
  const lost = Array.from({ length: 100 }, (_, i) => alert({ alertname: 'WorkerLost', worker: `w${i}` }));
  const groups = groupAlerts([...lost, alert({ alertname: 'WorkerLost', worker: 'p' }, 'pending')], ['alertname', 'cluster']);
  t.is(groups.size, 1);
  t.is([...groups.values()][0]?.alerts.length, 100);
  t.is(firstFlushDelay(lost, 30_000, 1000), 30_000);
  t.is(firstFlushDelay(lost, 30_000, 31_000), 0);
});

test('inhibition: a firing CollectorDisconnected mutes its own cluster only, never itself', (t) => {
  const disc = alert({ alertname: 'CollectorDisconnected' });
  const lost = alert({ alertname: 'WorkerLost', worker: 'w1' });
  const other = alert({ alertname: 'WorkerLost', worker: 'w1', cluster: 'c2' });
  const all = [disc, lost, other];
  t.is(inhibitedBy(lost, all, DEFAULT_INHIBIT_RULES), disc.fingerprint);
  t.is(inhibitedBy(other, all, DEFAULT_INHIBIT_RULES), null);
  t.is(inhibitedBy(disc, all, DEFAULT_INHIBIT_RULES), null);
  t.is(inhibitedBy(lost, [{ ...disc, state: 'pending' }, lost], DEFAULT_INHIBIT_RULES), null);
  const { kept, muted } = muteAlerts(all, all, DEFAULT_INHIBIT_RULES, [], 0);
  t.deepEqual(kept.map((a) => a.fingerprint).sort(), [disc.fingerprint, other.fingerprint].sort());
  t.regex(muted[0]?.reason ?? '', /^inhibited by /);
});

test('silences: matchers (=, !=, =~ anchored, !~), states, API validation', (t) => {
  const labels = { alertname: 'WorkerLost', cluster: 'crawler', worker: 'w12' };
  const base = { id: 's', startsAt: 100, endsAt: 200, createdBy: 'me', comment: 'c', updatedAt: 0 };
  const m = (name: string, value: string, isRegex = false, isEqual = true) => ({ name, value, isRegex, isEqual });
  t.deepEqual(silencedBy(labels, [{ ...base, matchers: [m('cluster', 'crawler'), m('worker', 'w1\\d', true)] }], 150), ['s']);
  t.deepEqual(silencedBy(labels, [{ ...base, matchers: [m('worker', 'w1', true)] }], 150), [], 'regex is anchored');
  t.deepEqual(silencedBy(labels, [{ ...base, matchers: [m('cluster', 'crawler', false, false)] }], 150), []);
  t.deepEqual(silencedBy(labels, [{ ...base, matchers: [m('worker', 'x.*', true, false)] }], 150), ['s']);
  t.deepEqual(silencedBy(labels, [{ ...base, matchers: [m('cluster', 'crawler')] }], 200), [], 'expired at endsAt');
  t.is(silenceState(base, 50), 'pending');
  t.is(silenceState(base, 150), 'active');
  t.is(silenceState(base, 250), 'expired');
  t.regex(matcherProblem(m('worker', '(', true)) ?? '', /bad regular expression/);
  t.regex(matcherProblem(m('bad-name', 'x')) ?? '', /not a label name/);
  const good = { matchers: [m('cluster', 'crawler')], startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-01-02T00:00:00Z', createdBy: 'me', comment: 'maintenance' };
  t.true(parseSilence(good).ok);
  const bad = parseSilence({ ...good, matchers: [m('worker', '(', true)] });
  t.false(bad.ok);
  t.regex(bad.ok ? '' : bad.reason, /bad regular expression/);
  const empty = parseSilence({ ...good, matchers: [m('worker', '.*', true)] });
  t.regex(empty.ok ? '' : empty.reason, /must not match the empty string/);
  t.false(parseSilence({ ...good, endsAt: good.startsAt }).ok);
});

test('Silences: create, update in place, expire, merge keeps the later update', (t) => {
  const changes: number[] = [];
  let n = 0;
  const s = new Silences({ newId: () => `id${++n}`, onChange: (snap) => changes.push(snap.length) });
  const input = { matchers: [{ name: 'cluster', value: 'c1', isRegex: false, isEqual: true }], startsAt: 0, endsAt: 1000, createdBy: 'me', comment: 'x' };
  const id = s.upsert(input, 10);
  t.is(id, 'id1');
  t.deepEqual(s.mutes({ cluster: 'c1' }, 20), ['id1']);
  t.is(s.upsert({ ...input, id, comment: 'y' }, 30), 'id1');
  t.is(s.get('id1')?.comment, 'y');
  s.expire(id, 40);
  t.deepEqual(s.mutes({ cluster: 'c1' }, 41), []);
  t.throws(() => s.expire(id, 50), { message: /already expired/ });
  t.is(s.upsert({ ...input, id }, 50), 'id2', 'updating an expired silence makes a new one');
  t.deepEqual(changes, [1, 1, 1, 2]);
  s.merge([{ ...s.get('id1')!, comment: 'newer', updatedAt: 99 }, { ...s.get('id2')!, comment: 'older', updatedAt: 1 }]);
  t.is(s.get('id1')?.comment, 'newer');
  t.is(s.get('id2')?.comment, 'x');
});

test('webhook v4 body: every field, firing endsAt is Go zero time, signature is the HMAC of the raw body', (t) => {
  const f = alert({ alertname: 'WorkerLost', worker: 'w1' }, 'firing', Date.UTC(2030, 0, 1));
  const r = alert({ alertname: 'WorkerLost', worker: 'w2' }, 'resolved', Date.UTC(2030, 0, 1), Date.UTC(2030, 0, 1, 0, 5));
  const body = webhookBody({ receiver: 'ops', groupKey: 'k', groupLabels: { alertname: 'WorkerLost', cluster: 'c1' }, alerts: [r, f], externalURL: 'http://x:7070' });
  t.like(body, { version: '4', groupKey: 'k', truncatedAlerts: 0, status: 'firing', receiver: 'ops', externalURL: 'http://x:7070' });
  t.deepEqual(body.commonLabels, { alertname: 'WorkerLost', cluster: 'c1', severity: 'critical' });
  t.deepEqual(body.commonAnnotations, {});
  t.deepEqual(body.alerts.map((a) => [a.status, a.endsAt]), [
    ['firing', ZERO_TIME],
    ['resolved', '2030-01-01T00:05:00.000Z'],
  ]);
  t.is(body.alerts[0]?.generatorURL, 'http://x:7070/api/clusters/c1');
  t.is(webhookBody({ receiver: 'ops', groupKey: 'k', groupLabels: {}, alerts: [r, f], externalURL: '' }, 1).truncatedAlerts, 1);
  const req = buildRequest({ kind: 'webhook', name: 'ops', url: 'http://h/hook', secret: 's3' }, { receiver: 'ops', groupKey: 'k', groupLabels: {}, alerts: [f], externalURL: '' }, 'd1');
  t.is(req.headers['X-Zkpulse-Signature'], signBody(req.body, 's3'));
  t.is(req.headers['X-Zkpulse-Delivery'], 'd1');
  t.falsy(buildRequest({ kind: 'webhook', name: 'ops', url: 'http://h/hook' }, { receiver: 'ops', groupKey: 'k', groupLabels: {}, alerts: [f], externalURL: '' }, 'd1').headers['X-Zkpulse-Signature']);
  const am = buildRequest({ kind: 'alertmanager', name: 'am', url: 'http://am:9093/' }, { receiver: 'am', groupKey: 'k', groupLabels: {}, alerts: [f, r], externalURL: '' }, 'd2');
  t.is(am.url, 'http://am:9093/api/v2/alerts');
  const posted = JSON.parse(am.body) as { endsAt?: string }[];
  t.is(posted[0]?.endsAt, undefined);
  t.is(posted[1]?.endsAt, '2030-01-01T00:05:00.000Z');
});

test('signature is HMAC-SHA256 hex (known vector)', (t) => {
  // RFC 4231 test case 2
  t.is(signBody('what do ya want for nothing?', 'Jefe'), 'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});

test('notification log: log, prune by retention, merge keeps the later entry', (t) => {
  const log = new NotificationLog([], 1000);
  log.log('r', 'g', ['b', 'a'], [], 10);
  t.deepEqual(log.query('r', 'g')?.firing, ['a', 'b']);
  log.log('r', 'h', [], [], 2000);
  t.is(log.query('r', 'g'), undefined, 'pruned after retention');
  const merged = mergeNflogSnapshots([{ receiver: 'r', groupKey: 'g', firing: ['x'], resolved: [], timestamp: 5, expiresAt: 9e9 }], [
    { receiver: 'r', groupKey: 'g', firing: ['y'], resolved: [], timestamp: 7, expiresAt: 9e9 },
  ]);
  t.deepEqual(merged.map((e) => e.firing), [['y']]);
});

test('alert points: one line per firing/resolved transition', (t) => {
  const f = alert({ alertname: 'WorkerLost', worker: 'w1' });
  const seen = new Map<string, 'firing' | 'resolved'>();
  t.is(transitions([f, alert({ alertname: 'X' }, 'pending')], seen).length, 1);
  t.is(transitions([f], seen).length, 0);
  const resolved = { ...f, state: 'resolved' as const, endsAt: 5000 };
  const points = alertPoints(transitions([resolved], seen), 6000);
  t.is(points.length, 1);
  t.is(encodePoint(points[0]!), 'alert,alertname=WorkerLost,cluster=c1,severity=critical state="resolved",firing=0i 6000000000');
});

test('state store chunks: small values inline, big ones split under the limit', (t) => {
  const small = manifestFor(JSON.stringify({ a: 1 }), 100, 'g');
  t.deepEqual(parseManifest(small.manifest), { format: 1, chunks: 0, value: { a: 1 } });
  const bigJson = JSON.stringify('x'.repeat(250));
  const big = manifestFor(bigJson, 100, 'g1');
  t.is(big.chunks.length, 3);
  t.true(big.chunks.every((c) => c.length <= 100));
  t.is(Buffer.concat(big.chunks).toString(), bigJson);
  t.like(parseManifest(big.manifest), { chunks: 3, gen: 'g1' });
  t.is(splitChunks(Buffer.alloc(0), 10).length, 0);
  t.is(chunkName('g', 3), 'g-000003');
  t.is(parseManifest(Buffer.alloc(0)), null);
});

test('GET /api/alerts view lists pending and firing only', (t) => {
  const view = activeAlertsView([alert({ alertname: 'A' }, 'pending', 0), alert({ alertname: 'B' }), alert({ alertname: 'C' }, 'resolved', 0, 5)]);
  t.deepEqual(view.map((v) => [v.labels.alertname, v.state]), [
    ['A', 'pending'],
    ['B', 'firing'],
  ]);
  t.is(view[0]?.startsAt, '1970-01-01T00:00:00.000Z');
});

test('the notifier runs on an injected RxJS scheduler: first flush at group_wait, retries wait on the same clock, stop() cancels the group timer', async (t) => {
  const clock = new VirtualTimeScheduler();
  // no I/O below: the promises a timer starts are settled by the time setImmediate fires
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const posts: number[] = [];
  const records: NotificationRecord[] = [];
  const n = new Notifier({
    receivers: [{ kind: 'webhook', name: 'ops', url: 'http://127.0.0.1:9/hook', route: { groupWaitMs: 30, groupIntervalMs: 1000 } }],
    scheduler: clock,
    retry: { initialMs: 100, multiplier: 2, jitter: 0, maxAgeMs: 10_000 },
    post: async () => {
      posts.push(clock.now());
      return { kind: 'http', status: posts.length < 3 ? 500 : 200 };
    },
    onNotification: (r) => records.push(r),
  });
  n.update([alert({ alertname: 'WorkerLost', worker: 'w1' })]);
  t.deepEqual(clock.actions.map((a) => a.delay), [30], 'the group_wait timer is an action of the scheduler');
  await advanceTo(clock, 29, settle);
  t.deepEqual(posts, [], 'nothing before group_wait');
  await advanceTo(clock, 500, settle);
  t.deepEqual(posts, [30, 130, 330], 'two retries after 100 and 200 ms of virtual time');
  t.like(records, [{ ok: true, attempts: 3, at: 30 }]);
  t.deepEqual(clock.actions.map((a) => a.delay), [1030], 'the next flush, one group_interval after the first started');
  n.stop();
  t.is(clock.actions.length, 0, 'stop() unsubscribed it');
});
