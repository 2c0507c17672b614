/**
 * A loopback TCP proxy that can partition silently: while blocked it forwards nothing in either
 * direction and keeps every socket open, as a dead network path does. Used to expire a
 * collector's session while ZooKeeper itself stays up. It can also be slowed down: throttled, the
 * server's bytes reach the client at a given rate (a slow but live link).
 */
import net from 'node:net';

export interface TcpProxy {
  address: string;
  block(): void;
  unblock(): void;
  /** server → client bytes per second from now on (null: full speed) */
  throttle(bytesPerSecond: number | null): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [host, port] = target.split(':') as [string, string];
  const sockets = new Set<net.Socket>();
  let blocked = false;
  let rate: number | null = null;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    // by hand rather than pipe(): a throttled chunk holds the upstream until its share of time has passed
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      if (rate === null) return;
      upstream.pause();
      setTimeout(() => !blocked && upstream.resume(), (chunk.length / rate) * 1000);
    });
    // after pipe(), which resumes its source
    if (blocked) for (const s of [client, upstream]) s.pause();
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${listening}`,
    block() {
      blocked = true;
      for (const s of sockets) s.pause();
    },
    unblock() {
      blocked = false;
      for (const s of sockets) s.resume();
    },
    throttle(bytesPerSecond) {
      rate = bytesPerSecond;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
