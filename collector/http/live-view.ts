/**
 * The live page's view of one cluster, and the pure coalescing decision of GET /api/clusters/:name/live
 * (live-stream.ts): diffLiveView(prev, model, now) gives the next state and either nothing (no change since
 * the last message) or one message — a snapshot first, then deltas holding only the workers whose view
 * changed. However many heartbeats a window saw, one delta carries them; a quiet window sends nothing.
 *
 * A worker's `health` for the page: `down` (node gone: crash or left; kept as the model keeps it), `stale` (up,
 * beat age > factor × its heartbeat period, as HeartbeatStale's age mode judges it), `leaving`, `invalid`, `up`
 * — the first that holds, in that order. Stale changes with time alone, so every diff recomputes health.
 */
import { Map as IMap } from 'immutable';
import type { DomainEvent } from '../model/domain-events.ts';
import type { ClusterModel, WorkerState } from '../model/types.ts';
import { DEFAULT_LAYOUT } from '../../contract/layouts.ts';
import { candidateViews, lockView, masterView, taskView, type CandidateView, type LockView, type MasterView, type RuleApplicabilityView, type TaskView } from './views.ts';

export const HEALTHS = ['down', 'stale', 'leaving', 'invalid', 'up'] as const;
export type WorkerHealth = (typeof HEALTHS)[number];
export type HealthCounts = Record<WorkerHealth, number>;

/** When an up worker is stale; null for a layout whose members do not beat (never stale). */
export interface Staleness {
  /** stale once the beat age exceeds factor × the worker's heartbeat period */
  factor: number;
  /** the period of a worker that advertises none */
  defaultHeartbeatMs: number;
}

/** HeartbeatStale's defaults (alerts/config/defaults.ts, age mode): 3 × the period, 5 s when none is advertised. */
export const DEFAULT_STALENESS: Staleness = { factor: 3, defaultHeartbeatMs: 5_000 };

/** the page lists at most this many tasks (by id); `taskCount` says how many there are */
export const MAX_LIVE_TASKS = 200;

/** One worker as the page needs it. */
export interface LiveWorkerRow {
  id: string;
  host: string | null;
  health: WorkerHealth;
  state: WorkerState['state'];
  lastBeat: number;
  heartbeatMs: number | null;
  leftAt: number | null;
  leftReason: 'leaving' | 'crash' | null;
  invalid: string | null;
}

/** A lock without the time-dependent `heldMs`: the page counts from `heldSince` (server clock). */
export type LiveLockView = Omit<LockView, 'heldMs'> & { heldSince: number | null };

/** Everything the page shows besides the workers; sent whole, and only when it changed. */
export interface LiveHeader {
  name: string;
  root: string;
  layout: string;
  rules?: RuleApplicabilityView[];
  synced: boolean;
  blind: boolean;
  master: MasterView | null;
  candidates: CandidateView[];
  /** the first MAX_LIVE_TASKS by id */
  tasks: TaskView[];
  taskCount: number;
  locks: LiveLockView[];
  lockCount: number;
}

interface Stamp {
  /** increments per message of the stream, from 1 */
  seq: number;
  /** server time the message was built (ms since epoch) */
  at: number;
  counts: HealthCounts;
  workerCount: number;
}

export interface LiveSnapshot extends Stamp {
  kind: 'snapshot';
  header: LiveHeader;
  workers: LiveWorkerRow[];
}

export interface LiveDelta extends Stamp {
  kind: 'delta';
  /** present when it changed */
  header?: LiveHeader;
  /** workers added, or whose view changed beyond the beat */
  upsert: LiveWorkerRow[];
  /** workers whose only change is a newer beat: [id, lastBeat] */
  beats: Array<[string, number]>;
  /** workers no longer in the model */
  removed: string[];
  /** the cluster's domain events since the last message, heartbeats and progress left out (the page's log) */
  log: DomainEvent[];
}

export type LiveMessage = LiveSnapshot | LiveDelta;

/**
 * What the last message told the client (the rows it holds), and the model parts it came from. Immutable maps:
 * a window with 500 beats of 10,000 workers touches 500 entries, not 10,000.
 */
export interface LiveViewState {
  seq: number;
  rows: IMap<string, LiveWorkerRow>;
  /** the model's workers the rows were made from (the model's own map: no copy) */
  records: IMap<string, WorkerState>;
  headerJson: string;
  headerInputs: readonly unknown[];
}

export interface LiveViewOptions {
  staleness?: Staleness | null;
  layout?: string;
  rules?: readonly RuleApplicabilityView[];
}

export function workerHealth(w: WorkerState, now: number, staleness: Staleness | null): WorkerHealth {
  if (!w.up) return 'down';
  if (staleness !== null) {
    const period = w.heartbeatMs !== null && w.heartbeatMs > 0 ? w.heartbeatMs : staleness.defaultHeartbeatMs;
    if (now - w.lastBeat > staleness.factor * period) return 'stale';
  }
  if (w.state === 'leaving') return 'leaving';
  if (w.invalid !== null) return 'invalid';
  return 'up';
}

function workerRow(w: WorkerState, health: WorkerHealth): LiveWorkerRow {
  return {
    id: w.id,
    host: w.host,
    health,
    state: w.state,
    lastBeat: w.lastBeat,
    heartbeatMs: w.heartbeatMs,
    leftAt: w.leftAt,
    leftReason: w.leftReason,
    invalid: w.invalid,
  };
}

/** Same view apart from the beat? */
function sameButBeat(a: LiveWorkerRow, b: LiveWorkerRow): boolean {
  return (
    a.host === b.host &&
    a.health === b.health &&
    a.state === b.state &&
    a.heartbeatMs === b.heartbeatMs &&
    a.leftAt === b.leftAt &&
    a.leftReason === b.leftReason &&
    a.invalid === b.invalid
  );
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function header(model: ClusterModel, options: LiveViewOptions): LiveHeader {
  return {
    name: model.name,
    root: model.root,
    layout: options.layout ?? DEFAULT_LAYOUT,
    ...(options.rules === undefined ? {} : { rules: options.rules.map((r) => ({ ...r })) }),
    synced: model.synced,
    blind: model.blind,
    master: masterView(model),
    candidates: candidateViews(model),
    tasks: model.tasks
      .valueSeq()
      .sort((a, b) => byKey(a.id, b.id))
      .take(MAX_LIVE_TASKS)
      .map(taskView)
      .toArray(),
    taskCount: model.tasks.size,
    locks: model.locks
      .valueSeq()
      .sort((a, b) => byKey(a.lock, b.lock))
      .take(MAX_LIVE_TASKS)
      .map((lock): LiveLockView => {
        const { heldMs: _heldMs, ...rest } = lockView(lock, 0);
        return { ...rest, heldSince: rest.holder === null ? null : lock.heldSince };
      })
      .toArray(),
    lockCount: model.locks.size,
  };
}

function emptyCounts(): HealthCounts {
  return { down: 0, stale: 0, leaving: 0, invalid: 0, up: 0 };
}

/**
 * The next view state and the message that brings a client from `prev` to it: a snapshot when `prev` is
 * null, a delta when something changed, null when nothing did (then `next` is `prev`). Pure.
 */
export function diffLiveView(
  prev: LiveViewState | null,
  model: ClusterModel,
  now: number,
  options: LiveViewOptions = {},
  log: readonly DomainEvent[] = [],
): { next: LiveViewState; message: LiveMessage | null } {
  const staleness = options.staleness === undefined ? DEFAULT_STALENESS : options.staleness;
  const counts = emptyCounts();
  const upsert: LiveWorkerRow[] = [];
  const beats: Array<[string, number]> = [];
  const before = prev?.rows ?? IMap<string, LiveWorkerRow>();
  const beforeRecords = prev?.records;
  let kept = 0;
  const rows = before.withMutations((out) => {
    model.workers.forEach((w) => {
      const health = workerHealth(w, now, staleness);
      counts[health] += 1;
      const old = before.get(w.id);
      if (old !== undefined) kept += 1;
      // the same record and health: the same row (the common case for 10,000 workers, most of them quiet)
      if (old !== undefined && old.health === health && beforeRecords!.get(w.id) === w) return;
      const row = workerRow(w, health);
      if (old === undefined || !sameButBeat(old, row)) {
        out.set(w.id, row);
        upsert.push(row);
      } else if (old.lastBeat !== row.lastBeat) {
        out.set(w.id, row);
        beats.push([row.id, row.lastBeat]);
      }
    });
  });
  const removed: string[] = [];
  // only when some row was not seen again: a walk of the old rows
  const finalRows =
    kept === before.size
      ? rows
      : rows.withMutations((out) => {
          before.forEach((_row, id) => {
            if (!model.workers.has(id)) {
              removed.push(id);
              out.delete(id);
            }
          });
        });
  const records = model.workers;

  // the header is rebuilt only when one of its inputs is another object (the model is immutable)
  const headerInputs = [model.master, model.candidates, model.tasks, model.locks, model.synced, model.blind, options.layout, options.rules];
  const sameInputs = prev !== null && prev.headerInputs.length === headerInputs.length && prev.headerInputs.every((x, i) => x === headerInputs[i]);
  const head = sameInputs ? null : header(model, options);
  const headerJson = head === null ? prev!.headerJson : JSON.stringify(head);
  const stamp = { at: now, counts, workerCount: finalRows.size };

  if (prev === null) {
    const workers = model.workers
      .valueSeq()
      .map((w) => finalRows.get(w.id)!)
      .toArray();
    const next: LiveViewState = { seq: 1, rows: finalRows, records, headerJson, headerInputs };
    return { next, message: { kind: 'snapshot', seq: 1, ...stamp, header: head!, workers } };
  }
  const headerChanged = headerJson !== prev.headerJson;
  if (upsert.length === 0 && beats.length === 0 && removed.length === 0 && !headerChanged && log.length === 0) {
    // nothing the client sees changed: keep the old state but remember the newer records and inputs
    return { next: { ...prev, records, headerInputs }, message: null };
  }
  const seq = prev.seq + 1;
  const next: LiveViewState = { seq, rows: finalRows, records, headerJson, headerInputs };
  const delta: LiveDelta = { kind: 'delta', seq, ...stamp, ...(headerChanged ? { header: head! } : {}), upsert, beats, removed, log: [...log] };
  return { next, message: delta };
}

/** the events the page logs: not the heartbeats and progress, they would drown crashes and failovers */
export function loggedOnPage(event: DomainEvent, cluster: string): boolean {
  return event.cluster === cluster && event.type !== 'HeartbeatSeen' && event.type !== 'ProgressUpdated';
}

/** One SSE block: `event: snapshot|delta`, the message as one line of JSON. */
export function formatLiveMessage(message: LiveMessage): string {
  return `event: ${message.kind}\ndata: ${JSON.stringify(message)}\n\n`;
}
