/**
 * The collector's data plane: the ZooKeeper sessions and watch layer → the event pipeline (models,
 * domain events, points) → InfluxDB, the recording and the Prometheus metrics. It knows nothing of
 * alerting, HTTP mounting or HA roles: server/ wires it to those, and decides, through `writable`,
 * which InfluxDB points this process writes (an HA standby none, a shard member its own clusters').
 *
 * One session per ensemble in use (docs/contract.md §10): `default` (the `zk` connect string) always
 * exists, since alert state and the HA election live on it; a named ensemble (`ensembles.<name>`) has
 * one while a watched cluster is on it. The watched set can change at run time (setWatched).
 */
import { asyncScheduler, interval, type SchedulerLike, type Subject, type Subscription } from 'rxjs';
import type { Logger } from 'pino';
import { clusterRootsOf, DEFAULT_ENSEMBLE, ensembleOfCluster, type CollectConfig } from './config.ts';
import { ZkSession } from '../zk/session.ts';
import { initialReach, serverCount, stepReach, type ReachContext, type ReachInput, type ReachState } from './reachability.ts';
import { ClusterWatch, type ClusterRoot } from './watch/cluster-watch.ts';
import type { WatchEvent } from './watch/events.ts';
import type { DomainEvent } from './model/domain-events.ts';
import type { ClusterModel } from './model/types.ts';
import { EventPipeline } from './pipeline.ts';
import { InfluxWriter } from './influx/writer.ts';
import { collectorPoint, gaugePointsOf, type CollectorStats } from './influx/points.ts';
import { GAUGE_PERIOD_MS } from './influx/gauges.ts';
import { withEnsembleTags } from './influx/ensemble-tags.ts';
import type { Point } from './influx/line-protocol.ts';
import { createCollectorMetrics, type CollectorMetrics } from './metrics.ts';
import { Recorder } from './recorder.ts';
import { syncReport } from './sync-report.ts';
import { DEFAULT_LAYOUT } from '../contract/layouts.ts';
import type { Layout, LayoutCapabilities } from '../contract/layout.ts';
import { zkpulseLayout } from '../contract/zkpulse/layout.ts';
import type { CustomLayoutSpec } from '../contract/custom-layout.ts';

export interface DataPlaneOptions {
  config: CollectConfig;
  log: Logger;
  /** the clock of the gauge ticks (default asyncScheduler) */
  scheduler?: SchedulerLike;
  /** the time of each event (default the scheduler's) */
  now?: () => number;
  /**
   * whether InfluxDB points are written right now (default always): asked with a cluster's name for its
   * points, with null for the collector-level ones (`collector`, `zookeeper`, an ensemble's `alert`). An HA
   * standby says no to all; a shard member yes to the clusters it owns.
   */
  writable?: (cluster: string | null) => boolean;
  /** the clusters watched from the start (default every configured one); haMode shard starts with none */
  watching?: ReadonlySet<string>;
}

/** One ensemble's session and the watch of its clusters. */
interface EnsembleSession {
  readonly session: ZkSession;
  readonly watch: ClusterWatch;
  sub: Subscription | null;
  /** what the log has said about this session's connection (reachability.ts) */
  reach: ReachState;
  readonly reachContext: ReachContext;
  /** when the session last connected (the start of its sync, for the "synced" line) */
  connectedAt: number | null;
}

/** The layouts a recording names per cluster: every cluster whose layout is not zkpulse (recorder.ts). */
function recordedLayouts(config: CollectConfig): Record<string, string | CustomLayoutSpec> {
  const out: Record<string, string | CustomLayoutSpec> = {};
  for (const [name, l] of Object.entries(config.layouts ?? {})) if (l.configured !== DEFAULT_LAYOUT) out[name] = l.configured;
  return out;
}

/** The locks and config globs a recording names per cluster (`clusters.<name>.locks`/`.config`, recorder.ts). */
function recordedRecipes(config: CollectConfig): Record<string, object> {
  const out: Record<string, object> = {};
  for (const [name, l] of Object.entries(config.layouts ?? {})) if (l.recipes !== undefined) out[name] = l.recipes;
  return out;
}

/** gauge points written per turn of the event loop (see writeInSlices) */
const GAUGE_SLICE = 500;

export class DataPlane {
  readonly config: CollectConfig;
  readonly log: Logger;
  readonly session: ZkSession;
  readonly watch: ClusterWatch;
  readonly pipeline: EventPipeline;
  readonly metrics: CollectorMetrics;
  readonly writer: InfluxWriter | null;
  private readonly recorder: Recorder | null;
  private readonly scheduler: SchedulerLike;
  private readonly now: () => number;
  private readonly writable: (cluster: string | null) => boolean;
  /** no `writable` option: every point is written (no per-point question) */
  private readonly everyPointWritable: boolean;
  /** every configured cluster, by name */
  private readonly configured: ReadonlyMap<string, ClusterRoot>;
  /** cluster → ensemble for the clusters on a named one (the tag of their points) */
  private readonly namedEnsembles: ReadonlyMap<string, string>;
  private readonly watchedNow = new Set<string>();
  /** the sessions by ensemble: `default` always, a named one while a watched cluster is on it */
  private readonly ensembles = new Map<string, EnsembleSession>();
  private started = false;
  private readonly subs: Subscription[] = [];
  private eventCount = 0;
  /** the `cluster` gauges of a tick are written on the next turn of the event loop (not a clock: a yield) */
  private gaugeFlush: NodeJS.Immediate | null = null;
  private lastLagMs = 0;
  private reportedWrites = { writeErrors: 0, droppedPoints: 0 };

  constructor(options: DataPlaneOptions) {
    const config = (this.config = options.config);
    this.log = options.log;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.now = options.now ?? (() => this.scheduler.now());
    this.writable = options.writable ?? (() => true);
    this.everyPointWritable = options.writable === undefined;
    const clusters: ClusterRoot[] = clusterRootsOf(config);
    this.configured = new Map(clusters.map((c) => [c.name, c]));
    this.namedEnsembles = new Map(Object.entries(config.ensembleOf ?? {}).filter(([, e]) => e !== DEFAULT_ENSEMBLE));
    for (const c of clusters) this.watchedNow.add(c.name);
    const byEnsemble = new Map<string, ClusterRoot[]>([[DEFAULT_ENSEMBLE, []]]);
    for (const c of clusters) {
      const name = c.ensemble ?? DEFAULT_ENSEMBLE;
      const list = byEnsemble.get(name);
      if (list) list.push(c);
      else byEnsemble.set(name, [c]);
    }
    for (const [name, list] of byEnsemble) this.ensembles.set(name, this.openEnsemble(name, list));
    const main = this.ensembles.get(DEFAULT_ENSEMBLE) as EnsembleSession;
    this.session = main.session;
    this.watch = main.watch;
    this.metrics = createCollectorMetrics();
    this.writer = config.influx ? new InfluxWriter({ url: config.influx, logger: this.log }) : null;
    this.pipeline = new EventPipeline({ clusters, writePoints: this.writer ? (points) => this.writePoints(points) : undefined });
    this.recorder = config.record
      ? new Recorder(config.record, {
          maxBytes: config.recordMaxBytes,
          keep: config.recordKeep,
          roots: config.clusters,
          layouts: recordedLayouts(config),
          recipes: recordedRecipes(config),
          ...(config.ensembleOf ? { ensembles: config.ensembleOf } : {}),
          onError: (err) => this.log.error({ err: err.message, file: config.record }, 'recording stopped'),
        })
      : null;
    // before start(): nothing was read yet, a named ensemble left without clusters is never connected
    if (options.watching) this.setWatched(options.watching);
  }

  /** the domain events derived from the watch stream, in order */
  get events$(): Subject<DomainEvent> {
    return this.pipeline.events$;
  }

  /** the raw watch events (what `--record` writes) */
  get watchEvents$(): Subject<WatchEvent> {
    return this.pipeline.watchEvents$;
  }

  /** A session and watch for an ensemble (not started). */
  private openEnsemble(name: string, clusters: ClusterRoot[]): EnsembleSession {
    const config = this.config;
    const connectString = name === DEFAULT_ENSEMBLE ? config.zk : config.ensembles?.[name];
    if (connectString === undefined) throw new Error(`no connect string for ensemble ${name} (the config names it in no "ensembles")`);
    const named = name === DEFAULT_ENSEMBLE ? undefined : name;
    const entry: EnsembleSession = {
      session: new ZkSession({
        connectString,
        sessionTimeout: config.sessionTimeout,
        // zkAuth is the collector's identity on every ensemble (docs/contract.md §10)
        auth: config.zkAuth,
        probeIntervalMs: config.probeIntervalMs,
        probeTimeoutMs: config.probeTimeoutMs,
        now: this.now,
        onWarning: (message) => this.log.warn(named === undefined ? {} : { ensemble: named }, message),
        onConnectFailure: (failure) => this.noteReach(entry, { kind: 'failure', failure }),
      }),
      watch: undefined as unknown as ClusterWatch,
      sub: null,
      reach: initialReach(),
      connectedAt: null,
      reachContext: { servers: serverCount(connectString), clusters: clusters.map((c) => c.name) },
    };
    (entry as { watch: ClusterWatch }).watch = new ClusterWatch({
      session: entry.session,
      clusters,
      maxDataBytes: config.maxDataBytes,
      now: this.now,
      onError: (cluster, path, err) => this.log.warn({ cluster, path, err: String(err) }, 'zookeeper read failed'),
      readTimeoutMs: Math.max(config.sessionTimeout, 10_000),
      ...(named === undefined ? {} : { ensemble: named }),
    });
    return entry;
  }

  /** Subscribe to an ensemble's watch events and start its session. */
  private startEnsemble(entry: EnsembleSession): void {
    entry.sub = entry.watch.events$.subscribe((e) => this.onWatchEvent(e));
    entry.watch.start();
  }

  /** the session of an ensemble in use (`default` always; a named one while a watched cluster is on it) */
  sessionOf(ensemble: string): ZkSession | undefined {
    return this.ensembles.get(ensemble)?.session;
  }

  /** the ensembles with a session now, `default` first */
  ensemblesInUse(): string[] {
    return [...this.ensembles.keys()];
  }

  /** the ensemble a cluster is on: `default` unless `clusters.<name>.ensemble` names another */
  ensembleOf(cluster: string): string {
    return ensembleOfCluster(this.config, cluster);
  }

  /** the clusters watched now (default: every configured one) */
  watched(): ReadonlySet<string> {
    return new Set(this.watchedNow);
  }

  /**
   * Watch exactly these clusters (names not configured are ignored). A cluster added starts its TreeWatcher
   * (read at once while its session is connected: its model appears synced); one removed stops its watcher,
   * and its model, gauges and rule inputs disappear. A named ensemble's session is opened with its first
   * watched cluster and closed with its last (never the default one). Idempotent.
   */
  setWatched(names: ReadonlySet<string>): void {
    const wanted = new Set([...names].filter((n) => this.configured.has(n)));
    for (const name of [...this.watchedNow]) {
      if (wanted.has(name)) continue;
      this.watchedNow.delete(name);
      const ensemble = this.ensembleOf(name);
      const entry = this.ensembles.get(ensemble);
      entry?.watch.remove(name);
      this.pipeline.removeCluster(name);
      if (entry && ensemble !== DEFAULT_ENSEMBLE && entry.watch.names().length === 0) this.closeEnsemble(ensemble, entry);
    }
    for (const name of wanted) {
      if (this.watchedNow.has(name)) continue;
      this.watchedNow.add(name);
      const root = this.configured.get(name) as ClusterRoot;
      const ensemble = this.ensembleOf(name);
      this.pipeline.addCluster(name);
      const entry = this.ensembles.get(ensemble);
      if (entry) {
        entry.watch.add(root);
        continue;
      }
      const opened = this.openEnsemble(ensemble, [root]);
      this.ensembles.set(ensemble, opened);
      if (!this.started) continue;
      // a session opened at run time is not connected yet: said as a connection event (recorded too), so that
      // CollectorDisconnected of its clusters counts from now, and fires if it never connects
      this.onWatchEvent({ kind: 'connection', state: 'disconnected', reason: 'session opening', time: this.now(), ensemble }, false);
      this.startEnsemble(opened);
    }
  }

  /** A named ensemble's last cluster went: its session closes (in the background; a failure is logged). */
  private closeEnsemble(name: string, entry: EnsembleSession): void {
    this.ensembles.delete(name);
    entry.sub?.unsubscribe();
    entry.sub = null;
    entry.watch.stop().catch((err: unknown) => this.log.warn({ ensemble: name, err: String(err) }, 'closing the ensemble session failed'));
  }

  /** Start watching and writing (ZooKeeper is not waited for). */
  start(): void {
    this.started = true;
    if (this.writer) {
      this.writer.start();
      this.subs.push(interval(GAUGE_PERIOD_MS, this.scheduler).subscribe(() => this.gaugeTick()));
    }
    for (const entry of this.ensembles.values()) this.startEnsemble(entry);
  }

  /** Resolves when every watched cluster has synced: the sync of each session's latest (re)connect, and of each cluster added since. */
  async whenSynced(): Promise<void> {
    await Promise.all([...this.ensembles.values()].map((e) => e.watch.whenSynced()));
  }

  /** the layout of a cluster (the zkpulse layout unless its config names another) */
  layoutOf(name: string): Layout {
    return this.pipeline.layout(name) ?? zkpulseLayout;
  }

  /** each cluster's layout capabilities, for the rules (alerts/rules/applicability.ts) */
  capabilities(): ReadonlyMap<string, LayoutCapabilities> {
    return new Map(this.pipeline.all().map((m) => [m.name, this.layoutOf(m.name).capabilities]));
  }

  model(name: string): ClusterModel | undefined {
    return this.pipeline.model(name);
  }

  models(): ClusterModel[] {
    return this.pipeline.all();
  }

  stats(): CollectorStats {
    const w = this.writer?.stats();
    return {
      // every session of the ensembles in use (with only `default`: its own state, as ever)
      zkConnected: this.allConnected(),
      events: this.eventCount,
      eventLagMs: this.lastLagMs,
      writeErrors: w?.writeErrors ?? 0,
      droppedPoints: w?.droppedPoints ?? 0,
    };
  }

  /** Bring the Prometheus metrics up to date (before a scrape). */
  refreshMetrics(): void {
    this.metrics.updateFromModels(this.pipeline.all());
    const s = this.stats();
    this.metrics.writeErrorsTotal.inc(Math.max(0, s.writeErrors - this.reportedWrites.writeErrors));
    this.metrics.droppedPointsTotal.inc(Math.max(0, s.droppedPoints - this.reportedWrites.droppedPoints));
    this.reportedWrites = { writeErrors: s.writeErrors, droppedPoints: s.droppedPoints };
  }

  private allConnected(): boolean {
    for (const e of this.ensembles.values()) if (!e.session.connected) return false;
    return true;
  }

  /** Stop taking watch events and gauge ticks (the first step of stopping). */
  detach(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs.length = 0;
    for (const e of this.ensembles.values()) {
      e.sub?.unsubscribe();
      e.sub = null;
    }
  }

  /**
   * The last gauges and events reach InfluxDB, if it answers within `deadlineMs`; with `finalPoint`
   * (this collector was writing), the `collector` point too.
   */
  async flush(deadlineMs: number, finalPoint: boolean): Promise<void> {
    if (!this.writer) return;
    if (this.gaugeFlush) clearImmediate(this.gaugeFlush);
    this.gaugeFlush = null;
    this.pipeline.flushGauges();
    if (finalPoint) this.writer.write(collectorPoint(this.config.instance, this.stats(), this.now()));
    await this.writer.close(deadlineMs);
  }

  /** Close the watches and their sessions (each bounded by SESSION_CLOSE_DEADLINE_MS, all at once) and the recording. */
  async close(): Promise<void> {
    this.detach();
    await Promise.all([...this.ensembles.values()].map((e) => e.watch.stop()));
    await this.recorder?.close();
    this.pipeline.complete();
  }

  /**
   * InfluxDB points, those `writable` allows (an HA standby's would duplicate the active's): each asks with
   * its `cluster` tag (none or empty: null). The points of a cluster on a named ensemble get its `ensemble` tag.
   */
  writePoints(points: Point | Point[]): void {
    if (!this.writer) return;
    const list = Array.isArray(points) ? points : [points];
    const allowed = this.everyPointWritable ? list : this.writablePoints(list);
    if (allowed.length > 0) this.writer.write(withEnsembleTags(allowed, this.namedEnsembles));
  }

  private writablePoints(points: Point[]): Point[] {
    let out: Point[] | null = null;
    let lastCluster: string | null | undefined;
    let lastAnswer = true;
    for (let i = 0; i < points.length; i++) {
      const tag = (points[i] as Point).tags.cluster;
      const cluster = tag === undefined || tag === '' ? null : tag;
      // a gauge tick is runs of one cluster's points: ask once per run
      if (cluster !== lastCluster) {
        lastCluster = cluster;
        lastAnswer = this.writable(cluster);
      }
      if (lastAnswer) out?.push(points[i] as Point);
      else out ??= points.slice(0, i);
    }
    return out ?? points;
  }

  /**
   * The 10 s gauge tick (docs/contract.md §4) holds a point per worker: building and encoding 10,000 at once
   * held up the event loop (and every watch event behind it) for tens of ms, so they are built and written
   * in slices, one per turn of the loop. The models are immutable: every slice reads the ones of the tick,
   * at the tick's time, in the order gaugePoints gives; the `collector` point (this tick's stats) comes last.
   */
  private gaugeTick(): void {
    const now = this.scheduler.now();
    const models = this.pipeline.all();
    const last = collectorPoint(this.config.instance, this.stats(), now);
    this.writeInSlices(
      (function* () {
        for (const model of models) yield* gaugePointsOf(model, now);
        yield last;
      })(),
    );
  }

  private writeInSlices(points: Iterator<Point, void>): void {
    const slice: Point[] = [];
    try {
      while (slice.length < GAUGE_SLICE) {
        const next = points.next();
        if (next.done) break;
        slice.push(next.value);
      }
    } catch (err) {
      // a tick that cannot be built is logged and left; the next one comes in 10 s
      this.log.warn({ err: String(err) }, 'gauge tick failed');
      return;
    }
    if (slice.length === 0) return;
    this.writePoints(slice);
    if (slice.length === GAUGE_SLICE) setImmediate(() => this.writeInSlices(points));
  }

  /** Log what a person needs to know about a ZooKeeper connection (once per outage, and each reconnect). */
  private noteReach(entry: EnsembleSession, input: ReachInput): void {
    const { state, report } = stepReach(entry.reach, input, entry.reachContext);
    entry.reach = state;
    const named = entry === this.ensembles.get(DEFAULT_ENSEMBLE) ? undefined : entry.watch.ensembleName;
    if (report) this.log[report.level](named === undefined ? report.fields : { ...report.fields, ensemble: named }, report.message);
  }

  /** `logReach` false: a state the data plane says itself (a session opening), not one to log as an outage */
  private onWatchEvent(event: WatchEvent, logReach = true): void {
    // Nothing from ZooKeeper may stop the collector: a failure here is logged and the stream goes on.
    try {
      const now = this.now();
      this.recorder?.record(event);
      if (event.kind === 'connection') {
        const key = event.ensemble ?? DEFAULT_ENSEMBLE;
        const entry = this.ensembles.get(key);
        const up = event.state === 'connected' || event.state === 'reconnected';
        const othersUp = [...this.ensembles].every(([name, e]) => name === key || e.session.connected);
        this.metrics.zkConnected.set(up && othersUp ? 1 : 0);
        if (entry && logReach) this.noteReach(entry, { kind: 'state', state: event.state, reason: event.reason, sessionId: event.sessionId, server: entry.session.server });
        if (up && entry) entry.connectedAt = event.time;
      } else if ((event.kind === 'added' || event.kind === 'changed') && !event.afterBlind) {
        this.lastLagMs = Math.max(0, event.time - event.stat.mtime);
        this.metrics.eventLagMs.set(this.lastLagMs);
      }
      const { events } = this.pipeline.push(event, now);
      if (event.kind === 'synced') {
        const { message, fields } = syncReport(event, this.ensembles.get(this.ensembleOf(event.cluster))?.connectedAt ?? null, this.pipeline.model(event.cluster));
        this.log.info(fields, message);
      }
      this.eventCount += events.length;
      this.metrics.eventsTotal.inc(events.length);
      // the `cluster` gauges of everything that arrived in this tick, written once
      if (this.pipeline.pendingGauges && !this.gaugeFlush) {
        this.gaugeFlush = setImmediate(() => {
          this.gaugeFlush = null;
          this.pipeline.flushGauges();
        });
      }
    } catch (err) {
      this.log.error({ err: String(err), event: event.kind }, 'failed to process a watch event');
    }
  }
}
