/**
 * A webhook receiver that records what it gets and can go down and come back on the same port:
 * while down, the port is closed (connections are refused), as when the receiving service is stopped.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: number;
  delivery: string;
  json: WebhookBody | null;
}

export interface WebhookBody {
  status: string;
  alerts: { status: string; labels: Record<string, string>; fingerprint: string }[];
}

export class DrillReceiver {
  readonly requests: Received[] = [];
  private server: Server | null = null;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Listen (on the same port as before, after stop()). */
  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (b: Buffer) => parts.push(b));
      req.on('end', () => {
        let json: WebhookBody | null = null;
        try {
          json = JSON.parse(Buffer.concat(parts).toString('utf8')) as WebhookBody;
        } catch {
          // recorded as null: a check will notice
        }
        this.requests.push({ at: Date.now(), delivery: String(req.headers['x-zkpulse-delivery'] ?? ''), json });
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Close the port and every open connection. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/**
 * One line per alert in each notification: `alertname[worker] status`, in arrival order; an ensemble alert
 * names its server the same way (`ZooKeeperServerDown[127.0.0.1:2181] firing`).
 */
export function notices(requests: readonly Received[]): string[] {
  const out: string[] = [];
  for (const r of requests) {
    for (const a of r.json?.alerts ?? []) {
      const subject = a.labels.worker ?? a.labels.server;
      const who = subject ? `[${subject}]` : '';
      out.push(`${a.labels.alertname ?? '?'}${who} ${a.status}`);
    }
  }
  return out;
}
