/**
 * A webhook receiver that records what it gets: a real HTTP server on 127.0.0.1, for tests and for
 * trying the notifier by hand. `reply` picks the answer per request (200 by default), and may hold it back.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  json: unknown;
}

export interface RecordingReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** resolves when the n-th request (from 1) has arrived */
  received(n: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

export type Reply = (
  req: ReceivedRequest,
  index: number,
) => { status: number; headers?: Record<string, string> } | Promise<{ status: number; headers?: Record<string, string> }>;

export async function startRecordingReceiver(reply: Reply = () => ({ status: 200 })): Promise<RecordingReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: { n: number; resolve: (r: ReceivedRequest) => void }[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', async () => {
      const rawBody = Buffer.concat(parts).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(rawBody);
      } catch {
        // recorded as null
      }
      const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, json };
      requests.push(r);
      for (const w of waiters.filter((w) => w.n <= requests.length)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(requests[w.n - 1] as ReceivedRequest);
      }
      // an answer may be held back (a promise): the request counts as received before it is answered
      // (a reply that fails is a 500, never an unhandled rejection in the test process)
      const answer = await Promise.resolve(reply(r, requests.length - 1)).catch(() => ({ status: 500, headers: {} }));
      res.writeHead(answer.status, { 'Content-Type': 'text/plain', ...answer.headers }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    received(n) {
      const have = requests[n - 1];
      if (have) return Promise.resolve(have);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
