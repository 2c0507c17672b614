/**
 * What a layout is: how the znodes of one monitored system are arranged under its root, and what their data
 * means. The collector's watch layer reads a layout's watch plan; the model reducer classifies every node by
 * it and decodes the data into the common shapes below, so the model, rules, metrics and pages work the same
 * for every layout (docs/contract.md §8). The zkpulse layout (docs/contract.md §2) is `zkpulse/layout.ts`.
 *
 * Paths here are relative to the cluster root, without a leading slash ("workers/w1"; "" is the root).
 */

/** A decoder's answer: the value, or a one-line reason a person can act on. Decoders never throw. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A container whose children are watched; `depth` levels below it are containers too (zkpulse `assign`: 2). */
export interface WatchedContainer {
  /** relative path, e.g. "workers" or "brokers/ids" */
  readonly path: string;
  /** 1: its children are leaves; 2: its children are containers whose children are leaves; ... */
  readonly depth: number;
  /**
   * Only these nodes below it (absent: all): alternatives, each a list of name globs (contract/glob.ts), one
   * per level below the container. A node `level` names below is watched when an alternative's first `level`
   * globs match its names: as a container while the alternative goes deeper, as a leaf where it ends.
   * Data, not a function, so a plan stays serialisable (`clusters.<name>.locks`/`.config`: locks-and-config.ts).
   */
  readonly match?: readonly (readonly string[])[];
}

/** Which znodes the watch layer mirrors: containers (children watched) and leaves watched by path. */
export interface WatchPlan {
  readonly containers: readonly WatchedContainer[];
  /** leaves watched directly (data and existence), e.g. "master" */
  readonly leaves: readonly string[];
}

/** What a member's node or group of nodes holds, for the model: `candidate`s, `member`s, `task`s, ... */
export type ContainerRole = 'candidate' | 'member' | 'task' | 'assignment' | 'status' | 'partition' | 'lock-contender' | 'config';

/**
 * How a lock contender takes part (docs/contract.md §9): `exclusive` (a mutex: zkpulse `lock-<seq>`, Curator
 * InterProcessMutex, kazoo Lock), `read`/`write` (a read/write lock: readers before the first writer share it,
 * a writer excludes), `lease` (a semaphore lease: every lease holds).
 */
export type LockMode = 'exclusive' | 'read' | 'write' | 'lease';

/**
 * What a relative path is in a layout. `leader` is the master node, `candidate` a node of the election
 * (ordered by `seq`, lowest first), `member` a worker, `task`/`assignment`/`status` the task nodes;
 * `container` a node that only holds nodes of one role (its removal takes them with it), `root` the
 * cluster root itself, `other` anything the layout does not model.
 */
export type NodeClass =
  | { readonly role: 'root' }
  | { readonly role: 'leader' }
  /**
   * `member` is set where the candidates are the members too (a latch): the member's key; `id` where the
   * name says who runs (Solr: `<session>-<node>-n_<seq>`), used when the data does not
   */
  | { readonly role: 'candidate'; readonly node: string; readonly seq: number; readonly member?: string; readonly id?: string }
  /** `host` where the name says it (Solr `host:port_context`, HBase `host,port,startcode`), used when the data does not */
  | { readonly role: 'member'; readonly id: string; readonly host?: string }
  | { readonly role: 'task'; readonly task: string }
  | { readonly role: 'assignment'; readonly member: string; readonly task: string }
  | { readonly role: 'status'; readonly task: string }
  /**
   * `member` is set when the container holds one member's nodes (zkpulse `assign/<worker>`); `group` when it
   * holds one group of them, the keys `<group>/...` (a discovery service, a Kafka topic or partition)
   */
  | { readonly role: 'container'; readonly holds: ContainerRole; readonly member?: string; readonly group?: string }
  /** the node that holds the leader's epoch (Kafka `controller_epoch`): see `Layout.leaderEpoch` */
  | { readonly role: 'leader-epoch' }
  /** a partition's state (Kafka `brokers/topics/<t>/partitions/<p>/state`): see `LayoutDecoders.partition` */
  | { readonly role: 'partition'; readonly topic: string; readonly partition: string }
  /**
   * A contender of a lock (docs/contract.md §9): `lock` is the lock node's relative path ("locks/nightly"),
   * `node` the contender's name, `seq` its sequence number (order: lowest first), `mode` how it takes part.
   * The holder is computed from the contenders by contract/locks.ts `lockHolders`.
   */
  | { readonly role: 'lock-contender'; readonly lock: string; readonly node: string; readonly seq: number; readonly mode: LockMode }
  /** a configuration key (docs/contract.md §9): `key` is its relative path ("config/db-url"); its data is never kept */
  | { readonly role: 'config'; readonly key: string }
  | { readonly role: 'other' };

/** The leader's data. `since`: when it took over (ms since the epoch), when the layout says. */
export interface LeaderData {
  id: string | null;
  since: number | null;
}

/** A candidate's data: who runs for leader. */
export interface CandidateData {
  id: string | null;
}

/** A member's data. Fields a layout does not have are null; layout-specific details go in `meta`. */
export interface MemberData {
  id: string | null;
  host: string | null;
  pid: number | null;
  startedAt: number | null;
  /** advertised heartbeat period */
  heartbeatMs: number | null;
  state: 'ready' | 'busy' | 'leaving' | null;
  meta: unknown;
}

/** A partition's state (Kafka): its leader (a member id), -1 when it has none: offline. */
export interface PartitionData {
  leader: number;
  offline: boolean;
}

/** A task's progress. */
export interface StatusData {
  worker: string | null;
  done: number;
  total: number;
  state: 'running' | 'done' | 'failed';
  message: string | null;
  updatedAt: number | null;
}

/**
 * Decoders of a layout's node data into the common shapes. `data` is the node's UTF-8 text, null when it has
 * none or was larger than the collector's limit; `dataLength` is the node's real size (stat.dataLength).
 * `bytes`, for binary formats: the node's raw data when it is not valid UTF-8 (`data` is then a lossy
 * text); absent when `data` is the exact text (its UTF-8 encoding is the bytes). Text decoders ignore it.
 */
export interface LayoutDecoders {
  leader(data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<LeaderData>;
  candidate(data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<CandidateData>;
  member(data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<MemberData>;
  status(data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<StatusData>;
  /** a task's data, opaque: whatever the layout can show (null when absent) */
  task(data: string | null, bytes?: Uint8Array | null): unknown;
  /** a partition's state (layouts with the `partition` role) */
  partition?(data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<PartitionData>;
}

/**
 * Where the layout keeps its leader's epoch when it is not the leader node's czxid (Kafka: `controller_epoch`).
 * The node's path (relative) and its decoder; the model uses the value as the master's epoch.
 */
export interface LeaderEpochSource {
  readonly path: string;
  decode(data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<string>;
}

/**
 * How a layout shows two leaders at once (docs/contract.md §8):
 * - `session`: the session holding the leader node is not the lowest candidate's (zkpulse);
 * - `leader-is-lowest-candidate`: the leader's id must be the lowest candidate's node name (Solr's Overseer);
 * - `leader-not-a-candidate`: the leader's id is also a candidate's node name (HBase: the active master
 *   still listed under backup-masters).
 */
export type SplitBrainCheck = 'session' | 'leader-is-lowest-candidate' | 'leader-not-a-candidate';

/** What a layout can show; the rules it cannot feed are off for it (docs/contract.md §8). */
export interface LayoutCapabilities {
  /** members rewrite their node as a heartbeat (the beat is its mtime): HeartbeatStale applies */
  readonly heartbeat: boolean;
  /** tasks, assignments and progress exist: the task rules apply */
  readonly tasks: boolean;
  /** the layout can show two leaders at once: SplitBrain applies (how: `Layout.splitBrainCheck`) */
  readonly splitBrain: boolean;
  /** topic partitions with a leader each (Kafka): KafkaOfflinePartitions applies */
  readonly partitions?: boolean;
  /** locks are watched (zkpulse `locks/`, or `clusters.<name>.locks`): LockHeldTooLong, LockContention apply */
  readonly locks?: boolean;
  /** configuration keys are watched (zkpulse `config/`, or `clusters.<name>.config`): ConfigChanged applies */
  readonly config?: boolean;
}

/** Relative paths of the nodes the model tracks by role (the keys of its invalid-data bookkeeping). */
export interface LayoutPaths {
  readonly leader: string;
  candidate(node: string): string;
  member(id: string): string;
  task(task: string): string;
  assignment(member: string, task: string): string;
  status(task: string): string;
  /** a partition's state node (layouts with the `partition` role) */
  partition?(topic: string, partition: string): string;
}

export interface Layout {
  /** the name a cluster's config gives (`clusters.<name>.layout`), e.g. "zkpulse" */
  readonly name: string;
  readonly watch: WatchPlan;
  /** what a relative path is; cheap: it runs for every watch event (every heartbeat) */
  classify(rel: string): NodeClass;
  readonly paths: LayoutPaths;
  readonly decode: LayoutDecoders;
  readonly capabilities: LayoutCapabilities;
  /**
   * Who the leader (master) is: the `leader` node (`node`), or the lowest-sequence candidate
   * (`lowest-candidate`: a Curator latch, a kazoo election), whose czxid is then the epoch.
   */
  readonly leaderRule: 'node' | 'lowest-candidate';
  /** the leader's epoch, when the layout keeps it apart (Kafka); else the leader node's czxid */
  readonly leaderEpoch?: LeaderEpochSource;
  /** how SplitBrain is judged when `capabilities.splitBrain` (default `session`) */
  readonly splitBrainCheck?: SplitBrainCheck;
  /**
   * Does this configuration key (role `config`, its relative path) keep a digest per top-level JSON field,
   * so a change can name the fields that changed (`clusters.<name>.config: [{path, diff: true}]`)? Absent: no.
   */
  configDiff?(key: string): boolean;
}
