/**
 * Mirrors one cluster root with one-shot watches, gap-free: the containers and leaves of its layout's
 * watch plan (contract/layout.ts; the zkpulse layout of docs/contract.md §2 by default).
 *
 * Every trigger leads to a re-read that also re-arms the watch; the result is diffed against the
 * mirror, so a change that happens between a trigger and its re-arm is seen by that re-read.
 * Races are handled by the diff: a child listed by getChildren and gone before getData is simply
 * not added (the parent's re-armed child watch fires again); a node deleted and re-created under
 * the same name shows as a new czxid (removed, then added). After a blind period (reconnect, new
 * session) a full resync diffs everything once and marks what it finds `afterBlind`.
 */
import { isUtf8 } from 'node:buffer';
import type { ZkEvent, Stat } from '../../zk/ops.ts';
import type { ConfigFingerprint, NodeEvent, SequenceEvent, SyncEvent, WatchEvent } from './events.ts';
import type { Layout } from '../../contract/layout.ts';
import { indexWatchPlan, joinPath, type WatchPlanIndex } from '../../contract/paths.ts';
import { zkpulseLayout } from '../../contract/zkpulse/layout.ts';
import { configFingerprint } from '../../contract/config-digest.ts';
import { SEQUENCE_REPORT_FLOOR } from '../../contract/sequence-floor.ts';
import { SerialRunner } from './serial-runner.ts';
import type { ReadLimiter } from './read-limiter.ts';
import { toZnodeStat } from '../../zk/stat.ts';
import type { ZkSession } from '../../zk/session.ts';

export interface TreeWatcherOptions {
  cluster: string;
  /** absolute root path, e.g. /apps/crawler */
  root: string;
  /** what to watch under the root (default: the zkpulse layout) */
  layout?: Layout;
  session: ZkSession;
  /** data larger than this is not decoded: the event carries data null and the real size in stat */
  maxDataBytes: number;
  now: () => number;
  emit: (event: WatchEvent) => void;
  /** a read failed for a reason other than a lost connection */
  onError?: (path: string, err: unknown) => void;
  /** timeout of one read; reads are pipelined, so this bounds a whole burst */
  readTimeoutMs?: number;
  /** shared bound on reads in flight (see read-limiter.ts); unbounded when absent */
  limiter?: ReadLimiter;
  /**
   * a container's cversion from this up is reported (SequenceEvent; default SEQUENCE_REPORT_FLOOR). A negative
   * cversion (the counter wrapped past 2^31 - 1) is reported too.
   */
  sequenceFloor?: number;
}

/** reads that fail while connected (not a lost connection) are retried a few times, then left to the next resync */
const MAX_RETRIES = 3;
const RETRY_DELAY_MS = 1000;

interface Known {
  stat: NodeEvent['stat'];
  data: string | null;
  /** the raw data, when it is not valid UTF-8 (binary formats: HBase, Hadoop) */
  dataBase64?: string;
  /** a configuration key's fingerprint: its data is never kept (`data` null) */
  config?: ConfigFingerprint;
}

/** `name` under the container `rel` ("" is the cluster root: a latch's children are directly under it). */
const childOf = (rel: string, name: string): string => (rel === '' ? name : `${rel}/${name}`);

type ZkWatcher = (e: ZkEvent) => void;

export class TreeWatcher {
  /** mirror of the leaves, by relative path */
  private readonly known = new Map<string, Known>();
  /** children seen per container, by relative path */
  private readonly children = new Map<string, Set<string>>();
  private readonly containerRuns = new SerialRunner((rel, done) => this.runContainerRead(rel, done));
  private readonly leafRuns = new SerialRunner((rel, done) => this.readLeaf(rel, done));
  private readonly containerWatchers = new Map<string, ZkWatcher>();
  private readonly leafWatchers = new Map<string, ZkWatcher>();
  private readonly retries = new Map<string, number>();
  private blind = false;
  private stopped = false;
  private readonly plan: WatchPlanIndex;
  private readonly layout: Layout;
  private readonly sequenceFloor: number;
  /** containers whose cversion was reported (SequenceEvent), with the value last reported */
  private readonly sequences = new Map<string, number>();

  constructor(private readonly opts: TreeWatcherOptions) {
    this.layout = opts.layout ?? zkpulseLayout;
    this.plan = indexWatchPlan(this.layout.watch);
    this.sequenceFloor = opts.sequenceFloor ?? SEQUENCE_REPORT_FLOOR;
  }

  /** Number of leaves in the mirror. */
  get size(): number {
    return this.known.size;
  }

  /** Read the whole tree (arming every watch) and emit a `synced` event at the end. */
  async sync(afterBlind: boolean): Promise<void> {
    this.blind = afterBlind;
    const jobs: Promise<void>[] = [];
    const { containers, leaves } = this.plan.plan;
    for (const c of containers) jobs.push(this.containerRuns.scheduled(c.path));
    // leaves under containers that a resync might not list again (e.g. a container gone) are
    // handled by the container diff; known leaves are re-read so that data changes are seen.
    jobs.push(this.readLeaves(afterBlind ? new Set([...leaves, ...this.known.keys()]) : leaves));
    // each container read awaits the reads of the children it found, so this covers the whole tree;
    // reads that live watches start meanwhile need not finish (on a busy cluster they never all do)
    await Promise.all(jobs);
    // a sync cut short by a lost connection read nothing after it: not `synced` (the resync after reconnect will be)
    if (this.stopped || !this.opts.session.connected) return;
    const event: SyncEvent = { kind: 'synced', cluster: this.opts.cluster, time: this.opts.now(), nodes: this.known.size };
    if (afterBlind) event.afterBlind = true;
    this.blind = false;
    this.opts.emit(event);
  }

  stop(): void {
    this.stopped = true;
  }

  private containerWatcher(rel: string): ZkWatcher {
    let w = this.containerWatchers.get(rel);
    if (!w) this.containerWatchers.set(rel, (w = this.trigger(this.containerRuns, rel)));
    return w;
  }

  private leafWatcher(rel: string): ZkWatcher {
    let w = this.leafWatchers.get(rel);
    if (!w) this.leafWatchers.set(rel, (w = this.trigger(this.leafRuns, rel)));
    return w;
  }

  /** The watcher of one path: a trigger schedules a re-read. One per path, kept (the library dedupes by identity). */
  private trigger(runs: SerialRunner, rel: string): ZkWatcher {
    return () => {
      if (!this.stopped) runs.schedule(rel);
    };
  }

  /** Reads these leaves; resolves once each has been read by a run that started after this call. */
  private readLeaves(rels: Iterable<string>): Promise<void> {
    return new Promise((resolve) => {
      let left = 1;
      const one = () => {
        if (--left === 0) resolve();
      };
      for (const rel of rels) {
        left++;
        this.leafRuns.schedule(rel, one);
      }
      one();
    });
  }

  private abs(rel: string): string {
    return joinPath(this.opts.root, rel);
  }

  private runContainerRead(rel: string, done: () => void): void {
    this.readContainer(rel).then(done, (err: unknown) => {
      done();
      this.opts.onError?.(rel, err);
    });
  }

  private async readContainer(rel: string): Promise<void> {
    if (this.stopped) return;
    const watcher = this.containerWatcher(rel);
    let listed: string[] | null;
    let cversion: number | null = null;
    try {
      const res = await this.opts.session.getChildren(this.abs(rel), watcher, this.opts.readTimeoutMs);
      if (res === null) {
        // not there: watch for its creation; if it appeared meanwhile, read again
        const stat = await this.opts.session.exists(this.abs(rel), watcher);
        if (stat !== null) return this.readContainer(rel);
        listed = null;
      } else {
        listed = res.children;
        cversion = res.stat.cversion;
      }
    } catch (err) {
      this.failed(rel, err);
      return;
    }
    if (this.stopped) return;
    this.noteSequence(rel, cversion);
    const before = this.children.get(rel) ?? new Set<string>();
    const now = new Set(listed ?? []);
    if (listed === null) this.children.delete(rel);
    else this.children.set(rel, now);

    const jobs: Promise<void>[] = [];
    const fresh: string[] = [];
    for (const name of before) {
      if (!now.has(name)) this.removeSubtree(childOf(rel, name));
    }
    for (const name of now) {
      const child = childOf(rel, name);
      // a child may be a container, a leaf, both (a lock node whose data a latch reads), or neither (a `match` filter)
      if (this.plan.isContainer(child) && !before.has(name)) jobs.push(this.containerRuns.scheduled(child));
      if (this.plan.isWatchedLeaf(child) && !this.known.has(child)) fresh.push(child);
    }
    if (fresh.length > 0) jobs.push(this.readLeaves(fresh));
    await Promise.all(jobs);
  }

  /**
   * One read of a leaf (a SerialRunner job), with callbacks all the way: this runs for every
   * heartbeat of every worker. The reply comes inside the socket handler, so nothing may throw.
   */
  private readLeaf(rel: string, done: () => void): void {
    if (this.stopped) return done();
    const limiter = this.opts.limiter;
    if (!limiter) this.issueLeafRead(rel, done, false);
    // a free slot: read now, without the closure a queued read needs
    else if (limiter.tryAcquire()) this.issueLeafRead(rel, done, true);
    else limiter.acquire(() => this.issueLeafRead(rel, done, true));
  }

  private issueLeafRead(rel: string, done: () => void, holdsSlot: boolean): void {
    this.opts.session.readData(this.abs(rel), this.leafWatcher(rel), this.opts.readTimeoutMs, (err, stat, data) => {
      if (holdsSlot) this.opts.limiter?.release();
      try {
        if (this.stopped) return done();
        if (err) {
          this.failed(rel, err);
        } else if (stat === null && this.plan.isLeaf(rel)) {
          // a leaf of the plan (R/master) that is absent: watch for its creation
          return this.watchCreation(rel, done);
        } else {
          this.foldLeaf(rel, stat, data);
        }
      } catch (e) {
        this.opts.onError?.(rel, e);
      }
      done();
    });
  }

  /** Sets an existence watch on an absent leaf of the plan; reads it again when it appeared meanwhile. */
  private watchCreation(rel: string, done: () => void): void {
    this.opts.session.exists(this.abs(rel), this.leafWatcher(rel)).then(
      (stat) => {
        if (stat !== null) return this.readLeaf(rel, done);
        if (!this.stopped) this.foldLeaf(rel, null, null);
        done();
      },
      (err: unknown) => {
        this.failed(rel, err);
        done();
      },
    );
  }

  /** Diffs one read of a leaf (stat null: the node does not exist) against the mirror and emits what changed. */
  private foldLeaf(rel: string, zkStat: Stat | null, bytes: Buffer | null): void {
    const old = this.known.get(rel);
    if (zkStat === null) {
      if (old) this.removeLeaf(rel, old);
      return;
    }
    const stat = toZnodeStat(zkStat, old?.stat);
    if (this.layout.capabilities.config === true && this.layout.classify(rel).role === 'config') return this.foldConfig(rel, old, stat, bytes);
    const kept = bytes !== null && bytes.length > 0 && bytes.length <= this.opts.maxDataBytes ? bytes : null;
    let data = kept === null ? null : kept.toString('utf8');
    // bytes that are not UTF-8 lose information in `data` (U+FFFD): the exact bytes go along as base64.
    // Valid UTF-8 (every zkpulse node) carries no second copy: its text is its bytes.
    const dataBase64 = kept !== null && !isUtf8(kept) ? kept.toString('base64') : undefined;
    // a heartbeat rewrites the same data: keep the string we hold (old, long-lived) and let the new
    // copy die young, instead of promoting a copy per beat into the old generation
    if (old !== undefined && data !== null && old.data === data) data = old.data;
    if (old && old.stat.czxid !== stat.czxid) {
      // deleted and re-created between two reads: two real changes
      this.removeLeaf(rel, old);
    } else if (old && old.stat.mzxid === stat.mzxid) {
      return;
    }
    const node: Known = dataBase64 === undefined ? { stat, data } : { stat, data, dataBase64 };
    this.known.set(rel, node);
    this.emitNode(old && old.stat.czxid === stat.czxid ? 'changed' : 'added', rel, node);
  }

  /**
   * A configuration key: its data is fingerprinted here and dropped (docs/contract.md §9), so it never
   * reaches the model, a recording, a log or InfluxDB. Same diff as any leaf otherwise.
   */
  private foldConfig(rel: string, old: Known | undefined, stat: NodeEvent['stat'], bytes: Buffer | null): void {
    if (old && old.stat.czxid !== stat.czxid) this.removeLeaf(rel, old);
    else if (old && old.stat.mzxid === stat.mzxid) return;
    const diff = this.layout.configDiff?.(rel) === true;
    const config = configFingerprint(bytes ?? Buffer.alloc(0), { diff, maxBytes: this.opts.maxDataBytes });
    const node: Known = { stat, data: null, config };
    this.known.set(rel, node);
    this.emitNode(old && old.stat.czxid === stat.czxid ? 'changed' : 'added', rel, node);
  }

  /** Reports a container's cversion when it is high (or wrapped), and once when it is no longer (null: gone). */
  private noteSequence(rel: string, cversion: number | null): void {
    const reported = this.sequences.get(rel);
    const high = cversion !== null && (cversion >= this.sequenceFloor || cversion < 0);
    if (high) {
      if (reported === cversion) return;
      this.sequences.set(rel, cversion);
    } else {
      if (reported === undefined) return;
      this.sequences.delete(rel);
    }
    const event: SequenceEvent = { kind: 'sequence', cluster: this.opts.cluster, path: rel, cversion, time: this.opts.now() };
    if (this.blind) event.afterBlind = true;
    this.opts.emit(event);
  }

  private removeSubtree(rel: string): void {
    // a container gone with its parent: its counter goes with it
    if (this.sequences.has(rel)) this.noteSequence(rel, null);
    const old = this.known.get(rel);
    if (old) this.removeLeaf(rel, old);
    const kids = this.children.get(rel);
    if (kids) {
      this.children.delete(rel);
      for (const k of kids) this.removeSubtree(childOf(rel, k));
    }
  }

  private removeLeaf(rel: string, old: Known): void {
    this.known.delete(rel);
    this.emitNode('removed', rel, old);
  }

  private emitNode(kind: NodeEvent['kind'], rel: string, node: Known): void {
    const event: NodeEvent = { kind, cluster: this.opts.cluster, path: rel, stat: node.stat, data: node.data, time: this.opts.now() };
    if (this.blind) event.afterBlind = true;
    if (node.dataBase64 !== undefined) event.dataBase64 = node.dataBase64;
    if (node.config !== undefined) event.config = node.config;
    this.opts.emit(event);
  }

  /**
   * A read that failed. When the session is not connected, the resync after reconnect will read
   * it again; otherwise it is reported and retried once the connection is healthy again.
   */
  private failed(rel: string, err: unknown): void {
    if (this.stopped || !this.opts.session.connected) return;
    this.opts.onError?.(rel, err);
    const attempts = (this.retries.get(rel) ?? 0) + 1;
    if (attempts > MAX_RETRIES) {
      this.retries.delete(rel);
      return;
    }
    this.retries.set(rel, attempts);
    const retry = setTimeout(() => {
      if (this.stopped) return;
      (this.plan.isContainer(rel) ? this.containerRuns : this.leafRuns).schedule(rel, () => this.retries.delete(rel));
    }, RETRY_DELAY_MS);
    retry.unref();
  }
}
