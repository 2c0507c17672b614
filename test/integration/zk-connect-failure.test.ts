/**
 * ZkSession's onConnectFailure: each attempt that ended before a session, with the server and the
 * reason found in the socket error (real sockets: a closed port, a web server, a name that does not resolve).
 */
import test, { type ExecutionContext } from 'ava';
import net from 'node:net';
import { freePort } from '../../stack/ports.ts';
import { ZkSession } from '../../zk/session.ts';
import type { ConnectFailure } from '../../zk/connect-failure.ts';

/** the first failure reported by a session on `connectString`, and its warnings */
function firstFailure(t: ExecutionContext, connectString: string): Promise<{ failure: ConnectFailure; warnings: string[] }> {
  const warnings: string[] = [];
  return new Promise((resolve, reject) => {
    const session = new ZkSession({
      connectString,
      sessionTimeout: 4000,
      probeIntervalMs: 200,
      probeTimeoutMs: 500,
      now: Date.now,
      onWarning: (m) => warnings.push(m),
      onConnectFailure: (failure) => resolve({ failure, warnings }),
    });
    // a DNS lookup may take the resolver's own timeout (5 s, a few tries)
    const timer = setTimeout(() => reject(new Error(`no failure reported for ${connectString}`)), 30_000);
    t.teardown(async () => {
      clearTimeout(timer);
      await session.close();
    });
    session.start();
  });
}

test('a port where nothing listens: connection refused, naming the server', async (t) => {
  const port = await freePort();
  const { failure } = await firstFailure(t, `127.0.0.1:${port}`);
  t.deepEqual(failure, { server: `127.0.0.1:${port}`, reason: 'connection refused', code: 'ECONNREFUSED' });
});

test('a web server on the port: "not a ZooKeeper server", and no socket-handler warning for it', async (t) => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // the client drops the connection: a reset
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.close();
    for (const s of sockets) s.destroy();
  });
  const { port } = server.address() as net.AddressInfo;
  const { failure, warnings } = await firstFailure(t, `127.0.0.1:${port}`);
  t.deepEqual(failure, { server: `127.0.0.1:${port}`, reason: 'not a ZooKeeper server: its answer begins "HTTP"', code: 'ENOTZOOKEEPER' });
  t.deepEqual(warnings, []);
});

test('a host name that does not resolve: a DNS reason', async (t) => {
  const { failure } = await firstFailure(t, 'no-such-host.invalid:2181');
  t.is(failure.server, 'no-such-host.invalid:2181');
  t.true(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL'].includes(failure.code ?? ''), JSON.stringify(failure));
  t.regex(failure.reason, /^host name (not found|lookup failed)/);
});
