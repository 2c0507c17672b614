/**
 * The engine's state: every alert instance it tracks (pending, firing, and resolved ones kept for
 * `resolvedRetention`) and the rules' memory per cluster. Immutable values; `serializeEngineState`
 * turns it into JSON text (to persist, e.g. in ZooKeeper) and `restoreEngineState` back, so a
 * restarted collector neither re-fires what was firing nor forgets a resolved notice.
 */
import { Map as IMap } from 'immutable';
import type { Labels } from '../types.ts';
import { emptyMemory, memoryWith, type BeatMemory, type ClusterMemory, type ConfigKeyMemory, type KeptClock, type LockHoldMemory, type ProgressMemory } from '../rules/memory.ts';

export const ENGINE_STATE_VERSION = 1;

export type AlertPhase = 'inactive' | 'pending' | 'firing' | 'resolved';

export interface StoredAlert {
  fingerprint: string;
  labels: Labels;
  annotations: Labels;
  state: 'pending' | 'firing' | 'resolved';
  /** when the condition was first seen true */
  activeAt: number;
  /** when it went firing; null while pending */
  firedAt: number | null;
  /** when it resolved; null unless resolved */
  resolvedAt: number | null;
  /** firing but its condition is gone: since when (keep_firing_for); null otherwise */
  keepFiringSince: number | null;
  /**
   * the time of the fact the condition rests on, for rules that have one (HeartbeatStale: the last
   * beat; ProgressStalled: when `done` last moved), else null. A blind period keeps a firing instance
   * whose basis the resync finds unchanged. Optional: states written before it have none.
   */
  basis?: number | null;
}

export interface EngineState {
  version: typeof ENGINE_STATE_VERSION;
  /** by fingerprint */
  alerts: IMap<string, StoredAlert>;
  /** by cluster name */
  memory: IMap<string, ClusterMemory>;
}

export function emptyEngineState(): EngineState {
  return { version: ENGINE_STATE_VERSION, alerts: IMap(), memory: IMap() };
}

/**
 * A restored state as an engine starts from it: every cluster blind, since this engine has not seen
 * it yet. Its first sighted evaluation then regains sight (memory.ts `regainSight`): a new sight
 * clock (the collector's downtime counts for nobody; what was firing keeps its clock) and the memory
 * seeded from the model, which may have synced before the engine subscribed.
 */
export function unwatched(state: EngineState): EngineState {
  return { ...state, memory: state.memory.map((m) => (m.blind ? m : memoryWith(m, { blind: true }))) };
}

export function memoryOf(state: EngineState, cluster: string): ClusterMemory {
  return state.memory.get(cluster) ?? emptyMemory();
}

/** The persisted form: plain JSON. */
interface PersistedMemory {
  lastEpoch: string | null;
  candidateSeen?: boolean;
  masterChanges: number[];
  beats: Array<[string, BeatMemory]>;
  progress: Array<[string, ProgressMemory]>;
  lost: Array<[string, number]>;
  blind?: boolean;
  sightSince?: number | null;
  keptBeats?: Array<[string, KeptClock]>;
  keptStalls?: Array<[string, KeptClock]>;
  lockHolds?: Array<[string, LockHoldMemory]>;
  configSeen?: Array<[string, ConfigKeyMemory]>;
  configKnown?: boolean;
}
interface Persisted {
  version: number;
  alerts: StoredAlert[];
  memory: Array<[string, PersistedMemory]>;
}

export function serializeEngineState(state: EngineState): string {
  const persisted: Persisted = {
    version: state.version,
    alerts: [...state.alerts.values()],
    memory: [...state.memory.entries()].map(([cluster, m]) => [
      cluster,
      {
        lastEpoch: m.lastEpoch,
        candidateSeen: m.candidateSeen,
        masterChanges: [...m.masterChanges],
        beats: [...m.beats.entries()],
        progress: [...m.progress.entries()],
        lost: [...m.lost.entries()],
        blind: m.blind,
        sightSince: m.sightSince,
        keptBeats: [...m.keptBeats.entries()],
        keptStalls: [...m.keptStalls.entries()],
        lockHolds: [...m.lockHolds.entries()],
        configSeen: [...m.configSeen.entries()],
        configKnown: m.configKnown,
      },
    ]),
  };
  return JSON.stringify(persisted);
}

/** Parse what serializeEngineState wrote. Throws an Error naming the problem on anything else. */
export function restoreEngineState(text: string): EngineState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`alert engine state: not JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const p = raw as Partial<Persisted> | null;
  if (typeof p !== 'object' || p === null) throw new Error('alert engine state: expected an object');
  if (p.version !== ENGINE_STATE_VERSION) {
    throw new Error(`alert engine state: version ${String(p.version)} is not supported (expected ${ENGINE_STATE_VERSION})`);
  }
  if (!Array.isArray(p.alerts) || !Array.isArray(p.memory)) throw new Error('alert engine state: alerts and memory must be arrays');
  let alerts = IMap<string, StoredAlert>();
  for (const a of p.alerts) {
    if (!isStoredAlert(a)) throw new Error('alert engine state: malformed alert');
    alerts = alerts.set(a.fingerprint, a);
  }
  let memory = IMap<string, ClusterMemory>();
  for (const entry of p.memory) {
    const [cluster, m] = entry;
    if (typeof cluster !== 'string' || typeof m !== 'object' || m === null) throw new Error('alert engine state: malformed memory');
    memory = memory.set(cluster, {
      lastEpoch: m.lastEpoch ?? null,
      candidateSeen: m.candidateSeen === true,
      masterChanges: m.masterChanges ?? [],
      beats: IMap(m.beats ?? []),
      progress: IMap(m.progress ?? []),
      lost: IMap(m.lost ?? []),
      // a restarted collector is blind until its first sync, which starts sight anew (evaluate notes it)
      blind: m.blind ?? true,
      sightSince: typeof m.sightSince === 'number' ? m.sightSince : null,
      keptBeats: keptClocks(m.keptBeats),
      keptStalls: keptClocks(m.keptStalls),
      // states written before locks and config were watched have neither
      lockHolds: lockHolds(m.lockHolds),
      configSeen: configSeen(m.configSeen),
      configKnown: m.configKnown === true,
    });
  }
  return { version: ENGINE_STATE_VERSION, alerts, memory };
}

function keptClocks(raw: unknown): IMap<string, KeptClock> {
  if (raw === undefined) return IMap();
  const valid =
    Array.isArray(raw) &&
    raw.every((e: unknown) => {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'object' || e[1] === null) return false;
      const k = e[1] as Record<string, unknown>;
      return typeof k.at === 'number' && (k.from === null || typeof k.from === 'number');
    });
  if (!valid) throw new Error('alert engine state: malformed kept clocks');
  return IMap(raw as Array<[string, KeptClock]>);
}

const entries = <T>(raw: unknown, what: string, valid: (v: Record<string, unknown>) => boolean): IMap<string, T> => {
  if (raw === undefined) return IMap();
  const ok = Array.isArray(raw) && raw.every((e: unknown) => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'object' && e[1] !== null && valid(e[1] as Record<string, unknown>));
  if (!ok) throw new Error(`alert engine state: malformed ${what}`);
  return IMap(raw as Array<[string, T]>);
};

const lockHolds = (raw: unknown) => entries<LockHoldMemory>(raw, 'lock holds', (h) => typeof h.node === 'string' && typeof h.since === 'number');

const isStringRecord = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

const configSeen = (raw: unknown) =>
  entries<ConfigKeyMemory>(
    raw,
    'configuration memory',
    (c) =>
      typeof c.version === 'number' &&
      typeof c.bytes === 'number' &&
      (c.digest === null || typeof c.digest === 'string') &&
      typeof c.changedAt === 'number' &&
      (c.noticeAt === null || typeof c.noticeAt === 'number') &&
      (c.fields === undefined || isStringRecord(c.fields)) &&
      (c.change === undefined || c.change === 'created' || c.change === 'changed' || c.change === 'deleted') &&
      (c.changedFields === undefined || (Array.isArray(c.changedFields) && c.changedFields.every((f: unknown) => typeof f === 'string'))),
  );

function isStoredAlert(a: unknown): a is StoredAlert {
  if (typeof a !== 'object' || a === null) return false;
  const x = a as Record<string, unknown>;
  return (
    typeof x.fingerprint === 'string' &&
    typeof x.labels === 'object' &&
    x.labels !== null &&
    typeof x.annotations === 'object' &&
    x.annotations !== null &&
    (x.state === 'pending' || x.state === 'firing' || x.state === 'resolved') &&
    typeof x.activeAt === 'number' &&
    (x.basis === undefined || x.basis === null || typeof x.basis === 'number')
  );
}
