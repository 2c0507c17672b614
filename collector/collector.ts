/**
 * The collector: ZooKeeper watch layer → cluster models → InfluxDB points, HTTP API and SSE.
 * This file only wires the parts together; each decision lives in its own pure module.
 */
import { Subject, type Subscription } from 'rxjs';
import type { DestinationStream, Logger } from 'pino';
import { createLogger } from './logger.ts';
import { secretsOf } from './http/log-redaction.ts';
import type { CollectConfig } from './config.ts';
import { DEFAULT_HA_PATH } from './config/schema.ts';
import { ZkSession } from '../zk/session.ts';
import { SESSION_CLOSE_DEADLINE_MS } from '../zk/close-client.ts';
import { initialReach, serverCount, stepReach, type ReachContext, type ReachInput, type ReachState } from './reachability.ts';
import { ClusterWatch, type ClusterRoot } from './watch/cluster-watch.ts';
import type { WatchEvent } from './watch/events.ts';
import { ClusterModels } from './cluster-models.ts';
import type { DomainEvent } from './model/domain-events.ts';
import type { ClusterModel } from './model/types.ts';
import { InfluxWriter } from './influx/writer.ts';
import { collectorPoint, type CollectorStats } from './influx/points.ts';
import { EventPoints } from './influx/event-points.ts';
import { startGauges } from './influx/gauges.ts';
import { createCollectorMetrics, type CollectorMetrics } from './metrics.ts';
import { createHttpApp, startHttpServer, type RunningHttpServer } from './http/server.ts';
import { Recorder } from './recorder.ts';
import { livePageRouter } from './http/live-page/router.ts';
import { Alerting } from '../alerts/service.ts';
import { parseAlertsConfig } from '../alerts/config.ts';
import type { ReceiverConfig } from '../alerts/notify/config.ts';
import type { Point } from './influx/line-protocol.ts';
import { CollectorElection } from './ha/collector-election.ts';
import { RoleSwitch } from './ha/role-switch.ts';
import type { CollectorRole } from './ha/role.ts';
import { collectorRouter, type CollectorInfo } from './ha/collector-router.ts';

export interface CollectorOptions {
  config: CollectConfig;
  now?: () => number;
  /** default: createCollectorLogger with this config's secrets redacted, to `logDestination` (stdout) */
  logger?: Logger;
  logDestination?: DestinationStream;
  logLevel?: string;
  /** start the HTTP server (default true) */
  http?: boolean;
}

export class Collector {
  readonly config: CollectConfig;
  private readonly now: () => number;
  readonly log: Logger;
  readonly session: ZkSession;
  readonly watch: ClusterWatch;
  readonly models: ClusterModels;
  /** domain events derived from the watch stream, in order */
  readonly events$ = new Subject<DomainEvent>();
  /** the raw watch events (what `--record` writes) */
  readonly watchEvents$ = new Subject<WatchEvent>();
  readonly metrics: CollectorMetrics;
  readonly writer: InfluxWriter | null;
  private readonly recorder: Recorder | null;
  readonly alerting: Alerting;
  /** the HA election (`ha: true`), null otherwise */
  readonly election: CollectorElection | null;
  private readonly roles: RoleSwitch;
  private alertingStart: Promise<void> | null = null;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private http: RunningHttpServer | null = null;
  private readonly subs: Subscription[] = [];
  private eventCount = 0;
  private readonly eventPoints = new EventPoints(
    (points) => this.writePoints(points),
    (cluster) => this.models.get(cluster),
  );
  private gaugeFlush: NodeJS.Immediate | null = null;
  private lastLagMs = 0;
  private reportedWrites = { writeErrors: 0, droppedPoints: 0 };
  /** what the log has said about the ZooKeeper connection (zk/reachability.ts) */
  private reach: ReachState = initialReach();
  private readonly reachContext: ReachContext;

  constructor(options: CollectorOptions) {
    this.config = options.config;
    this.now = options.now ?? Date.now;
    this.log =
      options.logger ??
      createLogger({ format: this.config.logFormat, secrets: secretsOf(this.config), destination: options.logDestination, level: options.logLevel });
    const clusters: ClusterRoot[] = Object.entries(this.config.clusters).map(([name, root]) => ({ name, root }));
    this.reachContext = { servers: serverCount(this.config.zk), clusters: clusters.map((c) => c.name) };
    this.session = new ZkSession({
      connectString: this.config.zk,
      sessionTimeout: this.config.sessionTimeout,
      auth: this.config.zkAuth,
      probeIntervalMs: this.config.probeIntervalMs,
      probeTimeoutMs: this.config.probeTimeoutMs,
      now: this.now,
      onWarning: (message) => this.log.warn(message),
      onConnectFailure: (failure) => this.noteReach({ kind: 'failure', failure }),
    });
    this.watch = new ClusterWatch({
      session: this.session,
      clusters,
      maxDataBytes: this.config.maxDataBytes,
      now: this.now,
      onError: (cluster, path, err) => this.log.warn({ cluster, path, err: String(err) }, 'zookeeper read failed'),
      readTimeoutMs: Math.max(this.config.sessionTimeout, 10_000),
    });
    this.models = new ClusterModels(clusters);
    this.metrics = createCollectorMetrics();
    this.writer = this.config.influx ? new InfluxWriter({ url: this.config.influx, logger: this.log }) : null;
    this.recorder = this.config.record
      ? new Recorder(this.config.record, {
          maxBytes: this.config.recordMaxBytes,
          keep: this.config.recordKeep,
          roots: this.config.clusters,
          onError: (err) => this.log.error({ err: err.message, file: this.config.record }, 'recording stopped'),
        })
      : null;
    // validated here, before anything starts: a bad `alerts` section is a one-line ConfigError
    const alerts = parseAlertsConfig(this.config.alerts, clusters.map((c) => c.name));
    this.alerting = new Alerting({
      config: alerts,
      receivers: receiversOf(this.config, alerts.route),
      domainEvents$: this.events$,
      watchEvents$: this.watchEvents$,
      getModels: () => this.models.all(),
      zkClient: () => this.session.client,
      zkAuth: this.config.zkAuth,
      isConnected: () => this.session.connected,
      apiToken: this.config.apiToken,
      externalURL: `http://${this.config.http.host}:${this.config.http.port}`,
      writePoints: (points) => this.writePoints(points),
      log: this.log,
    });
    // HA: only the active collector notifies and writes; a standby keeps its models warm and serves reads
    this.election = this.config.ha
      ? new CollectorElection({
          session: this.session,
          path: this.haPath,
          id: this.config.instance,
          auth: this.config.zkAuth,
          requestTimeoutMs: this.config.probeTimeoutMs,
          now: this.now,
          report: (err) => this.log.warn({ err: err.message }, 'collector election'),
        })
      : null;
    this.roles = new RoleSwitch({
      // the engine runs on a standby too (warm rule memory); becoming active loads the notification log
      activate: async () => {
        this.log.info({ haPath: this.haPath, epoch: this.election?.epoch }, 'collector is active: loading the notification log');
        await this.startAlerting(false);
        await this.alerting.activate();
      },
      deactivate: async () => {
        this.log.info({ haPath: this.haPath }, 'collector is standby');
        await this.alerting.deactivate();
      },
      onError: (role, err) => this.log.error({ role, err: String(err) }, 'collector role change failed'),
      later: (ms, fn) => void setTimeout(fn, ms).unref(),
    });
  }

  private get haPath(): string {
    return this.config.haPath ?? DEFAULT_HA_PATH;
  }

  /** Alerting.start() once (retried after a failure): with notify false it judges but does not send. */
  private startAlerting(notify: boolean): Promise<void> {
    this.alertingStart ??= this.alerting.start({ notify }).catch((err: unknown) => {
      this.alertingStart = null;
      throw err;
    });
    return this.alertingStart;
  }

  /** Log what a person needs to know about the ZooKeeper connection (once per outage, and each reconnect). */
  private noteReach(input: ReachInput): void {
    const { state, report } = stepReach(this.reach, input, this.reachContext);
    this.reach = state;
    if (report) this.log[report.level](report.fields, report.message);
  }

  /** Start alerting, and try again every second while its state cannot be loaded (never give up on it). */
  private keepStartingAlerting(notify: boolean): void {
    const connectedAtStart = this.session.connected;
    this.startAlerting(notify).catch((err: unknown) => {
      if (this.stopping) return;
      // alert state lives in ZooKeeper: without a session it cannot load, which the connection lines already say
      const why = connectedAtStart && this.session.connected ? 'error' : 'debug';
      this.log[why]({ err: String(err) }, 'alerting failed to start (its state is kept in ZooKeeper); trying again in 1 s');
      setTimeout(() => !this.stopping && this.keepStartingAlerting(notify), 1000).unref();
    });
  }

  /** 'active' unless this collector is a standby of an HA group. */
  get role(): CollectorRole {
    return this.election ? this.roles.role : 'active';
  }

  /** Resolves when no role change (alert state load or write) is in progress. */
  roleSettled(): Promise<void> {
    return this.roles.idle();
  }

  info(): CollectorInfo {
    return {
      instance: this.config.instance,
      ha: this.config.ha === true,
      role: this.role,
      haPath: this.config.ha ? this.haPath : null,
      session: this.session.sessionId,
      connected: this.session.connected,
      epoch: this.election?.epoch ?? null,
    };
  }

  /** InfluxDB points: written by the active collector only (a standby's would duplicate them). */
  private writePoints(points: Point | Point[]): void {
    if (this.writer && this.role === 'active') this.writer.write(points);
  }

  /**
   * The 10 s gauge tick holds a point per worker: encoding 10,000 at once would hold up the event loop
   * (and every watch event behind it) for tens of ms, so they go in slices, one per turn of the loop.
   */
  private writeInSlices(points: Point[], from = 0): void {
    this.writePoints(points.slice(from, from + GAUGE_SLICE));
    if (from + GAUGE_SLICE < points.length) setImmediate(() => this.writeInSlices(points, from + GAUGE_SLICE));
  }

  /** Start watching, writing and serving. Resolves once the HTTP server listens (not waiting for ZooKeeper). */
  async start(options: { http?: boolean } = {}): Promise<void> {
    this.subs.push(this.watch.events$.subscribe((e) => this.onWatchEvent(e)));
    if (this.writer) {
      this.writer.start();
      this.subs.push(
        startGauges(
          { models: () => this.models.all(), extra: (now) => [collectorPoint(this.config.instance, this.stats(), now)], onError: (err) => this.log.warn({ err: String(err) }, 'gauge tick failed') },
          (points) => this.writeInSlices(points),
        ),
      );
    }
    if (this.election) {
      this.subs.push(this.election.role$.subscribe((role) => void this.roles.want(role)));
      this.election.start();
    }
    this.watch.start();
    // restoring alert state waits for ZooKeeper; the API must not wait for it
    this.keepStartingAlerting(!this.election);
    if (options.http !== false) {
      const app = createHttpApp({
        getModels: () => this.models.all(),
        isConnected: () => (this.session.connected ? { ok: true } : { ok: false, reason: `zookeeper session ${this.session.connectionState}` }),
        role: () => this.role,
        events$: this.events$,
        registry: this.metrics.registry,
        apiToken: this.config.apiToken,
        now: this.now,
        onScrape: () => this.refreshMetrics(),
        routers: [collectorRouter(() => this.info()), ...this.alerting.routers(), livePageRouter()],
        log: this.log,
      });
      this.http = await startHttpServer(app, { ...this.config.http, allowedHosts: this.config.allowedHosts });
      this.log.info({ url: this.http.url }, 'zkpulse collector listening');
    }
  }

  /** Base URL of the HTTP API, once started. */
  get url(): string | null {
    return this.http?.url ?? null;
  }

  /** Resolves when the sync started by the latest (re)connect has finished. */
  whenSynced(): Promise<void> {
    return this.watch.whenSynced();
  }

  model(name: string): ClusterModel | undefined {
    return this.models.get(name);
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

  private onWatchEvent(event: WatchEvent): void {
    // Nothing from ZooKeeper may stop the collector: a failure here is logged and the stream goes on.
    try {
      const now = this.now();
      this.recorder?.record(event);
      this.watchEvents$.next(event);
      if (event.kind === 'connection') {
        this.metrics.zkConnected.set(event.state === 'connected' || event.state === 'reconnected' ? 1 : 0);
        this.noteReach({ kind: 'state', state: event.state, reason: event.reason, sessionId: event.sessionId, server: this.session.server });
      } else if ((event.kind === 'added' || event.kind === 'changed') && !event.afterBlind) {
        this.lastLagMs = Math.max(0, event.time - event.stat.mtime);
        this.metrics.eventLagMs.set(this.lastLagMs);
      }
      const derived = this.models.apply(event, now);
      this.eventCount += derived.length;
      this.metrics.eventsTotal.inc(derived.length);
      for (const d of derived) {
        if (this.writer) this.eventPoints.add(d, now);
        this.events$.next(d);
      }
      // the `cluster` gauges of everything that arrived in this tick, written once
      if (this.eventPoints.pending && !this.gaugeFlush) {
        this.gaugeFlush = setImmediate(() => {
          this.gaugeFlush = null;
          this.eventPoints.flush();
        });
      }
    } catch (err) {
      this.log.error({ err: String(err), event: event.kind }, 'failed to process a watch event');
    }
  }

  private refreshMetrics(): void {
    this.metrics.updateFromModels(this.models.all());
    const s = this.stats();
    this.metrics.writeErrorsTotal.inc(Math.max(0, s.writeErrors - this.reportedWrites.writeErrors));
    this.metrics.droppedPointsTotal.inc(Math.max(0, s.droppedPoints - this.reportedWrites.droppedPoints));
    this.reportedWrites = { writeErrors: s.writeErrors, droppedPoints: s.droppedPoints };
  }

  /**
   * Stops everything within STOP_DEADLINE_MS even when ZooKeeper and InfluxDB are gone: the last
   * alert-state writes (after a notice in flight is answered) and the last InfluxDB points get one
   * flush attempt, both at once, cut at STOP_FLUSH_DEADLINE_MS; then the session is closed. Calling it
   * again (a test's teardown, a second signal) returns the same stop.
   */
  stop(): Promise<void> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<void> {
    this.stopping = true;
    const wasActive = this.role === 'active';
    for (const s of this.subs) s.unsubscribe();
    await this.http?.close();
    await Promise.all([
      withDeadline(this.stopAlerting(), STOP_FLUSH_DEADLINE_MS).then((done) => {
        if (!done) this.log.warn({ deadlineMs: STOP_FLUSH_DEADLINE_MS }, 'alert state not written before the stop deadline (ZooKeeper unreachable?)');
      }),
      this.flushInflux(wasActive),
    ]);
    await this.watch.stop();
    await this.recorder?.close();
    this.events$.complete();
    this.watchEvents$.complete();
  }

  private async stopAlerting(): Promise<void> {
    try {
      if (this.election) {
        // hand over cleanly: stop notifying and write the alert state, then leave so a standby takes over at once
        await this.roles.want('standby');
        await this.election.stop();
      }
      await this.alerting.stop();
    } catch (err) {
      this.log.warn({ err: String(err) }, 'stopping alerting failed');
    }
  }

  /** The last gauges and events reach InfluxDB before we go, if it answers within the deadline. */
  private async flushInflux(wasActive: boolean): Promise<void> {
    if (!this.writer) return;
    if (this.gaugeFlush) clearImmediate(this.gaugeFlush);
    this.eventPoints.flush();
    if (wasActive) this.writer.write(collectorPoint(this.config.instance, this.stats(), this.now()));
    await this.writer.close(STOP_FLUSH_DEADLINE_MS);
  }
}

/** the one flush attempt of alert state and InfluxDB points when stopping (both at once) */
export const STOP_FLUSH_DEADLINE_MS = 2000;
/** how long Collector.stop() takes at most: the flush, the session's close, and a margin for the rest */
export const STOP_DEADLINE_MS = STOP_FLUSH_DEADLINE_MS + SESSION_CLOSE_DEADLINE_MS + 1000;

/** True once `work` has settled, false once `ms` have passed first (the work then goes on unwatched). */
function withDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
  const settled = work.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, deadline]).finally(() => clearTimeout(timer));
}

/** gauge points written per turn of the event loop (see writeInSlices) */
const GAUGE_SLICE = 500;

/** One webhook receiver per --webhook URL (signed with --webhook-secret), one per --alertmanager URL. */
function receiversOf(config: CollectConfig, route: ReceiverConfig['route']): ReceiverConfig[] {
  const webhooks = config.webhook.map((url, i): ReceiverConfig => ({ kind: 'webhook', name: `webhook-${i + 1}`, url, secret: config.webhookSecret, route }));
  const managers = config.alertmanager.map((url, i): ReceiverConfig => ({ kind: 'alertmanager', name: `alertmanager-${i + 1}`, url, route }));
  return [...webhooks, ...managers];
}
