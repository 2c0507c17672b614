/**
 * `zkpulse agent` as a process: exit codes, PROGRESS lines, signal forwarding, failover after kill -9,
 * bad flags.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';

const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function zkpulse(t: ExecutionContext, args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function plain(t: ExecutionContext, zkAddr: string): Promise<PlainZk> {
  const zk = await PlainZk.connect(zkAddr);
  t.teardown(() => zk.close());
  return zk;
}

function readJson(zk: PlainZk, path: string): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) =>
    zk.client.getData(path, (err, data) => resolve(err ? null : (JSON.parse(data.toString()) as Record<string, unknown>))),
  );
}

test('a command\'s PROGRESS lines become status nodes, its output passes through, its exit code is ours; then it leaves', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await plain(t, zkAddr);
  // the command reports progress, then waits for a line on stdin (inherited through the agent) and exits 7
  const run = zkpulse(t, ['agent', '--zk', zkAddr, '--root', root, '--id', 'w1', '--heartbeat', '300', '--',
    'sh', '-c', 'echo hello; echo PROGRESS t1 3/10; read line; echo "bye $line"; exit 7']);
  const status = await until('status node', () => readJson(zk, `${root}/status/t1`), (d) => d !== null);
  t.like(status, { worker: 'w1', done: 3, total: 10, state: 'running' });
  t.like(await readJson(zk, `${root}/workers/w1`), { id: 'w1', state: 'ready', heartbeatMs: 300 });
  run.child.stdin!.end('now\n');
  const { code } = await run.exit;
  t.is(code, 7);
  t.is(run.stdout(), 'hello\nPROGRESS t1 3/10\nbye now\n');
  t.is(await zk.exists(`${root}/workers/w1`), null);
  t.is(await zk.exists(`${root}/status/t1`), null);
});

test('SIGTERM is forwarded to the command; killed by it, the agent exits 128+15', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await plain(t, zkAddr);
  const run = zkpulse(t, ['agent', '--zk', zkAddr, '--root', root, '--id', 'w1', '--', 'sh', '-c', 'echo started; exec sleep 60']);
  await until('started and registered', async () => run.stdout().includes('started') && (await zk.exists(`${root}/workers/w1`)) !== null, Boolean);
  run.child.kill('SIGTERM');
  t.is((await run.exit).code, 143);
  t.is(await zk.exists(`${root}/workers/w1`), null);
});

test('a command that cannot start: exit 127 and one line on stderr', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const run = zkpulse(t, ['agent', '--zk', zkAddr, '--root', uniqueRoot(t), '--id', 'w1', '--', '/nonexistent/command-xyz']);
  t.is((await run.exit).code, 127);
  t.regex(run.stderr(), /cannot run "\/nonexistent\/command-xyz"/);
});

test('without a command it stays registered until SIGINT, then leaves and exits 0', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await plain(t, zkAddr);
  const run = zkpulse(t, ['agent', '--zk', zkAddr, '--root', root, '--id', 'idle']);
  await until('registered', () => zk.exists(`${root}/workers/idle`), (s) => s !== null);
  run.child.kill('SIGINT');
  t.is((await run.exit).code, 0);
  t.is(await zk.exists(`${root}/workers/idle`), null);
});

test('kill -9 of the master process: a standby holds R/master within the session timeout + 1 s', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await plain(t, zkAddr);
  const sessionTimeout = 3000;
  const runs = new Map(['m1', 'm2', 'm3'].map((id) => [id, zkpulse(t, ['agent', '--zk', zkAddr, '--root', root, '--id', id, '--candidate', '--session-timeout', String(sessionTimeout)])]));
  await until('three candidates and a master', async () => ({ n: (await new Promise<string[]>((r) => zk.client.getChildren(`${root}/election`, (e, c) => r(e ? [] : c)))).length, m: await readJson(zk, `${root}/master`) }), (v) => v.n === 3 && v.m !== null);
  const master = (await readJson(zk, `${root}/master`))!;
  const first = (await zk.exists(`${root}/master`))!;
  const leader = runs.get(master.id as string)!;
  leader.child.kill('SIGKILL');
  const killedAt = Date.now();
  await leader.exit;
  const next = await until('a new master', async () => ({ stat: await zk.exists(`${root}/master`), data: await readJson(zk, `${root}/master`) }), (v) => v.stat !== null && !v.stat.czxid.equals(first.czxid), sessionTimeout + 5000, 50);
  const took = Date.now() - killedAt;
  t.true(took <= sessionTimeout + 1000, `took ${took} ms`);
  t.not(next.data?.id, master.id);
  t.true(['m1', 'm2', 'm3'].includes(next.data?.id as string));
  // the new master announces it on stderr (it may write R/master a moment before the line reaches us)
  const announced = new RegExp(`leadership: leader epoch=${next.stat!.czxid.readBigInt64BE(0)}`);
  const stderr = await until('the new master to announce itself', async () => runs.get(next.data!.id as string)!.stderr(), (e) => announced.test(e), 5000, 50);
  t.regex(stderr, announced);
  for (const [id, run] of runs) if (id !== master.id) run.child.kill('SIGTERM');
  for (const [id, run] of runs) if (id !== master.id) t.is((await run.exit).code, 0);
  t.is(await zk.exists(`${root}/master`), null);
});

for (const [why, args, pattern] of [
  ['missing --zk', ['--root', '/r', '--id', 'a'], /^--zk: required$/],
  ['missing --id', ['--zk', '127.0.0.1:1', '--root', '/r'], /^--id: required$/],
  ['an id with a slash', ['--zk', '127.0.0.1:1', '--root', '/r', '--id', 'a/b'], /^--id: id: must not contain '\/'/],
  ['a relative root', ['--zk', '127.0.0.1:1', '--root', 'r', '--id', 'a'], /^--root: root: expected an absolute znode path/],
  ['a heartbeat that is not a number', ['--zk', '127.0.0.1:1', '--root', '/r', '--id', 'a', '--heartbeat', 'soon'], /^--heartbeat: expected whole milliseconds/],
  ['bad --zk-auth', ['--zk', '127.0.0.1:1', '--root', '/r', '--id', 'a', '--zk-auth', 'nopass'], /^--zk-auth: auth:/],
  ['an unknown flag', ['--zk', '127.0.0.1:1', '--root', '/r', '--id', 'a', '--bogus'], /unknown option '--bogus'/],
] as const) {
  test(`bad flags: ${why} → one line, exit 2`, async (t) => {
    const run = zkpulse(t, ['agent', ...args]);
    const { code } = await run.exit;
    t.is(code, 2);
    const lines = run.stderr().trimEnd().split('\n');
    t.is(lines.length, 1, run.stderr());
    t.regex(lines[0]!, pattern);
  });
}
