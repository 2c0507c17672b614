/** Members (R/workers/<id>): joins, heartbeats (the znode's mtime), and leaving on purpose vs crashing. */
import type { NodeEvent } from '../watch/events.ts';
import { emit, eventBytes, forgetValidity, modelWith, trackValidity, type Step } from './step.ts';
import type { ClusterModel, WorkerState } from './types.ts';

/** `nameHost`: the host the node's name gives (Solr, HBase), used when the data gives none. */
export function workerPresent(model: ClusterModel, id: string, event: NodeEvent, step: Step, nameHost?: string): ClusterModel {
  const { stat } = event;
  let m = model;
  let previous = m.workers.get(id);
  if (previous?.up && previous.session !== stat.ephemeralOwner) {
    // The node was replaced by another session between two observations: the old one is gone.
    m = workerGone(m, id, step);
    previous = m.workers.get(id);
  }
  const joining = previous === undefined || !previous.up;
  const worker: WorkerState =
    // a heartbeat usually rewrites the very same data: its decoded fields are those of the last beat
    previous !== undefined && event.data !== null && previous.raw === event.data
      ? beaten(previous, stat.mtime, stat.ephemeralOwner)
      : decodedWorker(id, event, step, nameHost);
  m = modelWith(m, { workers: m.workers.set(id, worker) });
  if (joining) emit(step, { type: 'WorkerJoined', worker: id, host: worker.host });
  // valid data and no invalid path anywhere (the usual case): nothing to track, no path to build
  if (worker.invalid !== null || m.invalid.size > 0) m = trackValidity(m, step.layout.paths.member(id), worker.invalid, step);
  if (joining || previous?.lastBeat !== stat.mtime) emit(step, { type: 'HeartbeatSeen', worker: id, beat: stat.mtime });
  return m;
}

/**
 * `{ ...w, up: true, lastBeat, session, leftAt: null, leftReason: null }`, spelt out: a spread
 * followed by overrides takes V8's slow path, and this runs for every heartbeat. Lists every field
 * of WorkerState (types.ts), in its order; a field added there must be added here.
 */
function beaten(w: WorkerState, lastBeat: number, session: string): WorkerState {
  return {
    id: w.id,
    host: w.host,
    pid: w.pid,
    startedAt: w.startedAt,
    heartbeatMs: w.heartbeatMs,
    state: w.state,
    meta: w.meta,
    up: true,
    lastBeat,
    session,
    leftAt: null,
    leftReason: null,
    invalid: w.invalid,
    raw: w.raw,
    node: w.node,
  };
}

function decodedWorker(id: string, event: NodeEvent, step: Step, nameHost: string | undefined): WorkerState {
  const { stat } = event;
  const decoded = step.layout.decode.member(event.data, stat.dataLength, eventBytes(event));
  const data = decoded.ok ? decoded.value : null;
  return {
    id,
    host: data?.host ?? nameHost ?? null,
    pid: data?.pid ?? null,
    startedAt: data?.startedAt ?? null,
    heartbeatMs: data?.heartbeatMs ?? null,
    state: data?.state ?? 'unknown',
    meta: data?.meta ?? null,
    up: true,
    lastBeat: stat.mtime,
    session: stat.ephemeralOwner,
    leftAt: null,
    leftReason: null,
    invalid: decoded.ok ? null : decoded.reason,
    raw: event.data,
    node: event.path,
  };
}

/** The worker's node is gone: it stays in the model, down, with why. */
export function workerGone(model: ClusterModel, id: string, step: Step): ClusterModel {
  const m = forgetValidity(model, step.layout.paths.member(id));
  const worker = m.workers.get(id);
  if (worker === undefined || !worker.up) return m;
  const reason = worker.state === 'leaving' ? 'leaving' : 'crash';
  emit(step, { type: 'WorkerLeft', worker: id, reason });
  return modelWith(m, { workers: m.workers.set(id, { ...worker, up: false, leftAt: step.time, leftReason: reason }) });
}

/**
 * The members' container (R/workers) was removed: every worker still up is gone; with `group`, a container
 * of one group of them (a discovery service): the members keyed `<group>/...`.
 */
export function allWorkersGone(model: ClusterModel, step: Step, group?: string): ClusterModel {
  let m = model;
  const prefix = group === undefined ? '' : `${group}/`;
  for (const [id, worker] of model.workers) if (worker.up && id.startsWith(prefix)) m = workerGone(m, id, step);
  return m;
}
