/** Bearer-token checks for the write routes (silences). */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

/** Hashing both sides gives equal-length buffers, so the comparison leaks neither content nor length. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export type TokenVerdict = 'ok' | 'writes-disabled' | 'missing' | 'wrong';

/** What an Authorization header is worth against the configured token. Pure. */
export function checkToken(authorization: string | undefined, apiToken: string | undefined): TokenVerdict {
  if (apiToken === undefined || apiToken === '') return 'writes-disabled';
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  if (!match) return 'missing';
  return sameToken(match[1] ?? '', apiToken) ? 'ok' : 'wrong';
}

/** The answer to a refused write: 403 when writes are off, else 401 with a WWW-Authenticate challenge. */
export function refuseWrite(res: Response, verdict: Exclude<TokenVerdict, 'ok'>): void {
  if (verdict === 'writes-disabled') {
    res.status(403).json({ error: 'writes are disabled: start the collector with --api-token' });
    return;
  }
  res
    .status(401)
    .set('WWW-Authenticate', 'Bearer realm="zkpulse"')
    .json({ error: verdict === 'wrong' ? 'wrong API token' : 'missing "Authorization: Bearer <api-token>" header' });
}

/**
 * Requires `Authorization: Bearer <apiToken>`: 401 without it or with a wrong one.
 * Without a configured token every write is refused (403): writes are off unless --api-token is set.
 * (createHttpApp already checks every write this way, see write-guard.ts; this is for routers used alone.)
 */
export function requireToken(apiToken: string | undefined): RequestHandler {
  return (req, res, next) => {
    const verdict = checkToken(req.get('authorization'), apiToken);
    if (verdict === 'ok') next();
    else refuseWrite(res, verdict);
  };
}
