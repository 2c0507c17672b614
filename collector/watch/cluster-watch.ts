/**
 * The watch layer of the collector: one ZooKeeper session, one TreeWatcher per cluster root,
 * and a single ordered stream of watch events (node changes, syncs and connection states).
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { Layout } from '../../contract/layout.ts';
import type { WatchEvent } from './events.ts';
import { TreeWatcher } from './tree-watcher.ts';
import { ReadLimiter } from './read-limiter.ts';
import type { ZkSession } from '../../zk/session.ts';

/** enough to keep the connection busy; more only raises the memory peak of a large sync */
const DEFAULT_READS_IN_FLIGHT = 1000;

export interface ClusterRoot {
  name: string;
  root: string;
  /** what its znodes are (default: the zkpulse layout) */
  layout?: Layout;
  /** the ensemble it lives on (`clusters.<name>.ensemble`); absent: `default` */
  ensemble?: string;
}

export interface ClusterWatchOptions {
  session: ZkSession;
  /** the clusters watched from the start (add() and remove() change the set) */
  clusters: ClusterRoot[];
  maxDataBytes: number;
  now: () => number;
  onError?: (cluster: string, path: string, err: unknown) => void;
  readTimeoutMs?: number;
  /** reads in flight at most, over all clusters (default 1000) */
  maxReadsInFlight?: number;
  /** report containers' cversion from this up (SequenceEvent; default SEQUENCE_REPORT_FLOOR) */
  sequenceFloor?: number;
  /**
   * the ensemble this session is on, when a named one (`ensembles.<name>`): its connection events carry it,
   * so they apply to its clusters only. Absent: `default`, the events stay as they always were.
   */
  ensemble?: string;
}

interface Tree {
  watcher: TreeWatcher;
  /**
   * its next sync after a (re)connect is a resync after a blind period when the session had connected before
   * (false only for a cluster added at run time until its first sync has finished: nothing of it was seen)
   */
  seen: boolean;
}

export class ClusterWatch {
  private readonly subject = new Subject<WatchEvent>();
  /** every watch event, in the order observed */
  readonly events$: Observable<WatchEvent> = this.subject.asObservable();
  private readonly trees = new Map<string, Tree>();
  private readonly limiter: ReadLimiter;
  private stateSub: Subscription | null = null;
  private everConnected = false;
  private syncing: Promise<void>;
  private firstSynced!: () => void;

  constructor(private readonly opts: ClusterWatchOptions) {
    this.limiter = new ReadLimiter(opts.maxReadsInFlight ?? DEFAULT_READS_IN_FLIGHT);
    // before the first connection, "synced" means the first full sync
    this.syncing = new Promise((resolve) => (this.firstSynced = resolve));
    for (const c of opts.clusters) this.trees.set(c.name, this.tree(c, true));
  }

  private tree(c: ClusterRoot, seen: boolean): Tree {
    // the watcher's emit needs the entry: the placeholder is replaced before anything can emit
    const entry: Tree = { watcher: undefined as unknown as TreeWatcher, seen };
    entry.watcher = new TreeWatcher({
      cluster: c.name,
      root: c.root,
      layout: c.layout,
      session: this.opts.session,
      maxDataBytes: this.opts.maxDataBytes,
      now: this.opts.now,
      // a watcher removed (and maybe added again since) says nothing more
      emit: (e) => {
        if (this.trees.get(c.name) !== entry) return;
        if (e.kind === 'synced') entry.seen = true;
        this.subject.next(e);
      },
      onError: (path, err) => this.opts.onError?.(c.name, path, err),
      readTimeoutMs: this.opts.readTimeoutMs,
      limiter: this.limiter,
      sequenceFloor: this.opts.sequenceFloor,
    });
    return entry;
  }

  /** the named ensemble of this session (undefined: `default`) */
  get ensembleName(): string | undefined {
    return this.opts.ensemble;
  }

  /** the clusters watched now */
  names(): string[] {
    return [...this.trees.keys()];
  }

  /**
   * Watch one more cluster: while the session is connected its tree is read at once (whenSynced() then
   * waits for it too), otherwise at the next (re)connect. Nothing when it is watched already.
   */
  add(cluster: ClusterRoot): void {
    if (this.trees.has(cluster.name)) return;
    const entry = this.tree(cluster, !this.everConnected);
    this.trees.set(cluster.name, entry);
    if (this.everConnected && this.opts.session.connected) {
      const before = this.syncing;
      this.syncing = Promise.all([before, entry.watcher.sync(false)]).then(() => undefined);
    }
  }

  /** Stop watching a cluster: its watcher stops and emits nothing more (ZooKeeper's one-shot watches it armed fire into nothing). */
  remove(name: string): void {
    const entry = this.trees.get(name);
    if (!entry) return;
    entry.watcher.stop();
    this.trees.delete(name);
  }

  /** Subscribe to the session's states, then start it. Subscribe to events$ before calling. */
  start(): void {
    const ensemble = this.opts.ensemble;
    this.stateSub = this.opts.session.states$.subscribe((state) => {
      this.subject.next(ensemble === undefined ? state : { ...state, ensemble });
      if (state.state === 'connected' || state.state === 'reconnected') {
        const afterBlind = this.everConnected;
        this.everConnected = true;
        this.syncing = Promise.all([...this.trees.values()].map((t) => t.watcher.sync(afterBlind && t.seen))).then(() => this.firstSynced());
      }
    });
    this.opts.session.start();
  }

  /** Resolves when the first sync has finished, later when the sync of the latest (re)connect (and of each cluster added since) has. */
  whenSynced(): Promise<void> {
    return this.syncing;
  }

  async stop(): Promise<void> {
    for (const t of this.trees.values()) t.watcher.stop();
    this.stateSub?.unsubscribe();
    await this.opts.session.close();
    this.subject.complete();
  }
}
