/**
 * `zkpulse agent` as a process: exit codes, PROGRESS/DONE/FAILED lines seen by a real collector, the
 * worker busy while a task runs, signal forwarding, failover after kill -9, an unreachable ZooKeeper,
 * bad flags.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Collector } from '../../server/collector.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { startTestCollector } from '../support/collector.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { until } from '../support/poll.ts';
import { freePort } from '../../stack/ports.ts';
import { connectPlain } from '../support/plain-zk.ts';

const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));

/*
 * Deadlines follow from what is awaited. Each agent is a new Node process that loads tsx and transpiles
 * the CLI before it does anything: ~2 s on a quiet machine, 21.5 s was seen on 2 cores at load 17. A
 * step of a running process (a line read, a write) can be as late as that on such a machine.
 * BUSY_MS covers it well and stays under ava's 120 s inactivity timeout. The tests run one at a time:
 * a dozen agents starting at once on 2 cores would make each start as slow as all of them together.
 */
const BUSY_MS = 60_000;
/** the agent's request timeout for a session timeout (agent/options.ts): how long a connection may take */
const requestTimeoutOf = (sessionTimeoutMs: number) => Math.min(4000, Math.max(500, Math.floor(sessionTimeoutMs / 3)));
/** started, connected and registered, with the default session timeout (10 s) */
const REGISTERED_MS = BUSY_MS + requestTimeoutOf(10_000);

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

function readJson(zk: PlainZk, path: string): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) =>
    zk.client.getData(path, (err, data) => resolve(err ? null : (JSON.parse(data.toString()) as Record<string, unknown>))),
  );
}

test.serial('a command\'s PROGRESS lines become status nodes, its output passes through, its exit code is ours; then it leaves', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  // the command reports progress, then waits for a line on stdin (inherited through the agent) and exits 7
  const run = zkpulse(t, ['agent', '--zk', zkAddr, '--root', root, '--id', 'w1', '--heartbeat', '300', '--',
    'sh', '-c', 'echo hello; echo PROGRESS t1 3/10; read line; echo "bye $line"; exit 7']);
  const status = await until('status node', () => readJson(zk, `${root}/status/t1`), (d) => d !== null, REGISTERED_MS);
  t.like(status, { worker: 'w1', done: 3, total: 10, state: 'running' });
  // a task runs: the worker is busy
  t.like(await until('busy', () => readJson(zk, `${root}/workers/w1`), (d) => d?.state === 'busy', BUSY_MS), { id: 'w1', state: 'busy', heartbeatMs: 300 });
  run.child.stdin!.end('now\n');
  const { code } = await run.exit;
  t.is(code, 7);
  t.is(run.stdout(), 'hello\nPROGRESS t1 3/10\nbye now\n');
  t.is(await zk.exists(`${root}/workers/w1`), null);
  t.is(await zk.exists(`${root}/status/t1`), null);
});

interface Finished {
  task: string;
  outcome: string;
  /** the task's last progress in the model when it finished (a task of status nodes only is dropped once they go) */
  progress: unknown;
}

/** A real collector on `root`, and every TaskFinished it derives, in order. */
async function collectorOn(t: ExecutionContext, root: string): Promise<{ collector: Collector; finished: Finished[] }> {
  const collector = await startTestCollector({ clusters: { app: root } });
  t.teardown(() => collector.stop());
  const finished: Finished[] = [];
  collector.events$.subscribe((e: DomainEvent) => {
    // events$ comes after the model took the change
    if (e.type === 'TaskFinished') finished.push({ task: e.task, outcome: e.outcome, progress: collector.model('app')?.tasks.get(e.task)?.progress });
  });
  await collector.whenSynced();
  return { collector, finished };
}

/** The collector saw w1 leave and every status node of `tasks` go. */
function leftWithTasks(collector: Collector, tasks: string[]) {
  return until('the collector to see w1 leave and its status nodes go', async () => collector.model('app'), (m) =>
    m?.workers.get('w1')?.up === false && tasks.every((task) => m.tasks.get(task)?.statusExists !== true), BUSY_MS);
}

const outcomes = (finished: Finished[]) => finished.map(({ task, outcome }) => ({ task, outcome })).sort((a, b) => a.task.localeCompare(b.task));
const progressOf = (finished: Finished[], task: string) => finished.find((f) => f.task === task)?.progress;

test.serial('sidecar tasks end done or failed for a real collector (reached total, DONE, FAILED, exit 0); the worker is busy only while one runs', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const { collector, finished } = await collectorOn(t, root);
  const model = () => collector.model('app');
  const script = [
    'echo PROGRESS t1 2/4; echo PROGRESS t2 0/5 starting; read a',
    'echo PROGRESS t1 4/4; echo FAILED t2 disk full; echo DONE t4 nothing to do; read b',
    'echo PROGRESS t3 1/2; exit 0',
  ].join('; ');
  const run = zkpulse(t, ['agent', '--zk', zkAddr, '--root', root, '--id', 'w1', '--', 'sh', '-c', script]);
  await until('w1 busy with t1 and t2 running', async () => model(), (m) =>
    m?.workers.get('w1')?.state === 'busy' && m.tasks.get('t1')?.state === 'running' && m.tasks.get('t2')?.state === 'running', REGISTERED_MS);
  run.child.stdin!.write('go\n');
  // t1 reached its total, t2 failed, t4 is done: nothing runs, the worker is ready while the command goes on
  const between = await until('t1 done, t2 failed, t4 done, w1 ready', async () => model(), (m) =>
    m?.workers.get('w1')?.state === 'ready' && ['t1', 't2', 't4'].every((task) => m.tasks.get(task)?.state !== 'running' && m.tasks.has(task)), BUSY_MS);
  t.like(between!.tasks.get('t2')?.progress, { state: 'failed', message: 'disk full', done: 0, total: 5 });
  t.like(between!.tasks.get('t4')?.progress, { state: 'done', message: 'nothing to do' });
  run.child.stdin!.end('go\n');
  t.is((await run.exit).code, 0);
  const after = await leftWithTasks(collector, ['t1', 't2', 't3', 't4']);
  // t3 was still running when the command exited 0: done, its last progress kept
  t.like(progressOf(finished, 't3'), { state: 'done', done: 1, total: 2 });
  t.is(after!.workers.get('w1')?.leftReason, 'leaving');
  t.deepEqual(outcomes(finished), [
    { task: 't1', outcome: 'done' },
    { task: 't2', outcome: 'failed' },
    { task: 't3', outcome: 'done' },
    { task: 't4', outcome: 'done' },
  ]);
});

test.serial('a command that exits non-zero fails the tasks still running, with its exit code as their message', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const { collector, finished } = await collectorOn(t, root);
  const run = zkpulse(t, ['agent', '--zk', zkAddr, '--root', root, '--id', 'w1', '--', 'sh', '-c', 'echo PROGRESS t1 2/10 working; echo PROGRESS t2 3/3; exit 3']);
  t.is((await run.exit).code, 3);
  await leftWithTasks(collector, ['t1', 't2']);
  t.like(progressOf(finished, 't1'), { state: 'failed', done: 2, total: 10, message: 'command exited with code 3' });
  t.deepEqual(outcomes(finished), [
    { task: 't1', outcome: 'failed' },
    { task: 't2', outcome: 'done' },
  ]);
});

test.serial('SIGTERM is forwarded to the command; killed by it, the agent exits 128+15 and its running task failed', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  const { collector, finished } = await collectorOn(t, root);
  const run = zkpulse(t, ['agent', '--zk', zkAddr, '--root', root, '--id', 'w1', '--', 'sh', '-c', 'echo PROGRESS t1 1/9; exec sleep 60']);
  await until('started and registered', async () => (await zk.exists(`${root}/status/t1`)) !== null && (await zk.exists(`${root}/workers/w1`)) !== null, Boolean, REGISTERED_MS);
  run.child.kill('SIGTERM');
  t.is((await run.exit).code, 143);
  t.is(await zk.exists(`${root}/workers/w1`), null);
  await leftWithTasks(collector, ['t1']);
  t.like(progressOf(finished, 't1'), { state: 'failed', message: 'command killed by SIGTERM' });
  t.deepEqual(outcomes(finished), [{ task: 't1', outcome: 'failed' }]);
});

test.serial('a command that cannot start: exit 127 and one line on stderr', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const run = zkpulse(t, ['agent', '--zk', zkAddr, '--root', uniqueRoot(t), '--id', 'w1', '--', '/nonexistent/command-xyz']);
  t.is((await run.exit).code, 127);
  t.regex(run.stderr(), /cannot run "\/nonexistent\/command-xyz"/);
});

test.serial('without a command it stays registered until SIGINT, then leaves and exits 0', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  const run = zkpulse(t, ['agent', '--zk', zkAddr, '--root', root, '--id', 'idle']);
  await until('registered', () => zk.exists(`${root}/workers/idle`), (s) => s !== null, REGISTERED_MS);
  run.child.kill('SIGINT');
  t.is((await run.exit).code, 0);
  t.is(await zk.exists(`${root}/workers/idle`), null);
});

test.serial('kill -9 of the master process: a standby holds R/master once the session times out, before a second timeout', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  const sessionTimeout = 3000;
  const runs = new Map(['m1', 'm2', 'm3'].map((id) => [id, zkpulse(t, ['agent', '--zk', zkAddr, '--root', root, '--id', id, '--candidate', '--session-timeout', String(sessionTimeout)])]));
  await until('three candidates and a master', async () => ({ n: (await new Promise<string[]>((r) => zk.client.getChildren(`${root}/election`, (e, c) => r(e ? [] : c)))).length, m: await readJson(zk, `${root}/master`) }), (v) => v.n === 3 && v.m !== null, BUSY_MS + requestTimeoutOf(sessionTimeout));
  const master = (await readJson(zk, `${root}/master`))!;
  const first = (await zk.exists(`${root}/master`))!;
  const leader = runs.get(master.id as string)!;
  leader.child.kill('SIGKILL');
  const killedAt = Date.now();
  await leader.exit;
  const next = await until('a new master', async () => ({ stat: await zk.exists(`${root}/master`), data: await readJson(zk, `${root}/master`) }), (v) => v.stat !== null && !v.stat.czxid.equals(first.czxid), sessionTimeout + BUSY_MS, 50);
  const took = Date.now() - killedAt;
  // The server expires the dead session after the session timeout (+ a tick) and the next candidate's
  // watch fires then; a failover that waited for anything more (its own probe, a second session) would
  // take at least another session timeout. The rest of the margin is for a busy machine.
  t.true(took < 2 * sessionTimeout, `took ${took} ms`);
  t.not(next.data?.id, master.id);
  t.true(['m1', 'm2', 'm3'].includes(next.data?.id as string));
  // the new master announces it on stderr (it may write R/master a moment before the line reaches us)
  const announced = new RegExp(`leadership: leader epoch=${next.stat!.czxid.readBigInt64BE(0)}`);
  const stderr = await until('the new master to announce itself', async () => runs.get(next.data!.id as string)!.stderr(), (e) => announced.test(e), BUSY_MS, 50);
  t.regex(stderr, announced);
  for (const [id, run] of runs) if (id !== master.id) run.child.kill('SIGTERM');
  for (const [id, run] of runs) if (id !== master.id) t.is((await run.exit).code, 0);
  t.is(await zk.exists(`${root}/master`), null);
});

const cannotReach = (stderr: string) => stderr.split('\n').filter((l) => l.includes('cannot reach ZooKeeper'));

test.serial('nothing listens at --zk: the command still runs, one stderr line names the address and the reason, the exit code is the command\'s', async (t) => {
  const port = await freePort();
  const run = zkpulse(t, ['agent', '--zk', `127.0.0.1:${port}`, '--root', '/r', '--id', 'w1', '--', 'sh', '-c', 'echo hi; exit 4']);
  t.is((await run.exit).code, 4);
  t.is(run.stdout(), 'hi\n');
  // said while the command ran ("retrying") or, for a command this short, when the agent left
  const lines = run.stderr().trimEnd().split('\n');
  t.is(lines.length, 1, run.stderr());
  t.regex(lines[0]!, new RegExp(`^zkpulse agent: cannot reach ZooKeeper at 127\\.0\\.0\\.1:${port} \\(connection refused\\); worker w1 (is not registered; retrying|was not registered)$`));
});

test.serial('a ZooKeeper that does not answer is said once (not once per probe), then that the worker registered when it does', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const proxy = await startTcpProxy(zkAddr);
  t.teardown(() => proxy.close());
  proxy.block();
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  const sessionTimeout = 2000;
  const requestTimeout = requestTimeoutOf(sessionTimeout);
  const run = zkpulse(t, ['agent', '--zk', proxy.address, '--root', root, '--id', 'w1', '--session-timeout', String(sessionTimeout), '--', 'sh', '-c', 'echo started; read x; exit 5']);
  const expected = `zkpulse agent: cannot reach ZooKeeper at ${proxy.address} (the port accepts connections but ZooKeeper did not answer within ${requestTimeout} ms); worker w1 is not registered; retrying`;
  await until('the outage said', async () => cannotReach(run.stderr()), (l) => l.length > 0, BUSY_MS + requestTimeout);
  t.true(run.stdout().startsWith('started'));
  // the agent probes every 500 ms with a 666 ms timeout: let several probes fail, then let it through
  const probeRounds = 4;
  const since = Date.now();
  await until(`${probeRounds} probe rounds`, async () => Date.now() - since, (ms) => ms > probeRounds * (500 + requestTimeout), BUSY_MS);
  proxy.unblock();
  const registered = `zkpulse agent: reached ZooKeeper at ${proxy.address} after `;
  await until('registered after the outage', async () => run.stderr(), (e) => e.includes(registered), BUSY_MS + requestTimeout);
  t.truthy(await zk.exists(`${root}/workers/w1`));
  run.child.stdin!.end('\n');
  t.is((await run.exit).code, 5);
  const lines = run.stderr().trimEnd().split('\n');
  t.is(lines.length, 2, run.stderr());
  t.is(lines[0], expected);
  t.regex(lines[1]!, /reached ZooKeeper at 127\.0\.0\.1:\d+ after \d+\.\d s; worker w1 is registered$/);
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
  test.serial(`bad flags: ${why} → one line, exit 2`, async (t) => {
    const run = zkpulse(t, ['agent', ...args]);
    const { code } = await run.exit;
    t.is(code, 2);
    const lines = run.stderr().trimEnd().split('\n');
    t.is(lines.length, 1, run.stderr());
    t.regex(lines[0]!, pattern);
  });
}
