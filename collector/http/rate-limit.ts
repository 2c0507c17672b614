/**
 * A token bucket per client IP for the write routes (POST/PUT/PATCH/DELETE): `burst` requests at once,
 * then `perSecond`. Over the limit: 429 with Retry-After (whole seconds). The decision is a pure
 * function of (bucket, time); the middleware only keeps the buckets and reads the injected clock.
 */
import type { RequestHandler } from 'express';

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

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** at most this many clients are remembered; the least recently seen go first */
const MAX_CLIENTS = 10_000;

export function writeRateLimit(limit: RateLimit, now: () => number): RequestHandler {
  const buckets = new Map<string, Bucket>();
  return (req, res, next) => {
    if (!WRITES.has(req.method)) return next();
    const client = req.socket.remoteAddress ?? 'unknown';
    const decision = takeToken(buckets.get(client), now(), limit);
    buckets.delete(client); // re-insert: Map order is then least recently seen first
    buckets.set(client, decision.bucket);
    if (buckets.size > MAX_CLIENTS) buckets.delete(buckets.keys().next().value as string);
    if (decision.allowed) return next();
    const seconds = Number.isFinite(decision.retryAfterMs) ? Math.max(1, Math.ceil(decision.retryAfterMs / 1000)) : 3600;
    res.set('Retry-After', String(seconds)).status(429).json({ error: `too many write requests; retry in ${seconds} s` });
  };
}
