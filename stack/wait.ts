import { setTimeout as delay } from 'node:timers/promises';
import { ServiceStartError } from './errors.ts';

export interface PollOptions {
  /** What we wait for, for the error message, e.g. "ZooKeeper on 127.0.0.1:2181 to answer ruok". */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Checked each round: a reason string makes the wait fail at once (e.g. the process exited). */
  abortReason?: () => string | undefined;
  /** Extra text for the error (e.g. the log tail), computed only on failure. */
  details?: () => Promise<string>;
}

/** Polls `check` until it returns true. Errors thrown by `check` count as "not yet". */
export async function pollUntil(check: () => Promise<boolean>, opts: PollOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reason = opts.abortReason?.();
    if (reason !== undefined) throw await failure(`${opts.what}: ${reason}`, opts);
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const last = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw await failure(`timed out after ${timeoutMs / 1000} s waiting for ${opts.what}${last}`, opts);
    }
    await delay(intervalMs);
  }
}

async function failure(message: string, opts: PollOptions): Promise<ServiceStartError> {
  const details = opts.details ? await opts.details().catch(() => '') : '';
  return new ServiceStartError(details ? `${message}\n${details}` : message);
}
