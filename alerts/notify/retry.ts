/** Retry decisions (Alertmanager's RetryStage): pure; the random number and the clock come in. */
import type { RetryPolicy } from './config.ts';

/** What one HTTP attempt gave. */
export type AttemptOutcome =
  | { kind: 'http'; status: number; retryAfter?: string | null; body?: string }
  | { kind: 'network'; message: string };

export type RetryDecision =
  | { action: 'done'; reason: string }
  | { action: 'retry'; delayMs: number; reason: string }
  | { action: 'give-up'; reason: string };

/** Retry-After as ms from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Exponential backoff with ± jitter; `attempt` counts from 1 (the delay after the first failure). */
export function backoffMs(attempt: number, policy: RetryPolicy, random: number): number {
  const base = Math.min(policy.maxIntervalMs, policy.initialMs * policy.multiplier ** (attempt - 1));
  return Math.max(0, Math.round(base * (1 + policy.jitter * (2 * random - 1))));
}

/**
 * After attempt number `attempt` (from 1) gave `outcome`: 2xx done; 5xx, 429 and network errors retried
 * until the first attempt is `maxAgeMs` old (429 waits its Retry-After); other statuses not retried.
 */
export function retryDecision(
  outcome: AttemptOutcome,
  attempt: number,
  firstAttemptAt: number,
  now: number,
  policy: RetryPolicy,
  random: number,
): RetryDecision {
  let what: string;
  let delay = backoffMs(attempt, policy, random);
  if (outcome.kind === 'network') {
    what = `network error: ${outcome.message}`;
  } else if (outcome.status >= 200 && outcome.status < 300) {
    return { action: 'done', reason: `HTTP ${outcome.status}` };
  } else if (outcome.status === 429) {
    what = 'HTTP 429';
    const asked = parseRetryAfter(outcome.retryAfter, now);
    if (asked !== null) delay = asked;
  } else if (outcome.status >= 500) {
    what = `HTTP ${outcome.status}`;
  } else {
    return { action: 'give-up', reason: `HTTP ${outcome.status} is not retried` };
  }
  const deadline = firstAttemptAt + policy.maxAgeMs;
  if (now + delay > deadline) return { action: 'give-up', reason: `${what}; retrying for ${policy.maxAgeMs} ms did not help` };
  return { action: 'retry', delayMs: delay, reason: what };
}
