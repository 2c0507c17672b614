import test from 'ava';
import { Map as IMap } from 'immutable';
import { VirtualTimeScheduler } from 'rxjs';
import { startGauges } from '../../collector/influx/gauges.ts';
import { encodePoint, type Point } from '../../collector/influx/line-protocol.ts';
import { collectorPoint, gaugePoints, pointsForEvent } from '../../collector/influx/points.ts';
import { describeEvent } from '../../collector/model/describe.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { emptyCluster } from '../../collector/model/reducer.ts';
import type { ClusterModel, TaskState, WorkerState } from '../../collector/model/types.ts';

function worker(id: string, up: boolean, lastBeat: number): WorkerState {
  return {
    id, host: 'h', pid: 1, startedAt: 0, heartbeatMs: 1000, state: 'ready', meta: null, up, lastBeat,
    session: '1', leftAt: up ? null : lastBeat, leftReason: up ? null : 'crash', invalid: null, node: `workers/${id}`,
  };
}

function task(id: string, state: TaskState['state'], exists = true): TaskState {
  return { id, data: null, exists, worker: null, progress: null, state };
}

function model(): ClusterModel {
  const m = emptyCluster('crawler', '/apps/crawler');
  return {
    ...m,
    master: { id: 'm1', since: 0, epoch: '123456789012', session: 'a', invalid: null },
    candidates: IMap({ n_1: { node: 'n_1', seq: 1, id: 'm1', session: 'a' }, n_2: { node: 'n_2', seq: 2, id: 'm2', session: 'b' } }),
    workers: IMap({ w1: worker('w1', true, 9_000), w2: worker('w2', false, 5_000), w3: worker('w3', true, 9_500) }),
    tasks: IMap({ t1: task('t1', 'running'), t2: task('t2', 'pending'), t3: task('t3', 'done', false) }),
  };
}

const lines = (points: Point[]): string[] => points.map((p) => encodePoint(p) ?? 'null');
const byMeasurement = (points: Point[], m: string): Point[] => points.filter((p) => p.measurement === m);

test('gaugePoints: a worker point for every worker and the cluster point', (t) => {
  t.deepEqual(lines(gaugePoints(model(), 10_000)), [
    'worker,cluster=crawler,worker=w1 up=1i,beat_age_ms=1000 10000000000',
    'worker,cluster=crawler,worker=w2 up=0i,beat_age_ms=5000 10000000000',
    'worker,cluster=crawler,worker=w3 up=1i,beat_age_ms=500 10000000000',
    'cluster,cluster=crawler workers=2i,master_present=1i,candidates=2i,tasks=2i,tasks_running=1i 10000000000',
  ]);
});

test('every domain event gives an event point with describeEvent subject and text, at the event time', (t) => {
  const e: DomainEvent = { type: 'DataInvalid', cluster: 'crawler', time: 4242, path: '/apps/crawler/workers/w9', reason: 'not JSON' };
  const points = pointsForEvent(e, model(), 99_999);
  t.deepEqual(points, [{ measurement: 'event', tags: { cluster: 'crawler', kind: 'DataInvalid' }, fields: { ...describeEvent(e) }, time: 4242 }]);
});

test('MasterElected writes the master id and the czxid epoch as a 64-bit integer', (t) => {
  const e: DomainEvent = { type: 'MasterElected', cluster: 'crawler', time: 7000, id: 'm1', epoch: '123456789012', session: 'a' };
  const points = pointsForEvent(e, model(), 0);
  t.deepEqual(lines(byMeasurement(points, 'master')), ['master,cluster=crawler id="m1",epoch=123456789012i,present=1i 7000000000']);
  t.is(byMeasurement(points, 'cluster').length, 0, 'the cluster gauge is the pipeline\'s job (collector/pipeline.ts)');
  t.true(points.every((p) => p.time === 7000));
});

test('MasterLost writes an empty id and present=0i', (t) => {
  const e: DomainEvent = { type: 'MasterLost', cluster: 'crawler', time: 8000, id: 'm1', epoch: '5' };
  t.deepEqual(lines(byMeasurement(pointsForEvent(e, { ...model(), master: null }, 0), 'master')), [
    'master,cluster=crawler id="",epoch=5i,present=0i 8000000000',
  ]);
});

test('ProgressUpdated writes done, total and ratio with task and worker tags', (t) => {
  const e: DomainEvent = { type: 'ProgressUpdated', cluster: 'crawler', time: 9000, task: 't1', worker: 'w1', done: 25, total: 100 };
  t.deepEqual(lines(byMeasurement(pointsForEvent(e, model(), 0), 'progress')), [
    'progress,cluster=crawler,task=t1,worker=w1 done=25,total=100,ratio=0.25 9000000000',
  ]);
  const noTotal: DomainEvent = { ...e, worker: null, total: 0 };
  t.deepEqual(lines(byMeasurement(pointsForEvent(noTotal, model(), 0), 'progress')), ['progress,cluster=crawler,task=t1 done=25,total=0 9000000000']);
});

test('worker up/down on WorkerJoined, WorkerLeft and HeartbeatSeen, with beat_age_ms at the event time', (t) => {
  const joined: DomainEvent = { type: 'WorkerJoined', cluster: 'crawler', time: 9_200, worker: 'w1', host: 'h' };
  const left: DomainEvent = { type: 'WorkerLeft', cluster: 'crawler', time: 6_000, worker: 'w2', reason: 'crash' };
  const beat: DomainEvent = { type: 'HeartbeatSeen', cluster: 'crawler', time: 9_012.5, worker: 'w3', beat: 9_000 };
  t.deepEqual(lines(byMeasurement(pointsForEvent(joined, model(), 0), 'worker')), ['worker,cluster=crawler,worker=w1 up=1i,beat_age_ms=200 9200000000']);
  t.deepEqual(lines(byMeasurement(pointsForEvent(left, model(), 0), 'worker')), ['worker,cluster=crawler,worker=w2 up=0i,beat_age_ms=1000 6000000000']);
  const beatPoints = pointsForEvent(beat, model(), 0);
  t.deepEqual(byMeasurement(beatPoints, 'worker')[0]?.fields, { up: { int: 1 }, beat_age_ms: 12.5 });
  t.is(byMeasurement(beatPoints, 'cluster').length, 0, 'a heartbeat does not change the cluster gauge');
});

test('collectorPoint', (t) => {
  t.deepEqual(lines([collectorPoint('host-1', { zkConnected: true, events: 12, eventLagMs: 3.5, writeErrors: 1, droppedPoints: 0 }, 5)]), [
    'collector,instance=host-1 zk_connected=1i,events=12i,event_lag_ms=3.5,write_errors=1i,dropped_points=0i 5000000',
  ]);
});

test('the gauge loop re-writes gauges every 10 s at scheduler time and survives a throwing source', (t) => {
  const scheduler = new VirtualTimeScheduler();
  const written: Point[][] = [];
  const errors: unknown[] = [];
  let fail = false;
  const sub = startGauges(
    {
      models: () => {
        if (fail) throw new Error('boom');
        return [model()];
      },
      extra: (now) => [collectorPoint('me', { zkConnected: true, events: 0, eventLagMs: 0, writeErrors: 0, droppedPoints: 0 }, now)],
      scheduler,
      onError: (err) => errors.push(err),
    },
    (points) => written.push(points),
  );
  scheduler.maxFrames = 25_000;
  scheduler.flush();
  t.deepEqual(written.map((points) => points[0]?.time), [10_000, 20_000]);
  t.is(written[0]?.length, 5, '3 workers, the cluster point and the collector point');
  fail = true;
  scheduler.maxFrames = 45_000;
  scheduler.flush();
  t.is(written.length, 2);
  t.is(errors.length, 2);
  fail = false;
  scheduler.maxFrames = 55_000;
  scheduler.flush();
  t.is(written.length, 3);
  sub.unsubscribe();
});
