import test from 'ava';
import { ClusterModels } from '../../collector/cluster-models.ts';
import { encodePoint, type Point } from '../../collector/influx/line-protocol.ts';
import { pointsForEvent } from '../../collector/influx/points.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { EventPipeline, initialModels, stepEvent } from '../../collector/pipeline.ts';
import type { NodeEvent, WatchEvent, ZnodeStat } from '../../collector/watch/events.ts';

const S1 = '00000000000000a1';
const CLUSTERS = [
  { name: 'crawler', root: '/apps/crawler' },
  { name: 'billing', root: '/apps/billing' },
];

function node(kind: NodeEvent['kind'], path: string, data: object | null, time: number, cluster = 'crawler'): NodeEvent {
  const text = data === null ? null : JSON.stringify(data);
  const stat: ZnodeStat = {
    czxid: '10',
    mzxid: '11',
    ctime: time,
    mtime: time,
    version: 0,
    cversion: 0,
    ephemeralOwner: S1,
    dataLength: text === null ? 0 : Buffer.byteLength(text),
    numChildren: 0,
  };
  return { kind, cluster, path, stat, data: text, time };
}

const worker = (id: string) => ({ id, host: 'h', pid: 1, startedAt: 0, heartbeatMs: 1000, state: 'ready' });
const joined = (id: string, time: number, cluster = 'crawler') => node('added', `workers/${id}`, worker(id), time, cluster);
const beat = (id: string, time: number) => node('changed', `workers/${id}`, worker(id), time);
const lines = (points: Point[]) => points.map((p) => encodePoint(p) ?? 'null');
const byMeasurement = (points: Point[], m: string) => points.filter((p) => p.measurement === m);

test('stepEvent is pure: the models it was given are left as they were, the step returns the next ones', (t) => {
  const before = initialModels(CLUSTERS);
  const crawler = before.get('crawler');
  const step = stepEvent(before, joined('w1', 1000), { now: 1000 });
  t.is(before.get('crawler'), crawler, 'the input map still holds the old model');
  t.is(crawler!.workers.size, 0);
  t.is(step.models.get('crawler')!.workers.size, 1);
  t.is(step.models.get('billing'), before.get('billing'), 'an untouched cluster keeps its model object');
  t.deepEqual(
    step.events.map((e) => e.type),
    ['WorkerJoined', 'HeartbeatSeen'],
  );
});

test('stepEvent: each event\'s own points, at the event time, from the model after the step', (t) => {
  const step = stepEvent(initialModels(CLUSTERS), joined('w1', 1000), { now: 5000 });
  const expected = step.events.flatMap((e) => pointsForEvent(e, step.models.get('crawler')!, 5000));
  t.deepEqual(step.points, expected);
  t.deepEqual(lines(byMeasurement(step.points, 'worker')), [
    'worker,cluster=crawler,worker=w1 up=1i,beat_age_ms=0 1000000000',
    'worker,cluster=crawler,worker=w1 up=1i,beat_age_ms=0 1000000000',
  ]);
  t.is(byMeasurement(step.points, 'cluster').length, 0, 'the cluster gauge is batched, not made per event');
  t.deepEqual(step.gauges, [{ cluster: 'crawler', time: 1000 }], 'WorkerJoined changes the cluster gauge; HeartbeatSeen does not');
});

test('stepEvent without points: the same models and events, no points', (t) => {
  const models = initialModels(CLUSTERS);
  const withPoints = stepEvent(models, joined('w1', 1000), { now: 1000 });
  const without = stepEvent(models, joined('w1', 1000), { now: 1000, points: false });
  t.deepEqual(without.events, withPoints.events);
  t.deepEqual([...without.models.keys()], [...withPoints.models.keys()]);
  t.deepEqual(without.points, []);
  t.deepEqual(without.gauges, []);
});

test('stepEvent: an event of an unknown cluster changes nothing; a connection event reaches every cluster', (t) => {
  const models = initialModels(CLUSTERS);
  const unknown = stepEvent(models, joined('x', 1000, 'elsewhere'), { now: 1000 });
  t.is(unknown.models, models);
  t.deepEqual(unknown.events, []);
  t.deepEqual(unknown.points, []);
  const expired: WatchEvent = { kind: 'connection', state: 'expired', time: 2000, reason: 'session expired' };
  const step = stepEvent(models, expired, { now: 2000 });
  t.true(step.models.get('crawler')!.blind);
  t.true(step.models.get('billing')!.blind);
});

test('EventPipeline: a burst of changes writes the cluster gauge once, at its last change; heartbeats never', (t) => {
  const written: Point[] = [];
  const pipeline = new EventPipeline({ clusters: CLUSTERS, writePoints: (points) => written.push(...points) });
  for (let i = 0; i < 100; i++) pipeline.push(joined(`w${i}`, 1000 + i), 1000 + i);
  t.is(byMeasurement(written, 'cluster').length, 0);
  t.true(pipeline.pendingGauges);
  pipeline.flushGauges();
  t.deepEqual(lines(byMeasurement(written, 'cluster')), ['cluster,cluster=crawler workers=100i,master_present=0i,candidates=0i,tasks=0i,tasks_running=0i 1099000000']);
  t.false(pipeline.pendingGauges);
  pipeline.push(beat('w1', 3000), 3000);
  t.false(pipeline.pendingGauges, 'a heartbeat does not change the cluster gauge');
  pipeline.push(joined('x', 3000, 'elsewhere'), 3000);
  t.false(pipeline.pendingGauges, 'an unknown cluster writes nothing');
  t.is(byMeasurement(written, 'event').length, 201, '100 joins and 100 first beats, and the later beat');
});

test('EventPipeline publishes each watch event before its domain events, and the models are ClusterModels\' ones', (t) => {
  const seen: string[] = [];
  const pipeline = new EventPipeline({ clusters: CLUSTERS });
  pipeline.watchEvents$.subscribe((e) => seen.push(`watch:${e.kind}`));
  pipeline.events$.subscribe((e: DomainEvent) => seen.push(`domain:${e.type}`));
  const models = new ClusterModels(CLUSTERS);
  const events: WatchEvent[] = [joined('w1', 1000), beat('w1', 2000), node('removed', 'workers/w1', worker('w1'), 3000)];
  for (const e of events) {
    pipeline.push(e, e.time);
    models.apply(e, e.time);
  }
  t.deepEqual(seen, [
    'watch:added',
    'domain:WorkerJoined',
    'domain:HeartbeatSeen',
    'watch:changed',
    'domain:HeartbeatSeen',
    'watch:removed',
    'domain:WorkerLeft',
  ]);
  t.deepEqual(pipeline.all(), models.all());
  let completed = 0;
  pipeline.events$.subscribe({ complete: () => completed++ });
  pipeline.watchEvents$.subscribe({ complete: () => completed++ });
  pipeline.complete();
  t.is(completed, 2);
});
