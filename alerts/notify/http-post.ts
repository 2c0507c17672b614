/** The one I/O of delivery: POST a body, report what came back (never throws). */
import { readLimited } from '../../collector/http/read-limited.ts';
import type { AttemptOutcome } from './retry.ts';

export type HttpPost = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<AttemptOutcome>;

/** characters of a reply kept in the outcome (for the log); at most REPLY_BODY_LIMIT_BYTES are read */
export const OUTCOME_BODY_CHARS = 512;

export const fetchPost: HttpPost = async (url, body, headers, timeoutMs) => {
  try {
    const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    const text = await readLimited(res);
    return { kind: 'http', status: res.status, retryAfter: res.headers.get('retry-after'), body: text.slice(0, OUTCOME_BODY_CHARS) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { kind: 'network', message: e.cause?.code ?? e.cause?.message ?? e.message };
  }
};
