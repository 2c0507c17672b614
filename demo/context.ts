/** What every simulated process shares: where ZooKeeper is, the layout, timings, randomness, logging. */
import type { ZkpulsePaths } from '../contract/zkpulse/paths.ts';
import { SimSession } from './sim-session.ts';

export interface SimContext {
  connectString: string;
  sessionTimeout: number;
  paths: ZkpulsePaths;
  heartbeatMs: number;
  /** Time between two progress writes of a running task. */
  taskStepMs: number;
  /** Chance that a task fails somewhere on its way (0..1). */
  failureRate: number;
  random: () => number;
  now: () => number;
  log: (line: string) => void;
}

export function openSession(ctx: SimContext, onExpired: () => void): Promise<SimSession> {
  return SimSession.open({ connectString: ctx.connectString, sessionTimeout: ctx.sessionTimeout, onExpired });
}

/** An integer in [min, max], from the injected random source. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.min(max - min, Math.floor(random() * (max - min + 1)));
}

/** `ms` scaled by a factor in [0.5, 1.5), so periodic events do not line up. */
export function jitter(random: () => number, ms: number): number {
  return Math.round(ms * (0.5 + random()));
}
