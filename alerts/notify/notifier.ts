/**
 * The notifier pipeline: inhibit → silence → group → dedupe (notification log) → retry → deliver.
 * `update(alerts)` takes the rule engine's full current list after each evaluation; aggregation
 * groups per receiver flush on group_wait / group_interval timers from the injected RxJS scheduler
 * (asyncScheduler live, replay's virtual clock in replay and tests).
 * Decisions are the pure functions next to this file; this class holds the state and does the I/O.
 */
import { randomUUID } from 'node:crypto';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { Point } from '../../collector/influx/line-protocol.ts';
import type { Silence } from '../silences/types.ts';
import type { AlertInstance } from '../types.ts';
import {
  DEFAULT_INHIBIT_RULES,
  DEFAULT_RETRY,
  routeOf,
  type InhibitRule,
  type ReceiverConfig,
  type RetryPolicy,
  type RouteTiming,
} from './config.ts';
import { needsUpdate } from './dedupe.ts';
import { deliverWithRetry } from './deliver.ts';
import { firstFlushDelay, groupAlerts, type AlertGroup } from './groups.ts';
import { fetchPost, type HttpPost } from './http-post.ts';
import { muteAlerts } from './mute.ts';
import { NotificationLog, type NflogSnapshot } from './nflog.ts';
import { alertPoints, transitions } from './points.ts';
import { buildRequest } from './request.ts';

export type NotifierLog = (level: 'debug' | 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;

/** What one flush did, for logs, tests and `zkpulse replay`. */
export interface NotificationRecord {
  receiver: string;
  groupKey: string;
  /** the alerts sent (muted and, without send_resolved, resolved ones left out) */
  alerts: AlertInstance[];
  deliveryId: string;
  ok: boolean;
  attempts: number;
  reason: string;
  /** when the flush decided to send, ms */
  at: number;
}

export interface NotifierOptions {
  receivers: readonly ReceiverConfig[];
  /** default DEFAULT_INHIBIT_RULES (CollectorDisconnected mutes the rest of its cluster) */
  inhibitRules?: readonly InhibitRule[];
  /** the current silences (e.g. () => silences.list()) */
  silences?: () => Iterable<Silence>;
  /** the clock and the timers (now(), schedule(work, delay)); default asyncScheduler */
  scheduler?: SchedulerLike;
  retry?: Partial<RetryPolicy>;
  /** in [0,1), for backoff jitter */
  random?: () => number;
  newDeliveryId?: () => string;
  /** the collector's base URL, for externalURL/generatorURL */
  externalURL?: string;
  /** the notification log restored from the state store */
  nflog?: NflogSnapshot;
  /** called after each change of the notification log (persist it) */
  onNflogChange?: (snapshot: NflogSnapshot) => void;
  /** InfluxDB points for each alert's firing/resolved transition */
  onPoints?: (points: Point[]) => void;
  onNotification?: (n: NotificationRecord) => void;
  post?: HttpPost;
  log?: NotifierLog;
}

interface GroupState {
  receiver: ReceiverConfig;
  route: RouteTiming;
  groupKey: string;
  groupLabels: Record<string, string>;
  /** the next flush */
  timer: Subscription | null;
  busy: boolean;
  removed: boolean;
  /** resolved alerts already notified (fingerprint → endsAt): left out of later flushes */
  doneResolved: Map<string, number>;
}

export class Notifier {
  private latest: readonly AlertInstance[] = [];
  private readonly groups = new Map<string, GroupState>();
  private readonly nflog: NotificationLog;
  private readonly scheduler: SchedulerLike;
  private readonly policy: RetryPolicy;
  private readonly seen = new Map<string, 'firing' | 'resolved'>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: NotifierOptions) {
    const names = new Set<string>();
    for (const r of options.receivers) {
      if (names.has(r.name)) throw new Error(`notifier: two receivers named ${JSON.stringify(r.name)}`);
      names.add(r.name);
    }
    this.nflog = new NotificationLog(options.nflog ?? []);
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** The rule engine's full current list (pending, firing, resolved), after each evaluation. */
  update(alerts: readonly AlertInstance[]): void {
    if (this.stopped) return;
    this.latest = alerts;
    const now = this.scheduler.now();
    const changed = transitions(alerts, this.seen);
    if (changed.length > 0) this.options.onPoints?.(alertPoints(changed, now));

    const live = new Set<string>();
    for (const receiver of this.options.receivers) {
      const route = routeOf(receiver);
      for (const group of groupAlerts(alerts, route.groupBy).values()) {
        const id = JSON.stringify([receiver.name, group.groupKey]);
        const existing = this.groups.get(id);
        const members = existing ? this.pending(existing, group) : group.alerts;
        if (members.length === 0) continue;
        live.add(id);
        if (existing) continue;
        const state: GroupState = {
          receiver,
          route,
          groupKey: group.groupKey,
          groupLabels: group.groupLabels,
          timer: null,
          busy: false,
          removed: false,
          doneResolved: new Map(),
        };
        this.groups.set(id, state);
        this.schedule(state, firstFlushDelay(members, route.groupWaitMs, now));
      }
    }
    for (const [id, g] of this.groups) if (!live.has(id)) this.remove(id, g);
  }

  /** Takes in another copy of the log (e.g. ZkStateStore onMerged after another collector wrote). */
  mergeNflog(snapshot: NflogSnapshot): void {
    this.nflog.merge(snapshot);
  }

  /** Resolves when no flush is running (deliveries included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Cancels all timers; running deliveries finish. */
  stop(): void {
    this.stopped = true;
    for (const [id, g] of this.groups) this.remove(id, g);
  }

  private pending(g: GroupState, group: AlertGroup): AlertInstance[] {
    return group.alerts.filter((a) => !(a.state === 'resolved' && g.doneResolved.get(a.fingerprint) === a.endsAt));
  }

  private remove(id: string, g: GroupState): void {
    g.timer?.unsubscribe();
    g.timer = null;
    g.removed = true;
    this.groups.delete(id);
  }

  private schedule(g: GroupState, ms: number): void {
    g.timer?.unsubscribe();
    g.timer = this.scheduler.schedule(() => this.tick(g), Math.max(0, ms));
  }

  private tick(g: GroupState): void {
    g.timer = null;
    if (g.removed || this.stopped) return;
    // like Alertmanager: the next flush is one group_interval after this one starts
    this.schedule(g, g.route.groupIntervalMs);
    if (g.busy) return;
    g.busy = true;
    const run = this.flush(g)
      .catch((err: unknown) => this.options.log?.('warn', 'notifier: flush failed', { error: String(err) }))
      .finally(() => {
        g.busy = false;
        this.running.delete(run);
      });
    this.running.add(run);
  }

  private async flush(g: GroupState): Promise<void> {
    const log = this.options.log;
    const now = this.scheduler.now();
    const current = groupAlerts(this.latest, g.route.groupBy).get(g.groupKey);
    const members = current ? this.pending(g, current) : [];
    const { kept, muted } = muteAlerts(members, this.latest, this.options.inhibitRules ?? DEFAULT_INHIBIT_RULES, this.options.silences?.() ?? [], now);
    for (const m of muted) log?.('debug', 'notifier: muted', { receiver: g.receiver.name, groupKey: g.groupKey, ...m });
    if (kept.length === 0) return;

    const firing = new Set(kept.filter((a) => a.state === 'firing').map((a) => a.fingerprint));
    const resolved = new Set(kept.filter((a) => a.state === 'resolved').map((a) => a.fingerprint));
    const sendResolved = g.receiver.sendResolved ?? true;
    const entry = this.nflog.query(g.receiver.name, g.groupKey);
    const decision = needsUpdate(entry, firing, resolved, sendResolved, g.route.repeatIntervalMs, now);
    log?.('debug', `notifier: ${decision.send ? 'send' : 'skip'}: ${decision.reason}`, { receiver: g.receiver.name, groupKey: g.groupKey });
    if (!decision.send) return;

    const alerts = sendResolved ? kept : kept.filter((a) => a.state === 'firing');
    const deliveryId = (this.options.newDeliveryId ?? randomUUID)();
    let record: NotificationRecord = { receiver: g.receiver.name, groupKey: g.groupKey, alerts, deliveryId, ok: true, attempts: 0, reason: 'nothing to send', at: now };
    if (alerts.length > 0) {
      const req = buildRequest(g.receiver, { receiver: g.receiver.name, groupKey: g.groupKey, groupLabels: g.groupLabels, alerts, externalURL: this.options.externalURL ?? '' }, deliveryId);
      const result = await deliverWithRetry(req, {
        post: this.options.post ?? fetchPost,
        scheduler: this.scheduler,
        policy: this.policy,
        random: this.options.random ?? Math.random,
        timeoutMs: g.receiver.timeoutMs ?? 10_000,
      });
      record = { ...record, ok: result.ok, attempts: result.attempts, reason: result.reason };
    }
    this.options.onNotification?.(record);
    if (!record.ok) {
      log?.('warn', `notifier: delivery to ${g.receiver.name} failed: ${record.reason}`, { groupKey: g.groupKey, deliveryId, attempts: record.attempts });
      return;
    }
    log?.('info', `notifier: notified ${g.receiver.name}`, { groupKey: g.groupKey, deliveryId, alerts: alerts.length });
    this.nflog.log(g.receiver.name, g.groupKey, [...firing], [...resolved], now);
    for (const a of kept) if (a.state === 'resolved' && a.endsAt !== null) g.doneResolved.set(a.fingerprint, a.endsAt);
    this.options.onNflogChange?.(this.nflog.snapshot());
  }
}
