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
}

export interface ClusterWatchOptions {
  session: ZkSession;
  clusters: ClusterRoot[];
  maxDataBytes: number;
  now: () => number;
  onError?: (cluster: string, path: string, err: unknown) => void;
  readTimeoutMs?: number;
  /** reads in flight at most, over all clusters (default 1000) */
  maxReadsInFlight?: number;
  /** report containers' cversion from this up (SequenceEvent; default SEQUENCE_REPORT_FLOOR) */
  sequenceFloor?: number;
}

export class ClusterWatch {
  private readonly subject = new Subject<WatchEvent>();
  /** every watch event, in the order observed */
  readonly events$: Observable<WatchEvent> = this.subject.asObservable();
  private readonly trees: TreeWatcher[];
  private stateSub: Subscription | null = null;
  private everConnected = false;
  private syncing: Promise<void>;
  private firstSynced!: () => void;

  constructor(private readonly opts: ClusterWatchOptions) {
    const limiter = new ReadLimiter(opts.maxReadsInFlight ?? DEFAULT_READS_IN_FLIGHT);
    // before the first connection, "synced" means the first full sync
    this.syncing = new Promise((resolve) => (this.firstSynced = resolve));
    this.trees = opts.clusters.map(
      (c) =>
        new TreeWatcher({
          cluster: c.name,
          root: c.root,
          layout: c.layout,
          session: opts.session,
          maxDataBytes: opts.maxDataBytes,
          now: opts.now,
          emit: (e) => this.subject.next(e),
          onError: (path, err) => opts.onError?.(c.name, path, err),
          readTimeoutMs: opts.readTimeoutMs,
          limiter,
          sequenceFloor: opts.sequenceFloor,
        }),
    );
  }

  /** Subscribe to the session's states, then start it. Subscribe to events$ before calling. */
  start(): void {
    this.stateSub = this.opts.session.states$.subscribe((state) => {
      this.subject.next(state);
      if (state.state === 'connected' || state.state === 'reconnected') {
        const afterBlind = this.everConnected;
        this.everConnected = true;
        this.syncing = Promise.all(this.trees.map((t) => t.sync(afterBlind))).then(() => this.firstSynced());
      }
    });
    this.opts.session.start();
  }

  /** Resolves when the first sync has finished, later when the sync of the latest (re)connect has. */
  whenSynced(): Promise<void> {
    return this.syncing;
  }

  async stop(): Promise<void> {
    for (const t of this.trees) t.stop();
    this.stateSub?.unsubscribe();
    await this.opts.session.close();
    this.subject.complete();
  }
}
