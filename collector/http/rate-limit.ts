/**
 * Token buckets per client address (used by write-guard.ts): `burst` requests at once, then
 * `perSecond`. The decision is a pure function of (bucket, time); ClientBuckets only keeps them.
 */

export interface RateLimit {
  /** requests allowed at once */
  burst: number;
  /** tokens added per second */
  perSecond: number;
}

export const DEFAULT_WRITE_RATE_LIMIT: RateLimit = { burst: 20, perSecond: 2 };

export interface Bucket {
  tokens: number;
  /** when `tokens` was last computed, ms */
  at: number;
}

export interface Decision {
  allowed: boolean;
  bucket: Bucket;
  /** when refused: ms until one token is there */
  retryAfterMs: number;
}

/** Refill for the time passed (never past `burst`, never backwards), then take one token if there is one. Pure. */
export function takeToken(bucket: Bucket | undefined, now: number, limit: RateLimit): Decision {
  const start = bucket ?? { tokens: limit.burst, at: now };
  const elapsed = Math.max(0, now - start.at);
  const tokens = Math.min(limit.burst, start.tokens + (elapsed * limit.perSecond) / 1000);
  const at = Math.max(now, start.at);
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, at }, retryAfterMs: 0 };
  const retryAfterMs = limit.perSecond > 0 ? Math.ceil(((1 - tokens) * 1000) / limit.perSecond) : Number.POSITIVE_INFINITY;
  return { allowed: false, bucket: { tokens, at }, retryAfterMs };
}

/** at most this many clients are remembered; the least recently seen go first */
const MAX_CLIENTS = 10_000;

/** One token bucket per client address, with the injected clock's time passed in. */
export class ClientBuckets {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly limit: RateLimit) {}

  /** Takes a token for `client`: 0 when allowed, else ms until one is there (Infinity if never). */
  take(client: string, now: number): number {
    const decision = takeToken(this.buckets.get(client), now, this.limit);
    this.buckets.delete(client); // re-insert: Map order is then least recently seen first
    this.buckets.set(client, decision.bucket);
    if (this.buckets.size > MAX_CLIENTS) this.buckets.delete(this.buckets.keys().next().value as string);
    return decision.allowed ? 0 : decision.retryAfterMs;
  }
}
