/**
 * haMode shard, what a move means for notices: the collector releasing a unit forgets its alerts
 * (no resolved notice: the alert moved, it did not resolve), and the one claiming it, having merged the
 * shared notification log first, sends only what the previous owner did not. Engine state is merged per
 * unit: each writer's own units win.
 */
import test from 'ava';
import { VirtualTimeScheduler } from 'rxjs';
import { fingerprint } from '../../alerts/fingerprint.ts';
import { Notifier, type NotificationRecord } from '../../alerts/notify/notifier.ts';
import type { NflogSnapshot } from '../../alerts/notify/nflog.ts';
import { mergeEngineByUnit } from '../../alerts/store/engine-merge.ts';
import type { AlertInstance } from '../../alerts/types.ts';
import { unitOfLabels } from '../../server/shard/ownership.ts';
import { advanceTo } from '../../replay/virtual-clock.ts';

function alert(cluster: string, worker: string, state: AlertInstance['state'] = 'firing', endsAt: number | null = null): AlertInstance {
  const labels = { alertname: 'WorkerLost', severity: 'critical', cluster, worker };
  return { fingerprint: fingerprint(labels), labels, annotations: {}, state, activeAt: 1000, startsAt: 1000, endsAt };
}

function notifier(clock: VirtualTimeScheduler, sent: NotificationRecord[], nflog: { value: NflogSnapshot }) {
  return new Notifier({
    receivers: [{ kind: 'webhook', name: 'ops', url: 'http://127.0.0.1:9/hook', route: { groupWaitMs: 10, groupIntervalMs: 100 } }],
    scheduler: clock,
    post: async () => ({ kind: 'http', status: 200 }),
    nflog: nflog.value,
    onNflogChange: (s) => (nflog.value = s),
    onNotification: (r) => sent.push(r),
  });
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test('a released unit\'s alerts are forgotten, not resolved; the next owner, with the merged log, sends only the resolve', async (t) => {
  const clock = new VirtualTimeScheduler();
  const log = { value: [] as NflogSnapshot };
  const before: NotificationRecord[] = [];
  const a = notifier(clock, before, log);
  a.update([alert('app1', 'w1'), alert('app2', 'w9')]);
  await advanceTo(clock, 50, settle);
  t.is(before.length, 2, 'both units notified once');
  // app1 moves away: A's scope drops it
  a.update([alert('app2', 'w9')]);
  await advanceTo(clock, 1000, settle);
  t.is(before.length, 2, 'no resolved notice for a unit that moved');

  // B claims app1: the shared log is merged before app1's alerts reach its notifier
  const after: NotificationRecord[] = [];
  const b = notifier(clock, after, { value: [] });
  b.mergeNflog(log.value);
  b.update([alert('app1', 'w1')]);
  await advanceTo(clock, 2000, settle);
  t.deepEqual(after, [], 'the firing notice A sent is not repeated');
  b.update([alert('app1', 'w1', 'resolved', 1900)]);
  await advanceTo(clock, 3000, settle);
  t.is(after.length, 1);
  t.deepEqual(after[0]!.alerts.map((x) => x.state), ['resolved']);
});

test('without the merged log the next owner would repeat the notice (what the merge prevents)', async (t) => {
  const clock = new VirtualTimeScheduler();
  const sent: NotificationRecord[] = [];
  const b = notifier(clock, sent, { value: [] });
  b.update([alert('app1', 'w1')]);
  await advanceTo(clock, 100, settle);
  t.is(sent.length, 1);
});

test('engine state merged per unit: ours for the units we act for, the stored value for the rest', (t) => {
  const stored = (cluster: string, by: string) => ({ fingerprint: `${cluster}-${by}`, labels: { cluster, by } });
  const ours = JSON.stringify({ version: 1, alerts: [stored('app1', 'us'), stored('app2', 'us')], memory: [['app1', 'us'], ['app2', 'us']] });
  const theirs = JSON.stringify({ version: 1, alerts: [stored('app1', 'them'), stored('app2', 'them')], memory: [['app1', 'them'], ['app2', 'them']] });
  const merged = JSON.parse(mergeEngineByUnit(ours, theirs, (u) => u === 'app1', unitOfLabels)) as { alerts: { labels: { cluster: string; by: string } }[]; memory: [string, string][] };
  t.deepEqual(merged.alerts.map((a) => `${a.labels.cluster}:${a.labels.by}`).sort(), ['app1:us', 'app2:them']);
  t.deepEqual(merged.memory.map(([c, v]) => `${c}:${v}`).sort(), ['app1:us', 'app2:them']);
  // a stored value that is not an engine state is replaced by ours
  t.is(mergeEngineByUnit(ours, 'garbage', () => true, unitOfLabels), ours);
});
