/**
 * Pure mapping from the cluster model and its domain events to InfluxDB points (docs/contract.md §4).
 *
 * Field types are fixed here once and for all (InfluxDB refuses a field that changes type):
 * integers (`i`) for flags and counts — up, master_present, workers, candidates, tasks, tasks_running,
 * epoch, zk_connected, events, write_errors, dropped_points; floats for beat_age_ms, event_lag_ms and
 * for progress done/total/ratio (workers may report fractional progress).
 * `master` also carries `present` (1i elected / 0i lost), an addition to the contract's id/epoch.
 * `lock` (docs/contract.md §9): `holder` (the first holder's node name, "" when free), `waiters` (i),
 * `held_ms` (float, like beat_age_ms), and `owner` (the holder's owner from its data, "" when unknown), an
 * addition. `config`: `version` (i, -1 when deleted), `bytes` (i), `digest` (string, "" when unknown) —
 * never the data.
 */
import type { DomainEvent } from '../model/domain-events.ts';
import { describeEvent } from '../model/describe.ts';
import type { ClusterModel, LockState, WorkerState } from '../model/types.ts';
import { int, type Point } from './line-protocol.ts';

export function workerPoint(cluster: string, w: WorkerState, time: number): Point {
  return {
    measurement: 'worker',
    tags: { cluster, worker: w.id },
    fields: { up: int(w.up), beat_age_ms: Math.max(0, time - w.lastBeat) },
    time,
  };
}

export function clusterPoint(model: ClusterModel, time: number): Point {
  let workers = 0;
  for (const w of model.workers.values()) if (w.up) workers++;
  let tasks = 0;
  let running = 0;
  for (const t of model.tasks.values()) {
    if (t.exists) tasks++;
    if (t.state === 'running') running++;
  }
  return {
    measurement: 'cluster',
    tags: { cluster: model.name },
    fields: {
      workers: int(workers),
      master_present: int(model.master !== null),
      candidates: int(model.candidates.size),
      tasks: int(tasks),
      tasks_running: int(running),
    },
    time,
  };
}

/**
 * A lock at `time` (`state` undefined: it has no contenders any more, a free lock's last point). held_ms
 * is counted from the first holder's heldSince, so the periodic snapshot shows it growing.
 */
export function lockPoint(cluster: string, lock: string, state: LockState | undefined, time: number): Point {
  const first = state?.holders[0];
  const holder = first === undefined ? undefined : state?.contenders.get(first);
  const heldSince = state?.heldSince ?? null;
  return {
    measurement: 'lock',
    tags: { cluster, lock },
    fields: {
      holder: first ?? '',
      owner: holder?.owner ?? '',
      waiters: int(state === undefined ? 0 : Math.max(0, state.contenders.size - state.holders.length)),
      held_ms: heldSince === null ? 0 : Math.max(0, time - heldSince),
    },
    time,
  };
}

/**
 * The `lock` points of a step: one for each lock whose state changed between `before` and `after` (the
 * same cluster's models). `lock`: the one lock the event was about (a contender's), else every lock is looked at.
 */
export function lockChangePoints(before: ClusterModel, after: ClusterModel, time: number, lock?: string): Point[] {
  if (before.locks === after.locks) return [];
  if (lock !== undefined) {
    const state = after.locks.get(lock);
    return before.locks.get(lock) === state ? [] : [lockPoint(after.name, lock, state, time)];
  }
  const points: Point[] = [];
  for (const [path, state] of after.locks) if (before.locks.get(path) !== state) points.push(lockPoint(after.name, path, state, time));
  for (const path of before.locks.keys()) if (!after.locks.has(path)) points.push(lockPoint(after.name, path, undefined, time));
  return points;
}

/** The gauges of one cluster at `now`: every worker's `worker` point, the `cluster` point and every lock's `lock` point. */
export function gaugePoints(model: ClusterModel, now: number): Point[] {
  return Array.from(gaugePointsOf(model, now));
}

/** gaugePoints one at a time (a live tick builds and writes them in slices: collector/data-plane.ts). */
export function* gaugePointsOf(model: ClusterModel, now: number): Generator<Point, void, undefined> {
  for (const w of model.workers.values()) yield workerPoint(model.name, w, now);
  yield clusterPoint(model, now);
  for (const [lock, state] of model.locks) yield lockPoint(model.name, lock, state, now);
}

export interface CollectorStats {
  zkConnected: boolean;
  /** domain events seen so far */
  events: number;
  /** how far behind the newest event is, ms */
  eventLagMs: number;
  writeErrors: number;
  droppedPoints: number;
}

export function collectorPoint(instance: string, stats: CollectorStats, now: number): Point {
  return {
    measurement: 'collector',
    tags: { instance },
    fields: {
      zk_connected: int(stats.zkConnected),
      events: int(stats.events),
      event_lag_ms: stats.eventLagMs,
      write_errors: int(stats.writeErrors),
      dropped_points: int(stats.droppedPoints),
    },
    time: now,
  };
}

/** Events after which the `cluster` gauge may have changed (see event-points.ts, which writes it). */
const CHANGES_CLUSTER_GAUGE = new Set<DomainEvent['type']>([
  'WorkerJoined',
  'WorkerLeft',
  'MasterElected',
  'MasterLost',
  'CandidateJoined',
  'CandidateLeft',
  'TaskCreated',
  'TaskAssigned',
  'ProgressUpdated',
  'TaskFinished',
]);

export function changesClusterGauge(e: DomainEvent): boolean {
  return CHANGES_CLUSTER_GAUGE.has(e.type);
}

/**
 * The points one domain event produces, at the event's own time: always an `event` point, plus the
 * `worker`, `master`, `progress` or `config` point it changed. (`lock` points follow the model, not its
 * events: a new waiter changes a lock without any event. The pipeline makes them: lockChangePoints.) The `cluster` gauge counts the whole model, so it
 * is not made per event: the event pipeline (collector/pipeline.ts) writes it once per burst of changes. `model` is the model after
 * the event; `now` is only used when the event carries no usable time.
 */
export function pointsForEvent(e: DomainEvent, model: ClusterModel, now: number): Point[] {
  const time = Number.isFinite(e.time) ? e.time : now;
  const cluster = e.cluster;
  const { subject, text } = describeEvent(e);
  const points: Point[] = [{ measurement: 'event', tags: { cluster, kind: e.type }, fields: { subject, text }, time }];

  switch (e.type) {
    case 'WorkerJoined':
    case 'WorkerLeft':
    case 'HeartbeatSeen': {
      const w = model.workers.get(e.worker);
      const up = w?.up ?? e.type !== 'WorkerLeft';
      const beat = e.type === 'HeartbeatSeen' ? e.beat : (w?.lastBeat ?? time);
      points.push({
        measurement: 'worker',
        tags: { cluster, worker: e.worker },
        fields: { up: int(e.type === 'WorkerLeft' ? false : up), beat_age_ms: Math.max(0, time - beat) },
        time,
      });
      break;
    }
    case 'MasterElected':
      points.push({
        measurement: 'master',
        tags: { cluster },
        fields: { id: e.id ?? '', epoch: int(e.epoch), present: int(1) },
        time,
      });
      break;
    case 'MasterLost':
      points.push({
        measurement: 'master',
        tags: { cluster },
        fields: { id: '', epoch: int(e.epoch), present: int(0) },
        time,
      });
      break;
    case 'ProgressUpdated':
      points.push({
        measurement: 'progress',
        tags: e.worker === null ? { cluster, task: e.task } : { cluster, task: e.task, worker: e.worker },
        fields: { done: e.done, total: e.total, ratio: e.total > 0 ? e.done / e.total : Number.NaN },
        time,
      });
      break;
    case 'ConfigChanged':
      // what the event says of the key, never its data (the model never has it)
      points.push({
        measurement: 'config',
        tags: { cluster, key: e.key },
        fields: { version: int(e.version), bytes: int(e.bytes), digest: e.digest ?? '' },
        time,
      });
      break;
    default:
      break;
  }
  return points;
}
