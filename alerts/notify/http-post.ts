/** The one I/O of delivery: POST a body, report what came back (never throws). */
import type { AttemptOutcome } from './retry.ts';

export type HttpPost = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<AttemptOutcome>;

export const fetchPost: HttpPost = async (url, body, headers, timeoutMs) => {
  try {
    const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    const text = await res.text().catch(() => '');
    return { kind: 'http', status: res.status, retryAfter: res.headers.get('retry-after'), body: text.slice(0, 512) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { kind: 'network', message: e.cause?.code ?? e.cause?.message ?? e.message };
  }
};
