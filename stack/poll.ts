/**
 * Poll an outside system (an HTTP API, InfluxDB) until a check passes, with a deadline that fails
 * the test. For state that has no event to await; never a fixed sleep.
 */
export async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000, everyMs = 100): Promise<T> {
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
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
