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
}

/** Which znodes the watch layer mirrors: containers (children watched) and leaves watched by path. */
export interface WatchPlan {
  readonly containers: readonly WatchedContainer[];
  /** leaves watched directly (data and existence), e.g. "master" */
  readonly leaves: readonly string[];
}

/** What a member's node or group of nodes holds, for the model: `candidate`s, `member`s, `task`s, ... */
export type ContainerRole = 'candidate' | 'member' | 'task' | 'assignment' | 'status';

/**
 * What a relative path is in a layout. `leader` is the master node, `candidate` a node of the election
 * (ordered by `seq`, lowest first), `member` a worker, `task`/`assignment`/`status` the task nodes;
 * `container` a node that only holds nodes of one role (its removal takes them with it), `root` the
 * cluster root itself, `other` anything the layout does not model.
 */
export type NodeClass =
  | { readonly role: 'root' }
  | { readonly role: 'leader' }
  | { readonly role: 'candidate'; readonly node: string; readonly seq: number }
  | { readonly role: 'member'; readonly id: string }
  | { readonly role: 'task'; readonly task: string }
  | { readonly role: 'assignment'; readonly member: string; readonly task: string }
  | { readonly role: 'status'; readonly task: string }
  /** `member` is set when the container holds one member's nodes (zkpulse `assign/<worker>`) */
  | { readonly role: 'container'; readonly holds: ContainerRole; readonly member?: string }
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
 */
export interface LayoutDecoders {
  leader(data: string | null, dataLength: number): Decoded<LeaderData>;
  candidate(data: string | null, dataLength: number): Decoded<CandidateData>;
  member(data: string | null, dataLength: number): Decoded<MemberData>;
  status(data: string | null, dataLength: number): Decoded<StatusData>;
  /** a task's data, opaque: whatever the layout can show (null when absent) */
  task(data: string | null): unknown;
}

/** What a layout can show; the rules it cannot feed are off for it (docs/contract.md §8). */
export interface LayoutCapabilities {
  /** members rewrite their node as a heartbeat (the beat is its mtime): HeartbeatStale applies */
  readonly heartbeat: boolean;
  /** tasks, assignments and progress exist: the task rules apply */
  readonly tasks: boolean;
  /** the layout can show two leaders at once: SplitBrain applies */
  readonly splitBrain: boolean;
}

/** Relative paths of the nodes the model tracks by role (the keys of its invalid-data bookkeeping). */
export interface LayoutPaths {
  readonly leader: string;
  candidate(node: string): string;
  member(id: string): string;
  task(task: string): string;
  assignment(member: string, task: string): string;
  status(task: string): string;
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
   * Who leads: `node`, the leader node's data (zkpulse `R/master`); `lowest-candidate`, the candidate with
   * the lowest sequence number (a Curator latch, a kazoo election, a custom `lowest-child` leader)
   */
  readonly leaderRule: 'node' | 'lowest-candidate';
}
