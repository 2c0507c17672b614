/**
 * Alerting inside the collector: the rule engine judges the models on a clock tick, the notifier
 * turns its alerts into grouped, deduplicated, retried notifications, and the state that must
 * survive a restart (engine state, notification log, silences) is kept in ZooKeeper.
 * Wiring only: the decisions live in alerts/engine, alerts/notify and alerts/silences.
 */
import type { Router } from 'express';
import { asyncScheduler, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { DomainEvent } from '../collector/model/domain-events.ts';
import type { ClusterModel } from '../collector/model/types.ts';
import type { WatchEvent } from '../collector/watch/events.ts';
import type { Point } from '../collector/influx/line-protocol.ts';
import type { AlertsConfig } from './config.ts';
import { aclsFor, digestId } from '../zk/acl.ts';
import { clientSource, ZkOps, type Client } from '../zk/ops.ts';
import type { LayoutCapabilities } from '../contract/layout.ts';
import { ruleApplicability, type RuleApplicability } from './rules/applicability.ts';
import { createAlertEngine, serializeEngineState, type EngineState, type EnsembleFeed } from './engine/index.ts';
import { Notifier, type NotificationRecord } from './notify/notifier.ts';
import type { ReceiverConfig } from './notify/config.ts';
import type { HttpPost } from './notify/http-post.ts';
import type { NflogSnapshot } from './notify/nflog.ts';
import { Silences } from './silences/silences.ts';
import type { Silence } from './silences/types.ts';
import { ZkStateStore } from './store/zk-state-store.ts';
import { ENGINE_KEY, NFLOG_KEY, NOTIFIER_MERGES, SILENCES_KEY } from './store/merges.ts';
import { secureStateNodes } from './store/state-acls.ts';
import { mergeEngineByUnit } from './store/engine-merge.ts';
import { decodeEngine, decodeNflog, decodeSilences } from './store/stored-values.ts';
import { alertsRouter } from './http/alerts-router.ts';
import { silencesRouter } from './http/silences-router.ts';
import type { AlertInstance } from './types.ts';

export interface AlertingLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error?(obj: object, msg: string): void;
}

export interface AlertingOptions {
  config: AlertsConfig;
  receivers: readonly ReceiverConfig[];
  domainEvents$: Observable<DomainEvent>;
  watchEvents$: Observable<WatchEvent>;
  getModels: () => readonly ClusterModel[];
  /** each cluster's layout capabilities: the rules a layout cannot feed are off for it (default: all on) */
  capabilities?: ReadonlyMap<string, LayoutCapabilities>;
  /** the ensemble poller's latest polls (`latestEnsembles()`): the ZooKeeper* rules; absent = none judged */
  ensembles?: EnsembleFeed;
  /** the one clock of rules and notifier: asyncScheduler live, a virtual-time scheduler in replay */
  scheduler?: SchedulerLike;
  /** where state is persisted; none (replay, tests) keeps it in memory only */
  zkClient?: () => Client;
  /**
   * the collector's digest credentials (`--zk-auth user:password`): the state nodes it creates get its
   * ACL (its identity all, the world read), and wider ones are fixed at start-up (docs/security.md)
   */
  zkAuth?: string;
  apiToken?: string;
  externalURL?: string;
  /** `alert` measurement points */
  writePoints?: (points: Point[]) => void;
  onNotification?: (n: NotificationRecord) => void;
  post?: HttpPost;
  /** jitter source for retries (replay makes it deterministic) */
  random?: () => number;
  newDeliveryId?: () => string;
  /**
   * haMode shard: the unit an alert belongs to (its cluster, or `ensemble:<name>`). With it the
   * notifier is fed only the alerts of the units in scope (setScope), and alerts of no unit not at all.
   */
  unitOf?: (labels: Readonly<Record<string, string>>) => string | null;
  /**
   * whether the collector's session is connected right now: read when the engine starts (after the
   * state is restored), since the connection event may have passed by then; per ensemble (`default` or a
   * name of clusterEnsembles)
   */
  isConnected?: (ensemble: string) => boolean;
  /** cluster → ensemble for the clusters not on `default` (their CollectorDisconnected follows their own session) */
  clusterEnsembles?: ReadonlyMap<string, string>;
  log?: AlertingLog;
}

const STATE_KEYS = [ENGINE_KEY, NFLOG_KEY, SILENCES_KEY] as const;

/** how long stopping waits for a notification in flight to be answered (its receiver's timeout may be longer) */
const INFLIGHT_DEADLINE_MS = 5000;

/** how long stopping waits for the last state writes when ZooKeeper does not answer */
const STORE_CLOSE_DEADLINE_MS = 3000;

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * How long loading the alert state may take. Requests made before the collector's first connection
 * can be lost with a client the session replaces: the caller tries again rather than waiting forever.
 */
const LOAD_DEADLINE_MS = 10_000;

async function loadWithin(work: Promise<Map<string, unknown>>, ms: number): Promise<Map<string, unknown>> {
  const loaded = await withDeadline(work, ms);
  if (loaded === undefined) throw new Error(`loading the alert state from ZooKeeper took longer than ${ms} ms`);
  return loaded;
}

/** the deadline of each of the state store's ZooKeeper requests */
const STATE_REQUEST_TIMEOUT_MS = 10_000;

export class Alerting {
  private current: readonly AlertInstance[] = [];
  readonly silences: Silences;
  private notifier: Notifier | null = null;
  private store: ZkStateStore | null = null;
  private sub: Subscription | null = null;
  private readonly scheduler: SchedulerLike;
  private lastState: EngineState | null = null;
  private evaluated!: () => void;
  /** resolves after the engine's first evaluation (haMode shard: a joiner is ready only after it) */
  readonly firstEvaluation: Promise<void> = new Promise((resolve) => (this.evaluated = resolve));
  private aclsChecked = false;
  /** a silence was made while there was no store to write it to */
  private silencesUnsaved = false;
  /** the latest state serialized, and which state that was */
  private serialized: { state: EngineState; text: string } | null = null;
  /**
   * The engine state as the store writes it: the latest state, serialized when its write starts (once per
   * state). Serializing it at every evaluation with a transition held up the event loop for tens of ms per
   * second once thousands of alerts were kept (a HeartbeatStale storm over 10,000 workers, bench/load).
   */
  private readonly engineText = (): string => {
    // saved only once an evaluation has set lastState (it is never unset)
    const state = this.lastState!;
    if (this.serialized?.state !== state) this.serialized = { state, text: serializeEngineState(state) };
    return this.serialized.text;
  };
  /** haMode shard: the units whose alerts reach the notifier (null: every alert, single mode) */
  private scope: ReadonlySet<string> | null;
  /** setScope steps run one at a time */
  private scoping: Promise<void> = Promise.resolve();
  /** haMode shard: the engine state as last stored (ours merged), so a write keeps the other units' */
  private storedEngine: unknown = null;
  /** the latest setScope's units */
  private wantedScope: ReadonlySet<string> = new Set();

  /** the state store's ZooKeeper requests, each on the session's current client (the session rebuilds clients) */
  private readonly zk: ZkOps | null;

  constructor(private readonly opts: AlertingOptions) {
    this.scheduler = opts.scheduler ?? asyncScheduler;
    this.zk = opts.zkClient ? new ZkOps(clientSource(opts.zkClient), { timeoutMs: STATE_REQUEST_TIMEOUT_MS }) : null;
    this.silences = new Silences({ onChange: (snapshot) => this.persist(SILENCES_KEY, snapshot, true) });
    this.scope = opts.unitOf ? new Set() : null;
  }

  /** The alerts the notifier may see: all of them, or (shard) those of the units in scope. */
  private scoped(alerts: readonly AlertInstance[]): readonly AlertInstance[] {
    const scope = this.scope;
    const unitOf = this.opts.unitOf;
    if (scope === null || !unitOf) return alerts;
    return alerts.filter((a) => {
      const unit = unitOf(a.labels);
      return unit !== null && scope.has(unit);
    });
  }

  /** haMode shard: the units this collector acts for now (see setScope) */
  get scopeUnits(): ReadonlySet<string> | null {
    return this.scope;
  }

  /**
   * haMode shard: notify for exactly these units from now on. Units leaving the scope stop at once
   * (synchronously, before this returns its promise): their alerts are FORGOTTEN by the notifier — its
   * groups dropped without a resolved notice, since the alert did not resolve, it moved. The promise
   * then waits (bounded) for a delivery in flight and writes the notification log, so the next owner
   * finds it. Units entering the scope first get the notification log re-read from ZooKeeper and merged,
   * and only then reach the notifier, which sends only what that log does not record as sent.
   */
  setScope(units: ReadonlySet<string>): Promise<void> {
    if (this.scope === null) return Promise.resolve();
    const next = new Set(units);
    this.wantedScope = next;
    // narrowing is immediate: acting must stop before the caller may delete an owner node
    const removed = [...this.scope].some((u) => !next.has(u));
    this.scope = new Set([...this.scope].filter((u) => next.has(u)));
    this.notifier?.update(this.scoped(this.current));
    const step = this.scoping.then(() => this.widen(next, removed));
    this.scoping = step.catch(() => undefined);
    return step;
  }

  private async widen(next: ReadonlySet<string>, removed: boolean): Promise<void> {
    const narrowed = this.scope ?? new Set<string>();
    const notifier = this.notifier;
    if (removed) {
      // a delivery in flight for a released unit: its log entry must be written before the next owner reads
      if (notifier) await withDeadline(notifier.idle(), INFLIGHT_DEADLINE_MS).catch(() => undefined);
      if (this.store) await withDeadline(this.store.flush(), STORE_CLOSE_DEADLINE_MS).catch(() => undefined);
    }
    const wanted = new Set([...next].filter((u) => this.wantedScope.has(u)));
    const added = [...wanted].filter((u) => !narrowed.has(u));
    if (added.length > 0 && this.store) {
      // what the unit's previous owner sent: merged before any of its alerts reaches our notifier
      const stored = await loadWithin(this.store.load(), LOAD_DEADLINE_MS);
      const nflog = this.absorb(stored);
      if (nflog) this.notifier?.mergeNflog(nflog);
    }
    // a narrower setScope may have come meanwhile: only what is still wanted is added
    this.scope = new Set([...(this.scope ?? []), ...added.filter((u) => this.wantedScope.has(u))]);
    this.notifier?.update(this.scoped(this.current));
  }

  /** The current alert instances (pending, firing, resolved within retention). */
  alerts(): readonly AlertInstance[] {
    return this.current;
  }

  /**
   * Restore persisted state (when a store is configured), then start judging and notifying.
   * With `notify: false` (an HA standby) the engine judges on its own models, but nothing is sent and
   * nothing is written until activate(): the standby's rule memory stays warm, so a takeover knows
   * every incident the active knew, even one whose state the active had no time to write.
   */
  async start(options: { notify?: boolean } = {}): Promise<void> {
    const notify = options.notify ?? true;
    let initialState: EngineState | undefined;
    let nflog: NflogSnapshot | undefined;
    if (this.opts.zkClient) {
      const store = this.createStore();
      const stored = await loadWithin(this.secureAndLoad(store), LOAD_DEADLINE_MS);
      // checked by decodeEngine; a refused one was logged and the engine starts fresh
      initialState = stored.get(ENGINE_KEY) as EngineState | undefined;
      if (initialState) this.storedEngine = serializeEngineState(initialState);
      nflog = this.absorb(stored);
      if (notify) this.store = store;
      if (notify) this.persistEarlySilences();
    }
    if (notify) this.notifier = this.createNotifier(nflog);
    const engine = createAlertEngine({
      domainEvents$: this.opts.domainEvents$,
      watchEvents$: this.opts.watchEvents$,
      getModels: this.opts.getModels,
      capabilities: this.opts.capabilities,
      ...(this.opts.ensembles ? { ensembles: this.opts.ensembles } : {}),
      config: this.opts.config,
      scheduler: this.scheduler,
      initialState,
      ...(this.opts.clusterEnsembles ? { clusterEnsembles: this.opts.clusterEnsembles } : {}),
      initiallyConnected: (ensemble) => this.opts.isConnected?.(ensemble) ?? false,
    });
    this.sub = engine.evaluations$.subscribe((evaluation) => {
      this.current = evaluation.alerts;
      this.lastState = evaluation.state;
      this.evaluated();
      this.notifier?.update(this.scoped(evaluation.alerts));
      // a transition to or from firing is written at once: a restart must find it, or it would
      // never send the resolve of an alert it does not know was firing
      const urgent = evaluation.transitions.some((t) => t.to === 'firing' || t.from === 'firing');
      if (this.store && evaluation.transitions.length > 0) this.persist(ENGINE_KEY, this.engineText, urgent);
    });
  }

  /** whether this instance sends notifications (and writes state) */
  get notifying(): boolean {
    return this.notifier !== null;
  }

  /**
   * Start notifying (an HA standby became active): load the notification log and silences the previous
   * active wrote, then hand the current alerts to a new notifier, which skips what was already sent.
   */
  async activate(): Promise<void> {
    if (this.notifier) return;
    let nflog: NflogSnapshot | undefined;
    if (this.opts.zkClient) {
      const store = this.createStore();
      nflog = this.absorb(await loadWithin(this.secureAndLoad(store), LOAD_DEADLINE_MS));
      this.store = store;
      this.persistEarlySilences();
    }
    this.notifier = this.createNotifier(nflog);
    this.notifier.update(this.scoped(this.current));
    if (this.lastState) this.persist(ENGINE_KEY, this.engineText, true);
  }

  /** Stop notifying and writing state (HA: no longer active); the engine keeps judging. */
  async deactivate(): Promise<void> {
    const notifier = this.notifier;
    notifier?.stop();
    this.notifier = null;
    // A delivery in flight may already have reached the receiver: wait (bounded) for its answer, so
    // that its notification-log entry is among the writes below. Without it, a collector restarted
    // from this state would not know the notice was sent, and would never send its resolve.
    if (notifier) await withDeadline(notifier.idle(), INFLIGHT_DEADLINE_MS).catch(() => undefined);
    const store = this.store;
    this.store = null;
    // writing what is pending needs ZooKeeper; when it is unreachable, do not wait forever
    if (store) await withDeadline(store.close(), STORE_CLOSE_DEADLINE_MS).catch(() => undefined);
  }

  private createStore(): ZkStateStore {
    const now = () => this.scheduler.now();
    return new ZkStateStore({
      zk: this.zk!,
      path: this.opts.config.statePath,
      acls: aclsFor(this.opts.zkAuth).node,
      keys: STATE_KEYS,
      decode: { [ENGINE_KEY]: decodeEngine, [NFLOG_KEY]: decodeNflog(now), [SILENCES_KEY]: decodeSilences(now) },
      onRefused: (node, reason) => this.opts.log?.warn({ node, reason }, 'refused stored alert state: left out, the next write replaces it'),
      merge: this.opts.unitOf ? { ...NOTIFIER_MERGES, [ENGINE_KEY]: (ours, theirs) => this.mergeEngine(ours, theirs) } : NOTIFIER_MERGES,
      onMerged: (key, merged) => {
        if (key === ENGINE_KEY) this.storedEngine = merged;
        if (key === NFLOG_KEY) this.notifier?.mergeNflog(merged as NflogSnapshot);
        if (key === SILENCES_KEY) this.silences.merge(merged as Silence[]);
      },
      onError: (err) => this.opts.log?.warn({ err: err.message }, 'alert state store write failed'),
      scheduler: this.scheduler,
    });
  }

  /**
   * With --zk-auth, the state nodes' ACLs are checked (and fixed where the collector has ADMIN) before
   * the first load; what cannot be fixed is said once, loudly.
   */
  private async secureAndLoad(store: ZkStateStore): Promise<Map<string, unknown>> {
    const auth = this.opts.zkAuth;
    if (auth && !this.aclsChecked) {
      const path = this.opts.config.statePath;
      const report = await secureStateNodes(this.zk!, path, STATE_KEYS, aclsFor(auth).node, digestId(auth));
      this.aclsChecked = true;
      if (report.fixed.length > 0) {
        this.opts.log?.warn({ nodes: report.fixed }, 'alert state nodes were writable by others: their ACL is now the collector\'s (its identity all, the world read)');
      }
      if (report.wide.length > 0) {
        const log = this.opts.log;
        (log?.error ?? log?.warn)?.call(
          log,
          { nodes: report.wide },
          `alert state nodes under ${path} are writable by others and the collector cannot fix them: anyone may change its silences and notification log. ` +
            `Set their ACL to the collector's digest identity (all) and world:anyone (read), or delete them (docs/security.md)`,
        );
      }
    }
    return store.load();
  }

  /** The API serves before the state is loaded: silences made meanwhile are written once the store is there. */
  private persistEarlySilences(): void {
    if (this.silencesUnsaved) this.persist(SILENCES_KEY, this.silences.snapshot(), true);
  }

  /** Takes the silences from loaded state; returns its notification log. */
  private absorb(stored: Map<string, unknown>): NflogSnapshot | undefined {
    const silences = stored.get(SILENCES_KEY);
    if (Array.isArray(silences)) this.silences.merge(silences as Silence[]);
    return Array.isArray(stored.get(NFLOG_KEY)) ? (stored.get(NFLOG_KEY) as NflogSnapshot) : undefined;
  }

  private createNotifier(nflog: NflogSnapshot | undefined): Notifier {
    return new Notifier({
      receivers: this.opts.receivers,
      retry: this.opts.config.retry,
      silences: () => this.silences.list(),
      scheduler: this.scheduler,
      externalURL: this.opts.externalURL,
      nflog,
      onNflogChange: (snapshot) => this.persist(NFLOG_KEY, snapshot, true),
      onPoints: this.opts.writePoints,
      onNotification: this.opts.onNotification,
      post: this.opts.post,
      random: this.opts.random,
      newDeliveryId: this.opts.newDeliveryId,
      log: this.opts.log ? (level, message, fields) => this.opts.log?.[level === 'debug' ? 'info' : level](fields ?? {}, message) : undefined,
    });
  }

  /** `GET /api/alerts` and the silences API, for the collector's HTTP app. */
  /** Every rule with whether it runs for this cluster of this layout, and why not (rules/applicability.ts). */
  rulesFor(cluster: string, layout: { readonly name: string; readonly capabilities: LayoutCapabilities }): RuleApplicability[] {
    return ruleApplicability(cluster, layout, this.opts.config);
  }

  routers(): Router[] {
    return [
      alertsRouter({ getAlerts: () => this.current }),
      silencesRouter({ silences: this.silences, apiToken: this.opts.apiToken, now: () => this.scheduler.now() }),
    ];
  }

  /** Resolves when no notification is in flight or waiting for a retry. */
  idle(): Promise<void> {
    return this.notifier?.idle() ?? Promise.resolve();
  }

  /**
   * Sent notices must never be re-sent after a restart: the notification log and silences are
   * written at once; the engine state follows its transitions (debounced by the store).
   */
  /** haMode shard: ours for the units acted for, the stored value for the rest */
  private mergeEngine(ours: unknown, theirs: unknown): string {
    const scope = this.scope ?? new Set<string>();
    return mergeEngineByUnit(ours, theirs, (u) => scope.has(u), this.opts.unitOf!);
  }

  private persist(key: string, value: unknown, now: boolean): void {
    // shard: merged with the other units' stored state now (a lazily serialized state is serialized here)
    if (key === ENGINE_KEY && this.opts.unitOf) {
      const ours = typeof value === 'function' ? (value as () => unknown)() : value;
      value = this.storedEngine = this.mergeEngine(ours, this.storedEngine ?? { version: 0, alerts: [], memory: [] });
    }
    if (!this.store) {
      if (key === SILENCES_KEY) this.silencesUnsaved = true;
      return;
    }
    if (key === SILENCES_KEY) this.silencesUnsaved = false;
    this.store.save(key, value);
    if (now) void this.store.flush().catch((err: unknown) => this.opts.log?.warn({ err: String(err) }, 'alert state store write failed'));
  }

  /** Stop judging and notifying, and write what is pending. */
  async stop(): Promise<void> {
    this.sub?.unsubscribe();
    this.sub = null;
    await this.deactivate();
  }
}
