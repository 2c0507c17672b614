/**
 * The running collector, the composition root: the data plane (collector/: ZooKeeper watch → models →
 * InfluxDB, metrics, recording), alerting (alerts/), the HA role (ha/), and the HTTP API mounting both
 * (http.ts); their start and stop order. Wiring only: each decision lives in its own module.
 */
import { asyncScheduler, type SchedulerLike, type Subject, type Subscription } from 'rxjs';
import type { DestinationStream, Logger } from 'pino';
import { createLogger } from '../collector/logger.ts';
import { secretsOf } from '../collector/http/log-redaction.ts';
import type { CollectConfig } from '../collector/config.ts';
import { DEFAULT_HA_PATH, DEFAULT_SHARD_REPLICAS } from '../collector/config/schema.ts';
import { DataPlane } from '../collector/data-plane.ts';
import type { ZkSession } from '../zk/session.ts';
import { SESSION_CLOSE_DEADLINE_MS } from '../zk/close-client.ts';
import type { ClusterWatch } from '../collector/watch/cluster-watch.ts';
import type { WatchEvent } from '../collector/watch/events.ts';
import type { DomainEvent } from '../collector/model/domain-events.ts';
import type { ClusterModel } from '../collector/model/types.ts';
import type { InfluxWriter } from '../collector/influx/writer.ts';
import type { CollectorStats } from '../collector/influx/points.ts';
import type { CollectorMetrics } from '../collector/metrics.ts';
import type { RunningHttpServer } from '../collector/http/server.ts';
import type { Alerting } from '../alerts/service.ts';
import { DEFAULT_ENSEMBLE_POLL_MS } from '../collector/ensemble/poller.ts';
import { createAlerting } from './alerting.ts';
import { Timers, withDeadline } from './timers.ts';
import { CollectorElection } from './ha/collector-election.ts';
import { RoleSwitch } from './ha/role-switch.ts';
import type { CollectorRole } from './ha/role.ts';
import type { CollectorInfoWithShard } from './collector-router.ts';
import { EnsembleWatch } from './ensembles.ts';
import type { EnsembleSnapshot } from '../collector/ensemble/types.ts';
import { ShardCoordinator } from './shard/shard-coordinator.ts';
import { ENSEMBLE_UNIT_PREFIX, unitOfLabels, unitsOf } from './shard/ownership.ts';
import type { ShardInfo } from './collector-router.ts';

/** the one flush attempt of alert state and InfluxDB points when stopping (both at once) */
export const STOP_FLUSH_DEADLINE_MS = 2000;
/** how long Collector.stop() takes at most: the flush, the session's close, and a margin for the rest */
export const STOP_DEADLINE_MS = STOP_FLUSH_DEADLINE_MS + SESSION_CLOSE_DEADLINE_MS + 1000;

/** how long to wait before trying again to start alerting (its state could not be loaded) */
const ALERTING_RETRY_MS = 1000;

export interface CollectorOptions {
  config: CollectConfig;
  /**
   * the clock of the collector's own timers (gauge ticks, rule and notifier timers, retries, the stop
   * deadline); default asyncScheduler
   */
  scheduler?: SchedulerLike;
  /** the time of watch events and API answers (default the scheduler's) */
  now?: () => number;
  /** default: createLogger with this config's secrets redacted, to `logDestination` (stdout) */
  logger?: Logger;
  logDestination?: DestinationStream;
  logLevel?: string;
  /** start the HTTP server (default true) */
  http?: boolean;
}

export class Collector {
  readonly config: CollectConfig;
  readonly log: Logger;
  /** watch → models → points, metrics and the recording (collector/data-plane.ts) */
  readonly data: DataPlane;
  readonly alerting: Alerting;
  /** the HA election (`ha: true`, haMode single), null otherwise */
  readonly election: CollectorElection | null;
  /** haMode shard: the share of the units this collector owns and keeps warm (server/shard), null otherwise */
  readonly shard: ShardCoordinator | null;
  /** haMode shard: alerting started and notifying for its scope (a joiner says ready only after it) */
  private shardAlerting: Promise<void> | null = null;
  /** the poll of the ensembles' servers (docs/contract.md §10) */
  readonly ensembles: EnsembleWatch;
  private readonly scheduler: SchedulerLike;
  private readonly now: () => number;
  private readonly roles: RoleSwitch;
  /** retries, cancelled by stop() */
  private readonly timers: Timers;
  private alertingStart: Promise<void> | null = null;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private http: RunningHttpServer | null = null;
  private readonly subs: Subscription[] = [];

  constructor(options: CollectorOptions) {
    this.config = options.config;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.now = options.now ?? (() => this.scheduler.now());
    this.timers = new Timers(this.scheduler);
    this.log =
      options.logger ??
      createLogger({ format: this.config.logFormat, secrets: secretsOf(this.config), destination: options.logDestination, level: options.logLevel });
    const sharded = this.config.haMode === 'shard';
    // HA: only the active collector notifies and writes; a standby keeps its models warm and serves reads.
    // Shard: each cluster's points are written by the collector acting for it; the `collector` point by each.
    this.data = new DataPlane({
      config: this.config,
      log: this.log,
      scheduler: this.scheduler,
      now: this.now,
      writable: (cluster) => (this.shard ? cluster === null || this.shard.acting.has(cluster) : this.role === 'active'),
      // shard: a member watches only its share, which the coordinator hands it (watchUnits)
      ...(sharded ? { watching: new Set<string>() } : {}),
    });
    this.ensembles = new EnsembleWatch(this.data, { scheduler: this.scheduler, now: this.now, log: this.log });
    this.alerting = createAlerting({
      data: this.data,
      scheduler: this.scheduler,
      log: this.log,
      // a poll older than 3 periods freezes its ensemble's alerts (alerts/README.md, the ensemble rules)
      ensembles: { latest: () => this.ensembles.latest(), staleAfterMs: 3 * (this.config.ensemblePollMs ?? DEFAULT_ENSEMBLE_POLL_MS) },
      ...(sharded ? { unitOf: unitOfLabels } : {}),
    });
    this.shard = sharded
      ? new ShardCoordinator({
          session: this.data.session,
          haPath: this.haPath,
          instance: this.config.instance,
          units: unitsOf(Object.keys(this.config.clusters), ['default', ...Object.keys(this.config.ensembles ?? {})]),
          replicas: this.config.shardReplicas ?? DEFAULT_SHARD_REPLICAS,
          http: () => this.url,
          auth: this.config.zkAuth,
          requestTimeoutMs: this.config.probeTimeoutMs,
          now: this.now,
          scheduler: this.scheduler,
          watch: (units) => this.watchUnits(units),
          act: (units) => this.alerting.setScope(units),
          log: this.log,
        })
      : null;
    this.election = this.config.ha && !sharded
      ? new CollectorElection({
          session: this.data.session,
          path: this.haPath,
          id: this.config.instance,
          auth: this.config.zkAuth,
          requestTimeoutMs: this.config.probeTimeoutMs,
          now: this.now,
          scheduler: this.scheduler,
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
      later: (ms, fn) => this.timers.later(ms, fn),
    });
  }

  private get haPath(): string {
    return this.config.haPath ?? DEFAULT_HA_PATH;
  }

  /** the ZooKeeper session (the data plane's) */
  get session(): ZkSession {
    return this.data.session;
  }

  get watch(): ClusterWatch {
    return this.data.watch;
  }

  /** domain events derived from the watch stream, in order */
  get events$(): Subject<DomainEvent> {
    return this.data.events$;
  }

  /** the raw watch events (what `--record` writes) */
  get watchEvents$(): Subject<WatchEvent> {
    return this.data.watchEvents$;
  }

  get metrics(): CollectorMetrics {
    return this.data.metrics;
  }

  get writer(): InfluxWriter | null {
    return this.data.writer;
  }

  /** 'active' unless this collector is a standby of an HA group; shard: active while acting for ≥ 1 unit. */
  get role(): CollectorRole {
    if (this.shard) return this.shard.acting.size > 0 ? 'active' : 'standby';
    return this.election ? this.roles.role : 'active';
  }

  /** haMode shard: watch these units (the data plane's clusters); resolves once synced and judged. */
  private async watchUnits(units: ReadonlySet<string>): Promise<void> {
    this.data.setWatched(new Set([...units].filter((u) => !u.startsWith(ENSEMBLE_UNIT_PREFIX))));
    await this.data.whenSynced();
    await this.shardAlerting;
    await this.alerting.firstEvaluation;
  }

  /** haMode shard: where each unit is, for the API */
  shardInfo(): ShardInfo | null {
    const shard = this.shard;
    if (!shard) return null;
    const members = shard.members();
    const httpOf = new Map(members.map((m) => [m.id, m.http]));
    return {
      owned: [...shard.acting].sort(),
      watched: [...shard.watched].sort(),
      ready: shard.ready,
      members: members.map((m) => ({ id: m.id, ready: m.ready, http: m.http })),
      owners: Object.fromEntries([...shard.owners()].sort(([a], [b]) => (a < b ? -1 : 1))),
      elsewhere: Object.keys(this.config.clusters)
        .filter((c) => !shard.acting.has(c))
        .sort()
        .map((name) => {
          const owner = shard.owners().get(name) ?? null;
          return { name, owner, http: owner ? (httpOf.get(owner) ?? null) : null };
        }),
      problem: shard.problem,
      pending: shard.pendingView(),
    };
  }

  /** Resolves when no role change (alert state load or write) is in progress. */
  roleSettled(): Promise<void> {
    return this.roles.idle();
  }

  info(): CollectorInfoWithShard {
    return {
      instance: this.config.instance,
      ha: this.config.ha === true,
      role: this.role,
      haPath: this.config.ha ? this.haPath : null,
      session: this.session.sessionId,
      connected: this.session.connected,
      epoch: this.election?.epoch ?? null,
      ...(this.shard ? { haMode: 'shard' as const, ...this.shardInfo()! } : this.config.ha ? { haMode: 'single' as const } : {}),
    };
  }

  /** the latest poll of each ensemble (for the ensemble rules) */
  latestEnsembles(): readonly EnsembleSnapshot[] {
    return this.ensembles.latest();
  }

  /** Start watching, writing and serving. Resolves once the HTTP server listens (not waiting for ZooKeeper). */
  async start(options: { http?: boolean } = {}): Promise<void> {
    this.data.start();
    this.ensembles.start();
    if (this.election) {
      this.subs.push(this.election.role$.subscribe((role) => void this.roles.want(role)));
      this.election.start();
    }
    if (this.shard) {
      // the engine judges from the start; the notifier exists at once but sees only the units acted for
      this.shardAlerting = new Promise<void>((resolve) => this.keepStartingShardAlerting(resolve));
    } else {
      // restoring alert state waits for ZooKeeper; the API must not wait for it
      this.keepStartingAlerting(!this.election);
    }
    if (options.http !== false) {
      // loaded only now: the routes' modules are evaluated while the session connects (bench/cold-start)
      const { startApi } = await import('./http.ts');
      this.http = await startApi({
        data: this.data,
        alerting: this.alerting,
        role: () => this.role,
        info: () => this.info(),
        now: this.now,
        scheduler: this.scheduler,
        log: this.log,
        routers: [this.ensembles.router()],
        ...(this.shard ? { placement: () => this.shardInfo()! } : {}),
        onScrape: () => this.ensembles.refreshMetrics(),
      });
      this.log.info({ url: this.http.url }, 'zkpulse collector listening');
    }
    // after the API listens: the member node carries its URL
    this.shard?.start();
  }

  /** haMode shard: alerting started (judging) and its notifier made (scope empty until units are claimed), retried. */
  private keepStartingShardAlerting(done: () => void): void {
    this.startAlerting(false)
      .then(() => this.alerting.activate())
      .then(done, (err: unknown) => {
        if (this.stopping) return;
        this.log.warn({ err: String(err) }, 'alerting failed to start (its state is kept in ZooKeeper); trying again in 1 s');
        this.timers.later(ALERTING_RETRY_MS, () => !this.stopping && this.keepStartingShardAlerting(done));
      });
  }

  /** Base URL of the HTTP API, once started. */
  get url(): string | null {
    return this.http?.url ?? null;
  }

  /** Resolves when the sync started by the latest (re)connect has finished. */
  whenSynced(): Promise<void> {
    return this.data.whenSynced();
  }

  model(name: string): ClusterModel | undefined {
    return this.data.model(name);
  }

  stats(): CollectorStats {
    return this.data.stats();
  }

  /** Alerting.start() once (retried after a failure): with notify false it judges but does not send. */
  private startAlerting(notify: boolean): Promise<void> {
    this.alertingStart ??= this.alerting.start({ notify }).catch((err: unknown) => {
      this.alertingStart = null;
      throw err;
    });
    return this.alertingStart;
  }

  /** Start alerting, and try again every second while its state cannot be loaded (never give up on it). */
  private keepStartingAlerting(notify: boolean): void {
    const connectedAtStart = this.session.connected;
    this.startAlerting(notify).catch((err: unknown) => {
      if (this.stopping) return;
      // alert state lives in ZooKeeper: without a session it cannot load, which the connection lines already say
      const why = connectedAtStart && this.session.connected ? 'error' : 'debug';
      this.log[why]({ err: String(err) }, 'alerting failed to start (its state is kept in ZooKeeper); trying again in 1 s');
      this.timers.later(ALERTING_RETRY_MS, () => !this.stopping && this.keepStartingAlerting(notify));
    });
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
    this.timers.cancelAll();
    this.ensembles.stop();
    for (const s of this.subs) s.unsubscribe();
    this.data.detach();
    await this.http?.close();
    await Promise.all([
      withDeadline(this.stopAlerting(), STOP_FLUSH_DEADLINE_MS, this.scheduler).then((done) => {
        if (!done) this.log.warn({ deadlineMs: STOP_FLUSH_DEADLINE_MS }, 'alert state not written before the stop deadline (ZooKeeper unreachable?)');
      }),
      this.data.flush(STOP_FLUSH_DEADLINE_MS, wasActive),
    ]);
    await this.data.close();
  }

  private async stopAlerting(): Promise<void> {
    try {
      if (this.shard) {
        // hand over cleanly: stop acting, flush, delete our owner and member nodes: the others take over at once
        await this.shard.stop();
      }
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
}
