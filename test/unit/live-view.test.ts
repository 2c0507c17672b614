/**
 * The live view's coalescing (collector/http/live-view.ts, pure) and its feed in virtual time
 * (collector/http/live-stream.ts on an RxJS VirtualTimeScheduler): one delta per window however many beats,
 * nothing when nothing changed, a worker going down (or stale, by time alone) in the next delta, and a client
 * that does not read gets the changes added up, or is dropped past maxBufferedBytes.
 */
import test from 'ava';
import { Map as IMap } from 'immutable';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { emptyCluster } from '../../collector/model/reducer.ts';
import type { ClusterModel, WorkerState } from '../../collector/model/types.ts';
import { diffLiveView, workerHealth, DEFAULT_STALENESS, type LiveDelta, type LiveMessage, type LiveSnapshot } from '../../collector/http/live-view.ts';
import { startLiveFeed, type LiveSink } from '../../collector/http/live-stream.ts';

const T0 = 1_700_000_000_000;

function worker(id: string, lastBeat: number, extra: Partial<WorkerState> = {}): WorkerState {
  return {
    id,
    host: `host-${id}`,
    pid: 1,
    startedAt: T0,
    heartbeatMs: 5_000,
    state: 'ready',
    meta: null,
    up: true,
    lastBeat,
    session: '1',
    leftAt: null,
    leftReason: null,
    invalid: null,
    node: `workers/${id}`,
    ...extra,
  };
}

function cluster(n: number, beat = T0): ClusterModel {
  const workers = IMap<string, WorkerState>().withMutations((m) => {
    for (let i = 0; i < n; i += 1) m.set(`w${i}`, worker(`w${i}`, beat));
  });
  return { ...emptyCluster('big', '/big'), workers, synced: true };
}

/** every worker beats once more at `at` */
function beatAll(model: ClusterModel, at: number): ClusterModel {
  return { ...model, workers: model.workers.map((w) => ({ ...w, lastBeat: at })) };
}

function crash(model: ClusterModel, id: string, at: number): ClusterModel {
  return { ...model, workers: model.workers.update(id, (w) => ({ ...w!, up: false, leftAt: at, leftReason: 'crash' })) };
}

test('health: down, stale (3 × the period, 5 s when none), leaving, invalid, up; no staleness for a layout without beats', (t) => {
  const now = T0 + 20_000;
  t.is(workerHealth(worker('a', T0, { up: false }), now, DEFAULT_STALENESS), 'down');
  t.is(workerHealth(worker('a', now - 15_001), now, DEFAULT_STALENESS), 'stale');
  t.is(workerHealth(worker('a', now - 15_000), now, DEFAULT_STALENESS), 'up');
  t.is(workerHealth(worker('a', now - 15_001, { heartbeatMs: null }), now, DEFAULT_STALENESS), 'stale');
  t.is(workerHealth(worker('a', now - 15_001, { heartbeatMs: 10_000 }), now, DEFAULT_STALENESS), 'up');
  t.is(workerHealth(worker('a', now, { state: 'leaving' }), now, DEFAULT_STALENESS), 'leaving');
  t.is(workerHealth(worker('a', now, { invalid: 'not JSON' }), now, DEFAULT_STALENESS), 'invalid');
  t.is(workerHealth(worker('a', T0 - 600_000), now, null), 'up');
});

test('a snapshot first, then nothing while nothing changes, then a delta with only what changed', (t) => {
  const model = cluster(3);
  const first = diffLiveView(null, model, T0 + 100);
  const snap = first.message as LiveSnapshot;
  t.is(snap.kind, 'snapshot');
  t.is(snap.seq, 1);
  t.is(snap.at, T0 + 100);
  t.is(snap.workers.length, 3);
  t.deepEqual(snap.counts, { down: 0, stale: 0, leaving: 0, invalid: 0, up: 3 });
  t.is(snap.header.name, 'big');

  const quiet = diffLiveView(first.next, model, T0 + 350);
  t.is(quiet.message, null, 'no change → no message');
  t.is(quiet.next.seq, 1);

  const beaten = { ...model, workers: model.workers.update('w1', (w) => ({ ...w!, lastBeat: T0 + 5_000 })) };
  const d = diffLiveView(quiet.next, beaten, T0 + 5_100).message as LiveDelta;
  t.is(d.kind, 'delta');
  t.is(d.seq, 2);
  t.deepEqual(d.upsert, []);
  t.deepEqual(d.beats, [['w1', T0 + 5_000]]);
  t.deepEqual(d.removed, []);
  t.is(d.header, undefined, 'the header did not change');
});

test('10,000 heartbeats in one window are one delta; a worker crashed in it is an upsert with health down', (t) => {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  let model = cluster(10_000);
  const chunks: string[] = [];
  const messages: LiveMessage[] = [];
  const sink: LiveSink = { write: (c) => chunks.push(c), buffered: () => 0, drop: () => t.fail('not dropped') };
  const feed = startLiveFeed({ model: () => model, now: () => T0 + scheduler.now(), options: () => ({}) }, sink, scheduler, { intervalMs: 250, heartbeatMs: 15_000, maxBufferedBytes: 1 << 20 }, (m) => messages.push(m));
  t.teardown(() => feed.unsubscribe());
  t.is(messages.length, 1);
  t.is(messages[0]!.kind, 'snapshot');
  t.regex(chunks[0]!, /^event: snapshot\ndata: \{.*\}\n\n$/s);

  // 10,000 beats land between two ticks, and w42 crashes
  model = crash(beatAll(model, T0 + 100), 'w42', T0 + 120);
  scheduler.maxFrames = 249;
  scheduler.flush();
  t.is(messages.length, 1, 'nothing before the window ends');
  scheduler.maxFrames = 250;
  scheduler.flush();
  t.is(messages.length, 2, 'one delta for the window');
  const d = messages[1] as LiveDelta;
  t.is(d.seq, 2);
  t.is(d.beats.length, 9_999);
  t.deepEqual(d.upsert.map((r) => [r.id, r.health]), [['w42', 'down']]);
  t.is(d.counts.down, 1);
  t.is(d.counts.up, 9_999);
  t.regex(chunks[1]!, /^event: delta\n/);

  // a second of quiet: no message (no heartbeat comment before heartbeatMs either)
  scheduler.maxFrames = 1_250;
  scheduler.flush();
  t.is(messages.length, 2);
  t.is(chunks.length, 2);
});

test('stale comes with time alone: the tick after 3 × the period moves a silent worker to stale', (t) => {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  let model = cluster(2);
  const messages: LiveMessage[] = [];
  const sink: LiveSink = { write: () => undefined, buffered: () => 0, drop: () => undefined };
  const feed = startLiveFeed({ model: () => model, now: () => T0 + scheduler.now(), options: () => ({}) }, sink, scheduler, { intervalMs: 250, heartbeatMs: 60_000, maxBufferedBytes: 1 << 20 }, (m) => messages.push(m));
  t.teardown(() => feed.unsubscribe());
  // w1 keeps beating every second, w0 never again
  for (let at = 1_000; at <= 15_000; at += 1_000) {
    scheduler.maxFrames = at;
    scheduler.flush();
    model = { ...model, workers: model.workers.update('w1', (w) => ({ ...w!, lastBeat: T0 + at })) };
  }
  t.false(messages.some((m) => m.kind === 'delta' && m.upsert.length > 0), 'no health change within 15 s');
  scheduler.maxFrames = 15_250;
  scheduler.flush();
  const last = messages.at(-1) as LiveDelta;
  t.deepEqual(last.upsert.map((r) => [r.id, r.health]), [['w0', 'stale']]);
  t.is(last.counts.stale, 1);
  t.true(messages.length <= 1 + 15_250 / 250, 'at most one message per window');
});

test('backpressure: while the client has not taken the last message the changes add up; past maxBufferedBytes it is dropped', (t) => {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  let model = cluster(100);
  let queued = 0;
  let dropped = 0;
  const messages: LiveMessage[] = [];
  const sink: LiveSink = {
    write: (c) => (queued += c.length),
    buffered: () => queued,
    drop: () => (dropped += 1),
  };
  const feed = startLiveFeed({ model: () => model, now: () => T0 + scheduler.now(), options: () => ({}) }, sink, scheduler, { intervalMs: 250, heartbeatMs: 60_000, maxBufferedBytes: 100_000 }, (m) => messages.push(m));
  t.teardown(() => feed.unsubscribe());
  t.is(messages.length, 1);
  // the client reads nothing: four windows of changes, no message written
  for (let i = 1; i <= 4; i += 1) {
    model = crash(beatAll(model, T0 + i * 250), `w${i}`, T0 + i * 250);
    scheduler.maxFrames = i * 250;
    scheduler.flush();
  }
  t.is(messages.length, 1, 'nothing written while the last message is queued');
  // it reads: the next tick sends one delta with all four crashes
  queued = 0;
  scheduler.maxFrames = 1_250;
  scheduler.flush();
  t.is(messages.length, 2);
  const d = messages[1] as LiveDelta;
  t.deepEqual(d.upsert.map((r) => r.id).sort(), ['w1', 'w2', 'w3', 'w4']);
  t.is(d.counts.down, 4);
  t.is(dropped, 0);
  // a queue past the limit (a client that stopped reading a big message) is dropped
  queued = 200_000;
  scheduler.maxFrames = 1_500;
  scheduler.flush();
  t.is(dropped, 1);
});

test('removed workers and a header change (a new master) are in the delta', (t) => {
  const model = cluster(3);
  const first = diffLiveView(null, model, T0).next;
  const changed: ClusterModel = {
    ...model,
    workers: model.workers.delete('w2'),
    master: { id: 'm1', since: T0, epoch: '7', session: '2', invalid: null },
  };
  const d = diffLiveView(first, changed, T0 + 250).message as LiveDelta;
  t.deepEqual(d.removed, ['w2']);
  t.is(d.header?.master?.id, 'm1');
  t.is(d.workerCount, 2);
});
