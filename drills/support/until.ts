/** Poll an outside system until a check passes (the same helper the tests use; drills default to 30 s). */
import { until as poll } from '../../stack/poll.ts';

export function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000, everyMs = 100): Promise<T> {
  return poll(what, probe, ok, ms, everyMs);
}

/**
 * Wait a fixed time. Drills use it only where the scenario itself is a duration (an outage of N s)
 * or to watch a quiet window in which nothing must happen (absence cannot be awaited).
 */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
