/**
 * The alert state machine, Prometheus style (rules/alerting.go): per instance
 * inactive → pending (condition true, for not yet elapsed) → firing → resolved (kept for
 * resolvedRetention, then dropped). A pending instance whose condition stops goes back to inactive
 * without a notice; a firing one whose condition stops keeps firing for `keepFiringFor`; a resolved
 * one whose condition comes back starts over at pending.
 *
 * Blindness: while the collector is not connected, or a cluster's model is blind or not yet synced,
 * the rules that read that cluster's ZooKeeper state are FROZEN: they are not evaluated and their
 * instances keep their state (no timer moves them to firing or resolved). Only the retention of
 * resolved instances keeps running. After the resync the real differences are judged once: time
 * spent blind counts for nobody (a new sight clock), but what was firing when sight was lost keeps
 * its clock while the fact it rests on is unchanged (see memory.ts, `regainSight`).
 *
 * Both functions are pure; time comes in as `now`.
 */
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import { ensembleRuleConfig, isEnsembleRule, RULE_NAMES, ruleConfig, type AlertsConfig } from '../config.ts';
import { quorumOf, type Quorum } from '../../collector/ensemble/quorum.ts';
import type { EnsembleSnapshot } from '../../collector/ensemble/types.ts';
import type { EnsembleView } from '../rules/collector-disconnected.ts';
import { fingerprint } from '../fingerprint.ts';
import { collectorDisconnected, ENSEMBLE_RULE_KEYS, ENSEMBLE_RULES, ZK_RULE_NAMES, ZK_RULES, type Condition, type RuleInput, type ZkRuleName } from '../rules/index.ts';
import { emptyMemory, memoryWith } from '../rules/memory.ts';
import { layoutFeeds } from '../rules/applicability.ts';
import type { LayoutCapabilities } from '../../contract/layout.ts';
import type { AlertInstance, AlertName, EnsembleAlertName } from '../types.ts';

/** the ensemble of a cluster that names none: the one of `zk` (docs/contract.md §10) */
const DEFAULT_ENSEMBLE = 'default';
import { observeEvent, reconcileMemory, regainSight, type FiringClocks } from './memory.ts';
import { reconcileRecipes, type RecipeTracking } from './memory-recipes.ts';
import { memoryOf, type AlertPhase, type EngineState, type StoredAlert } from './state.ts';

export interface EvaluationInput {
  models: readonly ClusterModel[];
  /** the collector's ZooKeeper session is connected */
  connected: boolean;
  /** when the current disconnection started; null while connected */
  disconnectedSince: number | null;
  /**
   * The session of each named ensemble (`ensembles.<name>`), by name: a cluster on one (clusterEnsembles) is
   * judged by its session, not the default one's `connected`/`disconnectedSince`. A named ensemble absent
   * here (or no map) follows the default session.
   */
  ensembleConnections?: ReadonlyMap<string, Connection>;
  now: number;
  /**
   * what each cluster's layout can show (contract/layout.ts); a rule its layout cannot feed is not run for
   * it (rules/applicability.ts). A cluster not in the map (or no map) has every capability: zkpulse.
   */
  capabilities?: ReadonlyMap<string, LayoutCapabilities>;
  /**
   * the latest poll of each ZooKeeper ensemble (the server's `latestEnsembles()`); absent (replay, tests): no
   * ensemble rule is judged and CollectorDisconnected keeps its plain text
   */
  ensembles?: readonly EnsembleSnapshot[];
  /** each cluster's ensemble (`clusters.<name>.ensemble`); a cluster not in it is on `default` */
  clusterEnsembles?: ReadonlyMap<string, string>;
  /** a poll older than this (ms) is not judged: its ensemble's alerts are frozen (default ENSEMBLE_STALE_AFTER_MS) */
  ensembleStaleAfter?: number;
  /**
   * The client address of a cluster's ZooKeeper session (its ensemble's connection list), or null when
   * not known; optional (absent: no addresses in the annotations, as in replay). LockHeldTooLong names it.
   */
  addressOf?: (cluster: string, session: string) => string | null;
}

/** One session's state, as the engine tracks it from the connection events. */
export interface Connection {
  connected: boolean;
  disconnectedSince: number | null;
}

/** the default age past which an ensemble poll is too old to judge: 3 polls at the default ensemblePollMs (10 s) */
export const ENSEMBLE_STALE_AFTER_MS = 30_000;

/**
 * The reserved group of an ensemble's alerts in the judged set (they have no `cluster` label). The engine's
 * state (alerts by fingerprint) and the notification log (by group key) are not keyed by cluster, so nothing
 * else needs a key: see alerts/README.md "Ensemble rules".
 */
export const ensembleGroup = (ensemble: string): string => `ensemble:${ensemble}`;

/** The fresh polls by ensemble name, each with its quorum (computed once per evaluation). */
function freshEnsembles(input: EvaluationInput): Map<string, EnsembleView> {
  const out = new Map<string, EnsembleView>();
  const staleAfter = input.ensembleStaleAfter ?? ENSEMBLE_STALE_AFTER_MS;
  for (const snapshot of input.ensembles ?? []) {
    if (input.now - snapshot.time > staleAfter) continue;
    const known = out.get(snapshot.ensemble);
    if (known !== undefined && known.snapshot.time >= snapshot.time) continue;
    out.set(snapshot.ensemble, { snapshot, quorum: quorumOf(snapshot.servers) });
  }
  return out;
}

export interface Transition {
  fingerprint: string;
  labels: StoredAlert['labels'];
  from: AlertPhase;
  to: AlertPhase;
  at: number;
}

export interface Evaluation {
  state: EngineState;
  /** every instance kept: pending, firing and resolved (within retention), in a stable order */
  alerts: AlertInstance[];
  transitions: Transition[];
}

/**
 * Fold one event into the rules' memory. Watch events carry nothing the memory needs (the connection
 * state is an input of `evaluate`). Beat intervals are kept only for the clusters whose HeartbeatStale
 * runs in phi mode.
 */
export function observe(state: EngineState, event: DomainEvent | WatchEvent, now: number, config: AlertsConfig): EngineState {
  if (!('type' in event)) return state;
  const known = state.memory.get(event.cluster);
  const before = known ?? emptyMemory();
  const after = observeEvent(before, event, now, event.type === 'HeartbeatSeen' && keepsIntervals(config, event.cluster));
  // spelt out, not spread: this runs for every domain event
  return after === known ? state : { version: state.version, alerts: state.alerts, memory: state.memory.set(event.cluster, after) };
}

/** Whether a cluster's HeartbeatStale may read beat intervals (phi mode, enabled). */
export function keepsIntervals(config: AlertsConfig, cluster: string): boolean {
  const rc = ruleConfig(config, cluster, 'HeartbeatStale');
  return rc.enabled && rc.mode === 'phi';
}

/** true when the rules reading this cluster's ZooKeeper state must not judge now */
export function isBlind(model: ClusterModel, connected: boolean): boolean {
  return !connected || model.blind || !model.synced;
}

const groupKey = (cluster: string, rule: string): string => `${cluster}\u0000${rule}`;

export function evaluate(prev: EngineState, input: EvaluationInput, config: AlertsConfig): Evaluation {
  const { now } = input;
  let memory = prev.memory;
  /** (cluster, rule) pairs judged this round; the instances of the others are frozen */
  const judged = new Set<string>();
  const conditions = new Map<string, Condition>();
  const add = (list: Condition[]) => {
    for (const c of list) {
      const fp = fingerprint(c.labels);
      if (!conditions.has(fp)) conditions.set(fp, c);
    }
  };

  const ensembles = freshEnsembles(input);
  for (const [name, view] of ensembles) {
    for (const rule of ENSEMBLE_RULE_KEYS) {
      judged.add(groupKey(ensembleGroup(name), rule));
      add(runEnsembleRule(rule, view, config, now));
    }
  }

  for (const model of input.models) {
    const cluster = model.name;
    judged.add(groupKey(cluster, 'CollectorDisconnected'));
    const cd = ruleConfig(config, cluster, 'CollectorDisconnected');
    const ensembleName = input.clusterEnsembles?.get(cluster) ?? DEFAULT_ENSEMBLE;
    const ensemble = ensembles.get(ensembleName) ?? null;
    const session = (ensembleName === DEFAULT_ENSEMBLE ? undefined : input.ensembleConnections?.get(ensembleName)) ?? input;
    const named = ensembleName === DEFAULT_ENSEMBLE ? undefined : ensembleName;
    if (cd.enabled) add(collectorDisconnected({ cluster, connected: session.connected, disconnectedSince: session.disconnectedSince, config: cd, now, ensemble, named }));
    const blind = isBlind(model, session.connected);
    const before = memory.get(cluster) ?? emptyMemory();
    if (blind) {
      if (!before.blind) memory = memory.set(cluster, memoryWith(before, { blind: true }));
      continue;
    }

    const limits = {
      flappingWindow: ruleConfig(config, cluster, 'MasterFlapping').window,
      resolveAfter: ruleConfig(config, cluster, 'WorkerLost').resolveAfter,
    };
    const sighted = before.blind
      ? regainSight(before, { model, firing: firingClocks(prev, cluster), limits, keepIntervals: keepsIntervals(config, cluster), now })
      : before;
    const capabilities = input.capabilities?.get(cluster);
    const mem = reconcileRecipes(reconcileMemory(sighted, model, limits, now), model, recipeTracking(config, cluster, capabilities), now);
    memory = memory.set(cluster, mem);
    const addressOf = input.addressOf;
    const addresses = addressOf === undefined ? undefined : (session: string) => addressOf(cluster, session);
    for (const name of ZK_RULE_NAMES) {
      // judged either way: an instance of a rule the layout cannot feed (a state from another config) resolves
      judged.add(groupKey(cluster, name));
      if (layoutFeeds(name, capabilities)) add(runRule(name, model, config, mem, now, addresses));
    }
  }

  const known = new Set(input.models.map((m) => m.name));
  const isJudged = (a: StoredAlert) => {
    // an ensemble's alert (no cluster): judged when a fresh poll of its ensemble was; frozen otherwise
    if (a.labels.cluster === undefined && a.labels.ensemble !== undefined) return judged.has(groupKey(ensembleGroup(a.labels.ensemble), a.labels.alertname ?? ''));
    const cluster = a.labels.cluster ?? '';
    // An alert of a cluster that is no longer configured has nothing left to hold it.
    return !known.has(cluster) || judged.has(groupKey(cluster, a.labels.alertname ?? ''));
  };

  const transitions: Transition[] = [];
  const move = (a: StoredAlert, from: AlertPhase, to: AlertPhase) =>
    transitions.push({ fingerprint: a.fingerprint, labels: a.labels, from, to, at: now });
  let alerts = prev.alerts;

  for (const [fp, c] of conditions) {
    const old = prev.alerts.get(fp);
    let a: StoredAlert;
    const basis = c.basis ?? null;
    if (old !== undefined && old.state !== 'resolved') {
      // the steady state (a condition that held last time, with the same text): the instance as it was,
      // no copy and no map write. Each evaluation re-makes every condition, e.g. every stale worker's.
      const same = old.keepFiringSince === null && old.basis === basis && sameRecord(old.annotations, c.annotations);
      a = same ? old : { ...old, annotations: c.annotations, keepFiringSince: null, basis };
    } else {
      const activeAt = Math.min(now, c.activeSince ?? now);
      a = { fingerprint: fp, labels: c.labels, annotations: c.annotations, state: 'pending', activeAt, firedAt: null, resolvedAt: null, keepFiringSince: null, basis };
      move(a, old === undefined ? 'inactive' : 'resolved', 'pending');
    }
    if (a.state === 'pending' && now - a.activeAt >= configOf(config, c.labels).for) {
      a = { ...a, state: 'firing', firedAt: now };
      move(a, 'pending', 'firing');
    }
    if (a !== old) alerts = alerts.set(fp, a);
  }

  for (const [fp, old] of prev.alerts) {
    if (conditions.has(fp)) continue;
    if (old.state === 'resolved') {
      if (now - (old.resolvedAt ?? now) >= config.resolvedRetention) {
        alerts = alerts.delete(fp);
        move(old, 'resolved', 'inactive');
      }
      continue;
    }
    if (!isJudged(old)) continue; // frozen: the collector cannot see whether it still holds
    if (old.state === 'pending') {
      alerts = alerts.delete(fp);
      move(old, 'pending', 'inactive');
      continue;
    }
    const keep = configOf(config, old.labels).keepFiringFor;
    const since = old.keepFiringSince ?? now;
    if (keep > 0 && now - since < keep) {
      alerts = alerts.set(fp, { ...old, keepFiringSince: since });
      continue;
    }
    alerts = alerts.set(fp, { ...old, state: 'resolved', resolvedAt: now, keepFiringSince: null });
    move(old, 'firing', 'resolved');
  }

  const state: EngineState = { ...prev, alerts, memory };
  return { state, alerts: listAlerts(state, prev.alerts), transitions };
}

/**
 * The HeartbeatStale and ProgressStalled instances of a cluster firing now, by subject, with the fact
 * each rests on. Called when sight comes back: instances are frozen while blind, so these are the
 * ones that were firing when sight was lost.
 */
function firingClocks(state: EngineState, cluster: string): FiringClocks {
  const beats = new Map<string, number>();
  const stalls = new Map<string, number>();
  for (const a of state.alerts.values()) {
    if (a.state !== 'firing' || a.labels.cluster !== cluster || typeof a.basis !== 'number') continue;
    if (a.labels.alertname === 'HeartbeatStale' && a.labels.worker !== undefined) beats.set(a.labels.worker, a.basis);
    if (a.labels.alertname === 'ProgressStalled' && a.labels.task !== undefined) stalls.set(a.labels.task, a.basis);
  }
  return { beats, stalls };
}

/**
 * The listing of an alerts map, by map, and the fingerprints of each map in listing order. The map is
 * immutable and an evaluation where no instance changed keeps it (see evaluate): its listing is reused as it
 * is. The order depends only on which fingerprints are there (a fingerprint is a hash of the labels the order
 * reads), so an evaluation that kept the same set in a new map reuses the previous order instead of sorting
 * again: with thousands of instances kept (resolved ones stay for `resolvedRetention`) that sort took tens of
 * ms every second (bench/load). Caches of pure functions: outputs are the same with or without them.
 */
const ORDERS = new WeakMap<EngineState['alerts'], readonly string[]>();
const LISTED = new WeakMap<EngineState['alerts'], readonly AlertInstance[]>();

/** The instances of a state as AlertInstance, ordered by alertname, cluster, then fingerprint. A new array each call. */
export function listAlerts(state: EngineState, previous?: EngineState['alerts']): AlertInstance[] {
  const alerts = state.alerts;
  const known = LISTED.get(alerts);
  if (known !== undefined) return known.slice();
  let order = ORDERS.get(alerts);
  if (order === undefined) {
    const before = previous === undefined ? undefined : ORDERS.get(previous);
    // same size and every known fingerprint still there: the same set
    if (before !== undefined && before.length === alerts.size && before.every((fp) => alerts.has(fp))) order = before;
    else order = sortedFingerprints(state);
    ORDERS.set(alerts, order);
  }
  const list = order.map((fp) => toInstance(alerts.get(fp)!));
  LISTED.set(alerts, list);
  return list.slice();
}

function sortedFingerprints(state: EngineState): string[] {
  return [...state.alerts.values()]
    .sort((x, y) => compare(x.labels.alertname, y.labels.alertname) || compare(x.labels.cluster, y.labels.cluster) || compare(x.fingerprint, y.fingerprint))
    .map((a) => a.fingerprint);
}

/** Same keys in the same order with the same values (two annotation sets: the same bytes once serialized). */
function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || a[k] !== b[k]) return false;
  }
  return true;
}

function toInstance(a: StoredAlert): AlertInstance {
  return {
    fingerprint: a.fingerprint,
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: a.activeAt,
    startsAt: a.firedAt ?? a.activeAt,
    endsAt: a.state === 'resolved' ? a.resolvedAt : null,
  };
}

function compare(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** What the lock and config rules' memory must keep for a cluster: only for those rules that run. */
function recipeTracking(config: AlertsConfig, cluster: string, capabilities: LayoutCapabilities | undefined): RecipeTracking {
  const held = ruleConfig(config, cluster, 'LockHeldTooLong');
  const changed = ruleConfig(config, cluster, 'ConfigChanged');
  return {
    lockHolds: held.enabled && layoutFeeds('LockHeldTooLong', capabilities),
    configKeep: changed.enabled && layoutFeeds('ConfigChanged', capabilities) ? changed.keep : null,
  };
}

function runRule(
  name: ZkRuleName,
  model: ClusterModel,
  config: AlertsConfig,
  mem: ReturnType<typeof memoryOf>,
  now: number,
  addressOf: ((session: string) => string | null) | undefined,
): Condition[] {
  // Each rule gets its own settings; the cast only joins the name to its settings' type.
  const rc = ruleConfig(config, model.name, name);
  if (!rc.enabled) return [];
  const rule = ZK_RULES[name] as (input: { model: ClusterModel; config: typeof rc; memory: typeof mem; now: number; addressOf?: RuleInput<ZkRuleName>['addressOf'] }) => Condition[];
  return rule(addressOf === undefined ? { model, config: rc, memory: mem, now } : { model, config: rc, memory: mem, now, addressOf });
}

function runEnsembleRule(name: EnsembleAlertName, view: EnsembleView, config: AlertsConfig, now: number): Condition[] {
  const rc = ensembleRuleConfig(config, view.snapshot.ensemble, name);
  if (!rc.enabled) return [];
  const rule = ENSEMBLE_RULES[name] as (input: { snapshot: EnsembleSnapshot; quorum: Quorum; config: typeof rc; now: number }) => Condition[];
  return rule({ snapshot: view.snapshot, quorum: view.quorum, config: rc, now });
}

function configOf(config: AlertsConfig, labels: StoredAlert['labels']) {
  if (labels.cluster === undefined && labels.ensemble !== undefined && isEnsembleRule(labels.alertname ?? '')) {
    return ensembleRuleConfig(config, labels.ensemble, labels.alertname as EnsembleAlertName);
  }
  // An unknown alertname (a state written by another version) is judged with some rule's timers rather than crash.
  const name = RULE_NAMES.find((n) => n === labels.alertname) ?? ('MasterMissing' as AlertName);
  return ruleConfig(config, labels.cluster ?? '', name);
}
