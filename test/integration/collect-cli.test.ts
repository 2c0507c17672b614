/**
 * `zkpulse collect` as a process, as a new user meets it: a wrong ZooKeeper address is said in words
 * (address and reason, once per outage, then that it connected), never blamed on alerting; logs are
 * JSON when stdout is not a terminal, readable lines with --log-format pretty.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../stack/ports.ts';
import { sharedZooKeeper } from '../support/services.ts';

const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));
/** the CLI starts through tsx (a few seconds on a busy machine); the collector's first attempt follows at once */
const START_MS = 60_000;

interface Collect {
  lines: () => string[];
  /** resolves with the first stdout line (from `from` on) that matches, rejects after `ms` */
  line: (match: (line: string) => boolean, what: string, ms?: number) => Promise<{ line: string; index: number }>;
}

function collect(t: ExecutionContext, args: string[]): Collect {
  const child = spawn(process.execPath, [BIN, 'collect', '--http', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lines = () => out.split('\n').filter((l) => l !== '');
  return {
    lines,
    line: (match, what, ms = START_MS) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const index = lines().findIndex(match);
          if (index === -1) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve({ line: lines()[index]!, index });
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${what} within ${ms} ms; stdout:\n${out}\nstderr:\n${err}`));
        }, ms);
        waiters.add(check);
        check();
      }),
  };
}

interface LogLine {
  level: number;
  msg: string;
  zk?: string;
  reason?: string;
  code?: string;
}

const json = (line: string): LogLine | null => {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return null;
  }
};

/** A server on `port` that accepts and at once closes each connection; `knocked` resolves at the `n`th. */
async function slammingDoor(port: number, n: number, ms: number): Promise<{ knocked: Promise<void>; close: () => Promise<void> }> {
  let accepted = 0;
  let knocked!: () => void;
  const done = new Promise<void>((resolve) => (knocked = resolve));
  const server = net.createServer((socket) => {
    socket.destroy();
    if (++accepted === n) knocked();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${accepted} of ${n} connection attempts within ${ms} ms`)), ms)));
  return {
    knocked: Promise.race([done, late]).finally(() => clearTimeout(timer)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Forward `port` to ZooKeeper. */
async function forwarder(t: ExecutionContext, port: number, target: string): Promise<void> {
  const [host, targetPort] = target.split(':') as [string, string];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(targetPort), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
}

test('collect against a port where nothing listens: "cannot reach ZooKeeper at <addr> (connection refused)", once, then "connected"', async (t) => {
  const port = await freePort();
  const run = collect(t, ['--zk', `127.0.0.1:${port}`, '--cluster', 'crawler=/apps/crawler']);
  const { line, index } = await run.line((l) => json(l)?.msg.startsWith('cannot reach ZooKeeper') === true, '"cannot reach" line');
  const entry = json(line)!;
  t.is(entry.msg, `cannot reach ZooKeeper at 127.0.0.1:${port} (connection refused); cluster crawler is not watched yet; retrying`);
  t.is(entry.level, 40);
  t.is(entry.zk, `127.0.0.1:${port}`);
  t.is(entry.code, 'ECONNREFUSED');

  // the collector keeps trying (a server that closes each connection sees it come back) and says nothing more
  // each retry comes within the library's spin delay (200 ms) or the probe's rebuild (interval + timeout, 5 s)
  const door = await slammingDoor(port, 3, 30_000);
  await door.knocked;
  await door.close();
  await forwarder(t, port, await sharedZooKeeper());
  const connected = await run.line((l) => json(l)?.msg.startsWith('connected to ZooKeeper') === true, '"connected" line', 30_000);
  t.regex(json(connected.line)!.msg, new RegExp(`^connected to ZooKeeper at 127\\.0\\.0\\.1:${port} \\(session 0x[0-9a-f]{16}\\); watching cluster crawler$`));
  t.true(connected.index > index);

  const before = run.lines().slice(0, connected.index).map(json);
  t.true(before.every((l) => l !== null), 'stdout is not a terminal: every line is JSON');
  t.is(before.filter((l) => l!.msg.startsWith('cannot reach')).length, 1, 'once per outage');
  t.false(before.some((l) => l!.level >= 50), 'no error-level line: alerting waiting for ZooKeeper is not an error');
  t.false(before.some((l) => /alerting/.test(l!.msg)), 'the first complaint is not about alerting');
});

test('collect --log-format pretty: readable lines, not JSON', async (t) => {
  const port = await freePort();
  const run = collect(t, ['--zk', `127.0.0.1:${port}`, '--cluster', 'a=/a', '--cluster', 'b=/b', '--log-format', 'pretty']);
  const { line } = await run.line((l) => l.includes('cannot reach ZooKeeper'), '"cannot reach" line');
  t.regex(line, new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] WARN: cannot reach ZooKeeper at 127\\.0\\.0\\.1:${port} \\(connection refused\\); clusters a, b are not watched yet; retrying`));
  t.is(json(line), null);
  t.false(line.includes('\u001b['), 'no colours when stdout is not a terminal');
});

test('collect with ZKPULSE_LOG_FORMAT=bogus: one line naming the variable, exit 2', async (t) => {
  const child = spawn(process.execPath, [BIN, 'collect', '--zk', '127.0.0.1:2181', '--cluster', 'a=/a'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ZKPULSE_LOG_FORMAT: 'bogus' },
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.is(code, 2);
  t.is(err, 'ZKPULSE_LOG_FORMAT: expected pretty or json\n');
});
