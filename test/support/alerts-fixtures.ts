/**
 * Test fixtures for the alert rules and engine: a cluster built with the real reducer from
 * hand-made watch events, and a harness that feeds the state machine the way the engine does
 * (observe every domain event, evaluate at chosen times).
 */
import type { AlertsConfig } from '../../alerts/config.ts';
import { DEFAULT_ALERTS_CONFIG } from '../../alerts/config.ts';
import { emptyMemory, type ClusterMemory } from '../../alerts/rules/memory.ts';
import { evaluate, observe, type Evaluation } from '../../alerts/engine/state-machine.ts';
import { emptyEngineState, type EngineState } from '../../alerts/engine/state.ts';
import { observeEvent } from '../../alerts/engine/memory.ts';
import type { AlertInstance } from '../../alerts/types.ts';
import type { LayoutCapabilities } from '../../contract/layout.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { emptyCluster, reduceCluster } from '../../collector/model/reducer.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import type { ConnectionEvent, NodeEvent, WatchEvent } from '../../collector/watch/events.ts';
import { PERSISTENT_OWNER } from '../../collector/watch/events.ts';

export const sessionOf = (n: number): string => n.toString(16).padStart(16, '0');

let zxid = 100;

/** One cluster folded with the real reducer; `memory` is the rules' memory fed with its domain events. */
export class TestCluster {
  model: ClusterModel;
  memory: ClusterMemory = emptyMemory();
  readonly events: DomainEvent[] = [];
  afterBlind = false;

  constructor(readonly name = 'crawler', root = '/apps/crawler') {
    this.model = emptyCluster(name, root);
  }

  apply(event: WatchEvent): DomainEvent[] {
    const r = reduceCluster(this.model, event, event.time);
    this.model = r.model;
    // the rule tests run HeartbeatStale in either mode on this memory: it keeps beat intervals
    for (const e of r.events) this.memory = observeEvent(this.memory, e, event.time, true);
    this.events.push(...r.events);
    return r.events;
  }

  node(kind: NodeEvent['kind'], path: string, data: object | string | null, t: number, o: { owner?: string; czxid?: string; mtime?: number } = {}): DomainEvent[] {
    const text = data === null || typeof data === 'string' ? data : JSON.stringify(data);
    zxid += 1;
    const event: NodeEvent = {
      kind,
      cluster: this.name,
      path,
      stat: {
        czxid: o.czxid ?? String(zxid),
        mzxid: String(zxid),
        ctime: t,
        mtime: o.mtime ?? t,
        version: 0,
        cversion: 0,
        ephemeralOwner: o.owner ?? PERSISTENT_OWNER,
        dataLength: text === null ? 0 : Buffer.byteLength(text),
        numChildren: 0,
      },
      data: text,
      time: t,
    };
    if (this.afterBlind) event.afterBlind = true;
    return this.apply(event);
  }

  synced(t: number): DomainEvent[] {
    const wasBlind = this.afterBlind;
    this.afterBlind = false;
    return this.apply({ kind: 'synced', cluster: this.name, time: t, nodes: 0, ...(wasBlind ? { afterBlind: true as const } : {}) });
  }

  connection(state: ConnectionEvent['state'], t: number): DomainEvent[] {
    if (state === 'disconnected' || state === 'expired') this.afterBlind = true;
    return this.apply({ kind: 'connection', state, time: t });
  }

  worker(id: string, t: number, o: { heartbeatMs?: number | null; state?: string; session?: number } = {}): DomainEvent[] {
    const data: Record<string, unknown> = { id, host: `h-${id}`, pid: 1, startedAt: t, state: o.state ?? 'ready' };
    if (o.heartbeatMs !== null) data.heartbeatMs = o.heartbeatMs ?? 1000;
    const existing = this.model.workers.get(id);
    const kind = existing?.up ? 'changed' : 'added';
    const owner = o.session !== undefined ? sessionOf(o.session) : (existing?.up ? existing.session : sessionOf(hash(id)));
    return this.node(kind, `workers/${id}`, data, t, { owner });
  }

  /** the worker rewrites its node: a beat at t */
  beat(id: string, t: number): DomainEvent[] {
    const w = this.model.workers.get(id);
    if (!w) throw new Error(`no worker ${id}`);
    const data = { id, host: w.host, pid: w.pid, startedAt: w.startedAt, heartbeatMs: w.heartbeatMs ?? undefined, state: w.state };
    return this.node('changed', `workers/${id}`, data, t, { owner: w.session });
  }

  leave(id: string, t: number): DomainEvent[] {
    this.worker(id, t, { state: 'leaving' });
    return this.crash(id, t);
  }

  crash(id: string, t: number): DomainEvent[] {
    const w = this.model.workers.get(id);
    return this.node('removed', `workers/${id}`, null, t, { owner: w?.session ?? sessionOf(1) });
  }

  master(id: string, t: number, session: number, czxid?: string): DomainEvent[] {
    return this.node('added', 'master', { id, since: t }, t, { owner: sessionOf(session), ...(czxid ? { czxid } : {}) });
  }

  masterGone(t: number): DomainEvent[] {
    return this.node('removed', 'master', null, t, { owner: this.model.master?.session ?? sessionOf(1), czxid: this.model.master?.epoch });
  }

  candidate(seq: number, id: string, t: number, session: number): DomainEvent[] {
    return this.node('added', `election/n_${String(seq).padStart(10, '0')}`, { id }, t, { owner: sessionOf(session) });
  }

  task(id: string, t: number): DomainEvent[] {
    return this.node('added', `tasks/${id}`, { id }, t);
  }

  assign(worker: string, task: string, t: number): DomainEvent[] {
    return this.node('added', `assign/${worker}/${task}`, null, t);
  }

  unassign(worker: string, task: string, t: number): DomainEvent[] {
    return this.node('removed', `assign/${worker}/${task}`, null, t);
  }

  status(task: string, worker: string, done: number, t: number, state = 'running'): DomainEvent[] {
    const kind = this.model.tasks.get(task)?.statusExists ? 'changed' : 'added';
    const owner = this.model.workers.get(worker)?.session ?? sessionOf(9);
    return this.node(kind, `status/${task}`, { worker, done, total: 100, state, message: null, updatedAt: t }, t, { owner });
  }
}

function hash(id: string): number {
  let h = 7;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000;
  return h + 1;
}

/** A synced cluster with a master (session 1, also the lowest candidate) and workers w1..wN beating every second. */
export function healthyCluster(t: number, workers = 2, name = 'crawler'): TestCluster {
  const c = new TestCluster(name);
  c.candidate(1, 'm1', t, 1);
  c.candidate(2, 'm2', t, 2);
  c.master('m1', t, 1);
  for (let i = 1; i <= workers; i += 1) c.worker(`w${i}`, t);
  c.synced(t);
  return c;
}

/** Drives the pure state machine as the engine does. */
export class Harness {
  state: EngineState = emptyEngineState();
  connected = true;
  disconnectedSince: number | null = null;
  last: Evaluation | null = null;
  /** each cluster's layout capabilities, as the engine gets them (absent: every cluster zkpulse) */
  capabilities: ReadonlyMap<string, LayoutCapabilities> | undefined;
  /** the client address of a session, as the ensemble poller would give it (absent: none known) */
  addressOf: ((cluster: string, session: string) => string | null) | undefined;
  /** every transition so far */
  readonly transitions: Evaluation['transitions'] = [];

  /**
   * `startedLate`: the engine starts now, after the clusters' events so far (as when loading its
   * state took longer than the first sync): it never observes them, only the models have them.
   */
  constructor(readonly clusters: TestCluster[], readonly config: AlertsConfig = DEFAULT_ALERTS_CONFIG, options: { startedLate?: boolean } = {}) {
    if (!options.startedLate) for (const c of clusters) for (const e of c.events) this.state = observe(this.state, e, e.time, config);
    this.seen = clusters.map((c) => c.events.length);
  }

  private seen: number[];

  /** feed the domain events the clusters produced since the last call into the engine's memory */
  private feed(): void {
    this.clusters.forEach((c, i) => {
      for (const e of c.events.slice(this.seen[i])) this.state = observe(this.state, e, e.time, this.config);
      this.seen[i] = c.events.length;
    });
  }

  disconnect(t: number): void {
    this.connected = false;
    this.disconnectedSince = t;
    for (const c of this.clusters) c.connection('disconnected', t);
  }

  reconnect(t: number): void {
    this.connected = true;
    this.disconnectedSince = null;
    for (const c of this.clusters) c.connection('reconnected', t);
  }

  eval(now: number): AlertInstance[] {
    this.feed();
    const models = this.clusters.map((c) => c.model);
    const input = { models, connected: this.connected, disconnectedSince: this.disconnectedSince, now, capabilities: this.capabilities };
    const r = evaluate(this.state, this.addressOf ? { ...input, addressOf: this.addressOf } : input, this.config);
    this.state = r.state;
    this.last = r;
    this.transitions.push(...r.transitions);
    return r.alerts;
  }
}

/** "alertname/state[/task|worker]" per alert, for compact expectations. */
export function brief(alerts: readonly AlertInstance[]): string[] {
  return alerts.map((a) => [a.labels.alertname, a.state, a.labels.task ?? a.labels.worker].filter((x) => x !== undefined).join('/'));
}

export function only(alerts: readonly AlertInstance[], alertname: string): AlertInstance[] {
  return alerts.filter((a) => a.labels.alertname === alertname);
}
