/**
 * Every write (POST/PUT/PATCH/DELETE) passes here before anything else reads it, body included:
 * 1. the token is checked first (auth.ts);
 * 2. a request with the right token is limited only by its own address's bucket of writes, which
 *    refused requests never drain: nobody sharing the admin's address (loopback, a proxy) can lock the
 *    admin out;
 * 3. a refused request (no token, a wrong one, writes disabled) takes from its address's bucket of
 *    failures: past it, 429 with Retry-After instead of 401/403.
 */
import type { RequestHandler, Response } from 'express';
import { checkToken, refuseWrite } from './auth.ts';
import { ClientBuckets, type RateLimit } from './rate-limit.ts';

/** refused writes per address: 10 at once, then one every 2 s */
export const DEFAULT_AUTH_FAILURE_LIMIT: RateLimit = { burst: 10, perSecond: 0.5 };

export interface WriteGuardOptions {
  apiToken?: string;
  /** per address, for writes with the right token; false: none */
  writeLimit: RateLimit | false;
  /** per address, for refused writes; false: none */
  failureLimit: RateLimit | false;
  now(): number;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function tooMany(res: Response, retryAfterMs: number, what: string): void {
  const seconds = Number.isFinite(retryAfterMs) ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : 3600;
  res.set('Retry-After', String(seconds)).status(429).json({ error: `too many ${what}; retry in ${seconds} s` });
}

export function writeGuard(options: WriteGuardOptions): RequestHandler {
  const writes = options.writeLimit ? new ClientBuckets(options.writeLimit) : null;
  const failures = options.failureLimit ? new ClientBuckets(options.failureLimit) : null;
  return (req, res, next) => {
    if (!WRITES.has(req.method)) return next();
    const client = req.socket.remoteAddress ?? 'unknown';
    const verdict = checkToken(req.get('authorization'), options.apiToken);
    if (verdict === 'ok') {
      const wait = writes?.take(client, options.now()) ?? 0;
      if (wait > 0) return tooMany(res, wait, 'write requests');
      return next();
    }
    const wait = failures?.take(client, options.now()) ?? 0;
    if (wait > 0) return tooMany(res, wait, 'refused write requests from this address');
    refuseWrite(res, verdict);
  };
}
