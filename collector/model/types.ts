/**
 * The live model of one monitored cluster (docs/contract.md §2), built by the pure reducer in reducer.ts.
 * Collections are Immutable.js maps so that each event costs O(log n), not a copy of 10,000 workers.
 */
import type { Map as IMap } from 'immutable';
import type { LockMode, SplitBrainCheck, StatusData } from '../../contract/layout.ts';

export type WorkerRunState = 'ready' | 'busy' | 'leaving' | 'unknown';

export interface WorkerState {
  id: string;
  host: string | null;
  pid: number | null;
  startedAt: number | null;
  /** advertised heartbeat period; null when the data did not say */
  heartbeatMs: number | null;
  state: WorkerRunState;
  meta: unknown;
  /** false once the node is gone: the worker stays in the model, shown down */
  up: boolean;
  /** beat time = the worker znode's mtime */
  lastBeat: number;
  /** session that owns the worker's ephemeral node (hex) */
  session: string;
  /** when the node was gone, and why */
  leftAt: number | null;
  leftReason: 'leaving' | 'crash' | null;
  /** the reason its data is invalid, or null */
  invalid: string | null;
  /** the znode data these fields were decoded from (lets an unchanged heartbeat skip decoding) */
  raw?: string | null;
  /** the member's node, relative to the cluster root ("workers/w1"; "search/instance-1" in service discovery) */
  node: string;
}

export interface MasterState {
  id: string | null;
  since: number | null;
  /** the master znode's czxid, decimal; the layout's own epoch where it keeps one (Kafka controller_epoch) */
  epoch: string;
  /** session that owns R/master (hex) */
  session: string;
  invalid: string | null;
  /** the leader node's czxid, when the epoch is not it (Kafka) */
  czxid?: string;
  /**
   * The leader is a layout's lowest candidate (leaderRule lowest-candidate): that candidate's node name.
   * Its epoch is that node's czxid.
   */
  node?: string;
  /**
   * Kafka: the controller node was seen before the controller_epoch its election wrote (one transaction,
   * two reads). MasterElected waits for that epoch (or the end of a sync), so the change is counted once.
   */
  epochPending?: true;
}

export interface CandidateState {
  /** znode name under R/election, e.g. n_0000000003 */
  node: string;
  seq: number;
  id: string | null;
  session: string;
  /** the candidate node's czxid, decimal (a lowest-candidate leader's epoch) */
  czxid?: string;
}

/** A partition of a Kafka topic: its leader broker, -1 when offline (KafkaOfflinePartitions). */
export interface PartitionState {
  topic: string;
  partition: string;
  /** the leader broker id; null while the data is invalid */
  leader: number | null;
  /** leader -1: nobody serves it */
  offline: boolean;
  invalid: string | null;
}

/** The layout's own leader epoch node (Kafka controller_epoch): its value and when it was last written. */
export interface LeaderEpochState {
  value: string;
  /** the epoch node's mzxid, decimal: compared with the leader node's czxid */
  mzxid: string;
}

/** One contender of a lock (docs/contract.md §9): a node under the lock node. */
export interface LockContenderState {
  /** the contender's node name ("lock-0000000003", "_c_<uuid>-__WRIT__0000000001") */
  node: string;
  seq: number;
  mode: LockMode;
  /** session that owns the contender's ephemeral node (hex) */
  session: string;
  /** who it is, from the data (zkpulse `{"owner"}`, kazoo's identifier, Curator's address bytes); null when none */
  owner: string | null;
  /** the node's ctime: when this contender queued (a holder's "held since") */
  ctime: number;
  czxid: string;
  /** set by the reducer while it holds: when it got the lock (its ctime, or when it took over: the later) */
  heldSince?: number;
}

/** A lock: its contenders by node name. Holders and waiters follow from them (contract/locks.ts lockHolders). */
export interface LockState {
  /** the lock node's path relative to the cluster root ("locks/nightly") */
  lock: string;
  contenders: IMap<string, LockContenderState>;
  /** the node names holding it now (lowest first; several for readers or leases), kept by the reducer */
  holders: readonly string[];
  /** when the current first holder got it: its ctime, or when the model saw it take over (the later) */
  heldSince: number | null;
  /**
   * Set by the reducer when a holder left while the model was not settled (a resync after a blind period):
   * who holds next is judged when the sync ends, and holds from the later of its ctime and this time.
   */
  vacatedAt?: number;
}

/** A configuration key (docs/contract.md §9): what is known of its data, never the data itself. */
export interface ConfigState {
  /** relative path ("config/db-url") */
  key: string;
  /** stat.version of the data */
  version: number;
  /** stat.dataLength */
  bytes: number;
  /** sha256 of the data, hex; null when it was larger than the collector's limit */
  digest: string | null;
  /** when it last changed (mtime) */
  changedAt: number;
  /** per top-level JSON field, a digest of its value (keys that opt in to a diff) */
  fields?: Record<string, string>;
  /**
   * this version came after the first sync (a ConfigChanged), not found by it: set by the reducer, so the
   * ConfigChanged rule's fresh memory (alerts/engine/memory-recipes.ts) notices a change made before its
   * first evaluation instead of taking it for a key the sync found
   */
  changedSinceSync?: true;
}

export type TaskRunState = 'pending' | 'assigned' | 'running' | 'done' | 'failed' | 'interrupted';

/** The decoded status data (R/status/<task>), and the session that owns that node. */
export interface TaskProgress extends StatusData {
  /** session that owns R/status/<task> */
  session: string;
}

export interface TaskState {
  id: string;
  /** R/tasks/<task> data, parsed when JSON, else the text; null when absent */
  data: unknown;
  /** true while R/tasks/<task> exists */
  exists: boolean;
  /** worker from R/assign/<worker>/<task>, or null */
  worker: string | null;
  progress: TaskProgress | null;
  state: TaskRunState;
  /**
   * Added by the reducer: every R/assign/<worker>/<task> that exists, oldest czxid first;
   * `worker` is the newest one. Usually one; two while a master moves a task.
   */
  assignments?: readonly TaskAssignment[];
  /**
   * Added by the reducer: true while R/status/<task> exists. `progress` is kept after the node is
   * gone (the last known progress of a finished or interrupted task) and is null while its data is invalid.
   */
  statusExists?: boolean;
}

export interface TaskAssignment {
  worker: string;
  /** czxid of R/assign/<worker>/<task>, decimal */
  czxid: string;
}

export interface ClusterModel {
  name: string;
  root: string;
  master: MasterState | null;
  candidates: IMap<string, CandidateState>;
  workers: IMap<string, WorkerState>;
  tasks: IMap<string, TaskState>;
  /**
   * The tasks not done or failed, the same records as in `tasks` (kept by the reducer). A cluster
   * may keep thousands of finished tasks; the rules look at the open ones at every evaluation.
   */
  openTasks: IMap<string, TaskState>;
  /** how many DataInvalid were seen */
  invalidCount: number;
  /** paths whose data is currently invalid, with the reason */
  invalid: IMap<string, string>;
  /** a full sync has completed */
  synced: boolean;
  /** the collector's session is disconnected/expired: what we show may be stale */
  blind: boolean;
  /** partitions by `<topic>/<partition>` (layouts with partitions: Kafka); empty otherwise */
  partitions: IMap<string, PartitionState>;
  /** the layout's own leader epoch (Kafka controller_epoch), null when it has none or it is not known */
  leaderEpoch: LeaderEpochState | null;
  /** how SplitBrain is judged for this cluster's layout; null when the layout cannot show it */
  splitBrainCheck: SplitBrainCheck | null;
  /** where the layout keeps the leader and the members: the nodes the alerts' texts name */
  places: ModelPlaces;
  /** locks by the lock node's relative path (docs/contract.md §9); empty where none are watched */
  locks: IMap<string, LockState>;
  /** configuration keys by relative path (docs/contract.md §9) */
  config: IMap<string, ConfigState>;
  /** watched parents whose cversion is past the report floor (SequenceEvent), by relative path */
  sequences: IMap<string, number>;
}

/** Where a cluster's layout keeps the leader and its members, relative to the root (contract/layout.ts paths). */
export interface ModelPlaces {
  /** the leader's node; null where the leader is the lowest candidate (it has no node of its own) */
  readonly leader: string | null;
  /** a member's node (for a kazoo ShallowParty member: its identifier, the node name without the prefix) */
  member(id: string): string;
}
