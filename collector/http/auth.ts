/** Bearer-token guard for the write routes (silences). */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/** Hashing both sides gives equal-length buffers, so the comparison leaks neither content nor length. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Requires `Authorization: Bearer <apiToken>`: 401 without it or with a wrong one.
 * Without a configured token every write is refused (403): writes are off unless --api-token is set.
 */
export function requireToken(apiToken: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (apiToken === undefined || apiToken === '') {
      res.status(403).json({ error: 'writes are disabled: start the collector with --api-token' });
      return;
    }
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.get('authorization') ?? '');
    if (!match || !sameToken(match[1] ?? '', apiToken)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="zkpulse"')
        .json({ error: match ? 'wrong API token' : 'missing "Authorization: Bearer <api-token>" header' });
      return;
    }
    next();
  };
}
