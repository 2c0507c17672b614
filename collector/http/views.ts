/**
 * Pure projections of the cluster model into the API's JSON (docs/contract.md §3).
 * Lists are sorted (workers and tasks by id, candidates by sequence) so that answers are stable.
 */
import type { LockMode } from '../../contract/layout.ts';
import type { ClusterModel, LockState, TaskRunState, TaskState, WorkerRunState } from '../model/types.ts';
import { DEFAULT_LAYOUT } from '../../contract/layouts.ts';

/** the ensemble of `zk` (docs/contract.md §10) */
const DEFAULT_ENSEMBLE = 'default';

export interface ClusterSummaryView {
  name: string;
  root: string;
  /** the layout its znodes follow (docs/contract.md §8): a built-in name or "custom" */
  layout: string;
  /** the ZooKeeper ensemble it lives on (`clusters.<name>.ensemble`, docs/contract.md §10): `default` or a name of `ensembles` */
  ensemble: string;
  /** the active master's id; null when there is none (or its data gives no id) */
  master: string | null;
  masterPresent: boolean;
  workersUp: number;
  workers: number;
  synced: boolean;
  blind: boolean;
}

export interface MasterView {
  id: string | null;
  since: number | null;
  epoch: string;
}

export interface CandidateView {
  node: string;
  seq: number;
  id: string | null;
}

export interface WorkerView {
  id: string;
  host: string | null;
  up: boolean;
  state: WorkerRunState;
  lastBeat: number;
  beatAgeMs: number;
  heartbeatMs: number | null;
  leftAt: number | null;
  leftReason: 'leaving' | 'crash' | null;
  invalid: string | null;
}

export interface TaskView {
  id: string;
  worker: string | null;
  /** null until the task reports progress */
  done: number | null;
  total: number | null;
  state: TaskRunState;
}

export interface LockContenderView {
  node: string;
  mode: LockMode;
  session: string;
  owner: string | null;
  /** false for a holder */
  waiting: boolean;
}

/** A lock (docs/contract.md §9): its first holder (node name), every holder, the waiters, how long it is held. */
export interface LockView {
  lock: string;
  /** the first holder's node name; null while nobody holds it */
  holder: string | null;
  holders: string[];
  /** the first holder's session and owner */
  session: string | null;
  owner: string | null;
  waiters: number;
  /** how long the first holder has held it, by the collector's clock; null while nobody holds it */
  heldMs: number | null;
  /** lowest sequence first */
  contenders: LockContenderView[];
}

/** A configuration key: what is known of its data, never the data. */
export interface ConfigView {
  key: string;
  version: number;
  bytes: number;
  digest: string | null;
  changedAt: number;
}

/** Whether an alert rule runs for a cluster, and why not (alerts/rules/applicability.ts). */
export interface RuleApplicabilityView {
  name: string;
  applies: boolean;
  reason?: string;
}

export interface ClusterDetailView {
  name: string;
  root: string;
  layout: string;
  /** as in ClusterSummaryView */
  ensemble: string;
  /** every alert rule with whether it applies to this cluster (present when alerting is wired) */
  rules?: RuleApplicabilityView[];
  synced: boolean;
  blind: boolean;
  master: MasterView | null;
  candidates: CandidateView[];
  workers: WorkerView[];
  tasks: TaskView[];
  /** by lock path */
  locks: LockView[];
  /** by key */
  config: ConfigView[];
  invalidCount: number;
  invalid: Array<{ path: string; reason: string }>;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function clusterSummaryView(model: ClusterModel, layout = DEFAULT_LAYOUT, ensemble = DEFAULT_ENSEMBLE): ClusterSummaryView {
  return {
    name: model.name,
    root: model.root,
    layout,
    ensemble,
    master: model.master?.id ?? null,
    masterPresent: model.master !== null,
    workersUp: model.workers.count((w) => w.up),
    workers: model.workers.size,
    synced: model.synced,
    blind: model.blind,
  };
}

export function clusterDetailView(
  model: ClusterModel,
  now: number,
  layout = DEFAULT_LAYOUT,
  rules?: readonly RuleApplicabilityView[],
  ensemble = DEFAULT_ENSEMBLE,
): ClusterDetailView {
  return {
    name: model.name,
    root: model.root,
    layout,
    ensemble,
    ...(rules === undefined ? {} : { rules: rules.map((r) => ({ ...r })) }),
    synced: model.synced,
    blind: model.blind,
    master: masterView(model),
    candidates: candidateViews(model),
    workers: model.workers
      .valueSeq()
      .sort((a, b) => byKey(a.id, b.id))
      .map(
        (w): WorkerView => ({
          id: w.id,
          host: w.host,
          up: w.up,
          state: w.state,
          lastBeat: w.lastBeat,
          beatAgeMs: now - w.lastBeat,
          heartbeatMs: w.heartbeatMs,
          leftAt: w.leftAt,
          leftReason: w.leftReason,
          invalid: w.invalid,
        }),
      )
      .toArray(),
    tasks: model.tasks
      .valueSeq()
      .sort((a, b) => byKey(a.id, b.id))
      .map(taskView)
      .toArray(),
    locks: model.locks
      .valueSeq()
      .sort((a, b) => byKey(a.lock, b.lock))
      .map((lock) => lockView(lock, now))
      .toArray(),
    config: model.config
      .valueSeq()
      .sort((a, b) => byKey(a.key, b.key))
      .map((c): ConfigView => ({ key: c.key, version: c.version, bytes: c.bytes, digest: c.digest, changedAt: c.changedAt }))
      .toArray(),
    invalidCount: model.invalidCount,
    invalid: model.invalid
      .entrySeq()
      .sort(([a], [b]) => byKey(a, b))
      .map(([path, reason]) => ({ path, reason }))
      .toArray(),
  };
}

export function lockView(lock: LockState, now: number): LockView {
  const holders = new Set(lock.holders);
  const first = lock.holders[0] === undefined ? undefined : lock.contenders.get(lock.holders[0]);
  return {
    lock: lock.lock,
    holder: first?.node ?? null,
    holders: [...lock.holders],
    session: first?.session ?? null,
    owner: first?.owner ?? null,
    waiters: Math.max(0, lock.contenders.size - lock.holders.length),
    heldMs: first === undefined || lock.heldSince === null ? null : Math.max(0, now - lock.heldSince),
    contenders: lock.contenders
      .valueSeq()
      .sort((a, b) => a.seq - b.seq || byKey(a.node, b.node))
      .map((c): LockContenderView => ({ node: c.node, mode: c.mode, session: c.session, owner: c.owner, waiting: !holders.has(c.node) }))
      .toArray(),
  };
}

/** The active master as the API shows it (also the live view's header). */
export function masterView(model: ClusterModel): MasterView | null {
  const master = model.master;
  return master ? { id: master.id, since: master.since, epoch: master.epoch } : null;
}

/** The candidates, lowest sequence first. */
export function candidateViews(model: ClusterModel): CandidateView[] {
  return model.candidates
    .valueSeq()
    .sortBy((c) => c.seq)
    .map((c) => ({ node: c.node, seq: c.seq, id: c.id }))
    .toArray();
}

/** One task: its worker is the assignment's, else the progress node's. */
export function taskView(task: TaskState): TaskView {
  return {
    id: task.id,
    worker: task.worker ?? task.progress?.worker ?? null,
    done: task.progress?.done ?? null,
    total: task.progress?.total ?? null,
    state: task.state,
  };
}
