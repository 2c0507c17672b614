/**
 * The engine's state: every alert instance it tracks (pending, firing, and resolved ones kept for
 * `resolvedRetention`) and the rules' memory per cluster. Immutable values; `serializeEngineState`
 * turns it into JSON text (to persist, e.g. in ZooKeeper) and `restoreEngineState` back, so a
 * restarted collector neither re-fires what was firing nor forgets a resolved notice.
 */
import { Map as IMap } from 'immutable';
import type { Labels } from '../types.ts';
import { emptyMemory, type BeatMemory, type ClusterMemory, type ProgressMemory } from './memory.ts';

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
    });
  }
  return { version: ENGINE_STATE_VERSION, alerts, memory };
}

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
    typeof x.activeAt === 'number'
  );
}
