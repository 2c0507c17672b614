/**
 * The monitored cluster of a drill: three `zkpulse agent` processes, two of them candidates (one holds
 * R/master, the other waits in the election), all three registered workers.
 */
import type { Proc } from './processes.ts';
import type { Scene } from './scene.ts';

export const CAST = ['a1', 'a2', 'a3'] as const;

export interface CastOptions {
  zk: string;
  root: string;
  heartbeatMs: number;
  sessionTimeoutMs: number;
}

export function startCast(scene: Scene, o: CastOptions): Map<string, Proc> {
  const procs = new Map<string, Proc>();
  for (const id of CAST) {
    procs.set(id, scene.startAgent({ zk: o.zk, root: o.root, id, heartbeatMs: o.heartbeatMs, sessionTimeoutMs: o.sessionTimeoutMs, candidate: id !== 'a3' }));
  }
  return procs;
}

/** Event types that would mean something was lost (a worker or the master went away). */
export const LOSS_EVENTS = new Set(['WorkerLeft', 'MasterLost', 'CandidateLeft']);
