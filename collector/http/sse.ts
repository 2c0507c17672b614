/** GET /api/events: the domain events as Server-Sent Events, one `event: <type>` / `data: <json>` block each. */
import type { RequestHandler } from 'express';
import type { Observable } from 'rxjs';
import type { DomainEvent } from '../model/domain-events.ts';

export interface SseOptions {
  /** a comment line this often keeps proxies from closing an idle stream */
  heartbeatMs: number;
  /** a client this far behind (bytes queued) is dropped rather than buffered without end */
  maxBufferedBytes: number;
}

export const DEFAULT_SSE: SseOptions = { heartbeatMs: 15_000, maxBufferedBytes: 4 * 1024 * 1024 };

/** One SSE block; JSON.stringify escapes newlines, so the data is always a single line. */
export function formatSse(event: DomainEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function sseEvents(events$: Observable<DomainEvent>, options: SseOptions = DEFAULT_SSE): RequestHandler {
  return (_req, res) => {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const send = (chunk: string) => {
      if (res.writableEnded || res.destroyed) return;
      res.write(chunk);
      if (res.writableLength > options.maxBufferedBytes) res.destroy();
    };
    // Subscribed before the headers go out: a client that has the headers receives every later event.
    const subscription = events$.subscribe({
      next: (event) => send(formatSse(event)),
      error: () => res.end(),
      complete: () => res.end(),
    });
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), options.heartbeatMs);
    res.on('close', () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
    });
    res.flushHeaders();
    send(': connected\n\n');
  };
}
