/**
 * The collector's data plane: the ZooKeeper session and watch layer → the event pipeline (models,
 * domain events, points) → InfluxDB, the recording and the Prometheus metrics. It knows nothing of
 * alerting, HTTP mounting or HA roles: server/ wires it to those, and decides, through `writable`,
 * whether this process writes InfluxDB points (an HA standby must not).
 */
import { asyncScheduler, type SchedulerLike, type Subject, type Subscription } from 'rxjs';
import type { Logger } from 'pino';
import { clusterRootsOf, type CollectConfig } from './config.ts';
import { ZkSession } from '../zk/session.ts';
import { initialReach, serverCount, stepReach, type ReachContext, type ReachInput, type ReachState } from './reachability.ts';
import { ClusterWatch, type ClusterRoot } from './watch/cluster-watch.ts';
import type { WatchEvent } from './watch/events.ts';
import type { DomainEvent } from './model/domain-events.ts';
import type { ClusterModel } from './model/types.ts';
import { EventPipeline } from './pipeline.ts';
import { InfluxWriter } from './influx/writer.ts';
import { collectorPoint, type CollectorStats } from './influx/points.ts';
import { startGauges } from './influx/gauges.ts';
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
  /** whether InfluxDB points are written right now (default always; an HA standby says no) */
  writable?: () => boolean;
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
  private readonly writable: () => boolean;
  private readonly subs: Subscription[] = [];
  private eventCount = 0;
  /** the `cluster` gauges of a tick are written on the next turn of the event loop (not a clock: a yield) */
  private gaugeFlush: NodeJS.Immediate | null = null;
  private lastLagMs = 0;
  private reportedWrites = { writeErrors: 0, droppedPoints: 0 };
  /** what the log has said about the ZooKeeper connection (reachability.ts) */
  private reach: ReachState = initialReach();
  private readonly reachContext: ReachContext;
  /** when the current session connected (the start of its sync, for the "synced" line) */
  private connectedAt: number | null = null;

  constructor(options: DataPlaneOptions) {
    const config = (this.config = options.config);
    this.log = options.log;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.now = options.now ?? (() => this.scheduler.now());
    this.writable = options.writable ?? (() => true);
    const clusters: ClusterRoot[] = clusterRootsOf(config);
    this.reachContext = { servers: serverCount(config.zk), clusters: clusters.map((c) => c.name) };
    this.session = new ZkSession({
      connectString: config.zk,
      sessionTimeout: config.sessionTimeout,
      auth: config.zkAuth,
      probeIntervalMs: config.probeIntervalMs,
      probeTimeoutMs: config.probeTimeoutMs,
      now: this.now,
      onWarning: (message) => this.log.warn(message),
      onConnectFailure: (failure) => this.noteReach({ kind: 'failure', failure }),
    });
    this.watch = new ClusterWatch({
      session: this.session,
      clusters,
      maxDataBytes: config.maxDataBytes,
      now: this.now,
      onError: (cluster, path, err) => this.log.warn({ cluster, path, err: String(err) }, 'zookeeper read failed'),
      readTimeoutMs: Math.max(config.sessionTimeout, 10_000),
    });
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
          onError: (err) => this.log.error({ err: err.message, file: config.record }, 'recording stopped'),
        })
      : null;
  }

  /** the domain events derived from the watch stream, in order */
  get events$(): Subject<DomainEvent> {
    return this.pipeline.events$;
  }

  /** the raw watch events (what `--record` writes) */
  get watchEvents$(): Subject<WatchEvent> {
    return this.pipeline.watchEvents$;
  }

  /** Start watching and writing (ZooKeeper is not waited for). */
  start(): void {
    this.subs.push(this.watch.events$.subscribe((e) => this.onWatchEvent(e)));
    if (this.writer) {
      this.writer.start();
      this.subs.push(
        startGauges(
          {
            models: () => this.pipeline.all(),
            extra: (now) => [collectorPoint(this.config.instance, this.stats(), now)],
            scheduler: this.scheduler,
            onError: (err) => this.log.warn({ err: String(err) }, 'gauge tick failed'),
          },
          (points) => this.writeInSlices(points),
        ),
      );
    }
    this.watch.start();
  }

  /** Resolves when the sync started by the latest (re)connect has finished. */
  whenSynced(): Promise<void> {
    return this.watch.whenSynced();
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
      zkConnected: this.session.connected,
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

  /** Stop taking watch events and gauge ticks (the first step of stopping). */
  detach(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs.length = 0;
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

  /** Close the watch and its session (bounded by SESSION_CLOSE_DEADLINE_MS) and the recording. */
  async close(): Promise<void> {
    this.detach();
    await this.watch.stop();
    await this.recorder?.close();
    this.pipeline.complete();
  }

  /** InfluxDB points, while writable (an HA standby's would duplicate the active's). */
  writePoints(points: Point | Point[]): void {
    if (this.writer && this.writable()) this.writer.write(points);
  }

  /**
   * The 10 s gauge tick holds a point per worker: encoding 10,000 at once would hold up the event loop
   * (and every watch event behind it) for tens of ms, so they go in slices, one per turn of the loop.
   */
  private writeInSlices(points: Point[], from = 0): void {
    this.writePoints(points.slice(from, from + GAUGE_SLICE));
    if (from + GAUGE_SLICE < points.length) setImmediate(() => this.writeInSlices(points, from + GAUGE_SLICE));
  }

  /** Log what a person needs to know about the ZooKeeper connection (once per outage, and each reconnect). */
  private noteReach(input: ReachInput): void {
    const { state, report } = stepReach(this.reach, input, this.reachContext);
    this.reach = state;
    if (report) this.log[report.level](report.fields, report.message);
  }

  private onWatchEvent(event: WatchEvent): void {
    // Nothing from ZooKeeper may stop the collector: a failure here is logged and the stream goes on.
    try {
      const now = this.now();
      this.recorder?.record(event);
      if (event.kind === 'connection') {
        const up = event.state === 'connected' || event.state === 'reconnected';
        this.metrics.zkConnected.set(up ? 1 : 0);
        if (up) this.connectedAt = event.time;
        this.noteReach({ kind: 'state', state: event.state, reason: event.reason, sessionId: event.sessionId, server: this.session.server });
      } else if ((event.kind === 'added' || event.kind === 'changed') && !event.afterBlind) {
        this.lastLagMs = Math.max(0, event.time - event.stat.mtime);
        this.metrics.eventLagMs.set(this.lastLagMs);
      }
      const { events } = this.pipeline.push(event, now);
      if (event.kind === 'synced') {
        const { message, fields } = syncReport(event, this.connectedAt, this.pipeline.model(event.cluster));
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
