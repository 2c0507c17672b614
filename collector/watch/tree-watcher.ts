/**
 * Mirrors one cluster root (contract §2) with one-shot watches, gap-free.
 *
 * Every trigger leads to a re-read that also re-arms the watch; the result is diffed against the
 * mirror, so a change that happens between a trigger and its re-arm is seen by that re-read.
 * Races are handled by the diff: a child listed by getChildren and gone before getData is simply
 * not added (the parent's re-armed child watch fires again); a node deleted and re-created under
 * the same name shows as a new czxid (removed, then added). After a blind period (reconnect, new
 * session) a full resync diffs everything once and marks what it finds `afterBlind`.
 */
import type { Event as ZkEvent } from 'node-zookeeper-client';
import type { NodeEvent, SyncEvent, WatchEvent } from './events.ts';
import { FIXED_CONTAINERS, FIXED_LEAVES, childIsContainer, joinPath } from './layout.ts';
import { SerialRunner } from './serial-runner.ts';
import type { ReadLimiter } from './read-limiter.ts';
import { toZnodeStat } from '../zk/stat.ts';
import type { ZkSession } from '../zk/session.ts';

export interface TreeWatcherOptions {
  cluster: string;
  /** absolute root path, e.g. /apps/crawler */
  root: string;
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
}

/** reads that fail while connected (not a lost connection) are retried a few times, then left to the next resync */
const MAX_RETRIES = 3;
const RETRY_DELAY_MS = 1000;

interface Known {
  stat: NodeEvent['stat'];
  data: string | null;
}

export class TreeWatcher {
  /** mirror of the leaves, by relative path */
  private readonly known = new Map<string, Known>();
  /** children seen per container, by relative path */
  private readonly children = new Map<string, Set<string>>();
  private readonly runner = new SerialRunner();
  private readonly watchers = new Map<string, (e: ZkEvent) => void>();
  private readonly retries = new Map<string, number>();
  private blind = false;
  private stopped = false;

  constructor(private readonly opts: TreeWatcherOptions) {}

  /** Number of leaves in the mirror. */
  get size(): number {
    return this.known.size;
  }

  /** Read the whole tree (arming every watch) and emit a `synced` event at the end. */
  async sync(afterBlind: boolean): Promise<void> {
    this.blind = afterBlind;
    const jobs: Promise<void>[] = [];
    for (const c of FIXED_CONTAINERS) jobs.push(this.scheduleContainer(c));
    for (const l of FIXED_LEAVES) jobs.push(this.scheduleLeaf(l));
    // leaves under containers that a resync might not list again (e.g. a container gone) are
    // handled by the container diff; known leaves are re-read so that data changes are seen.
    if (afterBlind) for (const rel of [...this.known.keys()]) jobs.push(this.scheduleLeaf(rel));
    // each container read awaits the reads of the children it found, so this covers the whole tree;
    // reads that live watches start meanwhile need not finish (on a busy cluster they never all do)
    await Promise.all(jobs);
    if (this.stopped) return;
    const event: SyncEvent = { kind: 'synced', cluster: this.opts.cluster, time: this.opts.now(), nodes: this.known.size };
    if (afterBlind) event.afterBlind = true;
    this.blind = false;
    this.opts.emit(event);
  }

  stop(): void {
    this.stopped = true;
  }

  private watcherFor(kind: 'c' | 'l', rel: string): (e: ZkEvent) => void {
    const key = `${kind}:${rel}`;
    let w = this.watchers.get(key);
    if (!w) {
      w = () => {
        if (this.stopped) return;
        void (kind === 'c' ? this.scheduleContainer(rel) : this.scheduleLeaf(rel));
      };
      this.watchers.set(key, w);
    }
    return w;
  }

  private scheduleContainer(rel: string): Promise<void> {
    return this.runner.schedule(`c:${rel}`, () => this.readContainer(rel));
  }

  private scheduleLeaf(rel: string): Promise<void> {
    return this.runner.schedule(`l:${rel}`, () => this.readLeaf(rel));
  }

  private limited<T>(read: () => Promise<T>): Promise<T> {
    return this.opts.limiter ? this.opts.limiter.run(read) : read();
  }

  private abs(rel: string): string {
    return joinPath(this.opts.root, rel);
  }

  private async readContainer(rel: string): Promise<void> {
    if (this.stopped) return;
    const watcher = this.watcherFor('c', rel);
    let listed: string[] | null;
    try {
      const res = await this.opts.session.getChildren(this.abs(rel), watcher, this.opts.readTimeoutMs);
      if (res === null) {
        // not there: watch for its creation; if it appeared meanwhile, read again
        const stat = await this.opts.session.exists(this.abs(rel), watcher);
        if (stat !== null) return this.readContainer(rel);
        listed = null;
      } else {
        listed = res.children;
      }
    } catch (err) {
      this.failed(rel, err);
      return;
    }
    if (this.stopped) return;
    const before = this.children.get(rel) ?? new Set<string>();
    const now = new Set(listed ?? []);
    if (listed === null) this.children.delete(rel);
    else this.children.set(rel, now);

    const jobs: Promise<void>[] = [];
    for (const name of before) {
      if (!now.has(name)) this.removeSubtree(`${rel}/${name}`);
    }
    for (const name of now) {
      const child = `${rel}/${name}`;
      if (childIsContainer(rel)) {
        if (!before.has(name)) jobs.push(this.scheduleContainer(child));
      } else if (!this.known.has(child)) {
        jobs.push(this.scheduleLeaf(child));
      }
    }
    await Promise.all(jobs);
  }

  private async readLeaf(rel: string): Promise<void> {
    if (this.stopped) return;
    let res: Awaited<ReturnType<ZkSession['getData']>>;
    try {
      res = await this.limited(() => this.opts.session.getData(this.abs(rel), this.watcherFor('l', rel), this.opts.readTimeoutMs));
      // a fixed leaf (R/master) that is absent: watch for its creation
      if (res === null && (FIXED_LEAVES as readonly string[]).includes(rel)) {
        const stat = await this.opts.session.exists(this.abs(rel), this.watcherFor('l', rel));
        if (stat !== null) return this.readLeaf(rel);
      }
    } catch (err) {
      this.failed(rel, err);
      return;
    }
    if (this.stopped) return;
    const old = this.known.get(rel);
    if (res === null) {
      if (old) this.removeLeaf(rel, old);
      return;
    }
    const stat = toZnodeStat(res.stat);
    const data = res.data && res.data.length > 0 && res.data.length <= this.opts.maxDataBytes ? res.data.toString('utf8') : null;
    if (old && old.stat.czxid !== stat.czxid) {
      // deleted and re-created between two reads: two real changes
      this.removeLeaf(rel, old);
    } else if (old && old.stat.mzxid === stat.mzxid) {
      return;
    }
    this.known.set(rel, { stat, data });
    this.emitNode(old && old.stat.czxid === stat.czxid ? 'changed' : 'added', rel, { stat, data });
  }

  private removeSubtree(rel: string): void {
    const old = this.known.get(rel);
    if (old) this.removeLeaf(rel, old);
    const kids = this.children.get(rel);
    if (kids) {
      this.children.delete(rel);
      for (const k of kids) this.removeSubtree(`${rel}/${k}`);
    }
  }

  private removeLeaf(rel: string, old: Known): void {
    this.known.delete(rel);
    this.emitNode('removed', rel, old);
  }

  private emitNode(kind: NodeEvent['kind'], rel: string, node: Known): void {
    const event: NodeEvent = { kind, cluster: this.opts.cluster, path: rel, stat: node.stat, data: node.data, time: this.opts.now() };
    if (this.blind) event.afterBlind = true;
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
      const isContainer = (FIXED_CONTAINERS as readonly string[]).includes(rel) || rel.startsWith('assign/') && !rel.slice(7).includes('/');
      void (isContainer ? this.scheduleContainer(rel) : this.scheduleLeaf(rel)).then(() => this.retries.delete(rel));
    }, RETRY_DELAY_MS);
    retry.unref();
  }
}
