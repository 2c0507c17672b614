/** Poll an outside system until a check passes, failing with the last value after a deadline. */
export async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(last) ?? String(lastError)}`);
    }
    await delay(everyMs);
  }
}

/**
 * Wait a fixed time. Drills use it only where the scenario itself is a duration (an outage of N s)
 * or to watch a quiet window in which nothing must happen (absence cannot be awaited).
 */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
