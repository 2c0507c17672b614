/**
 * `zkpulse agent --lock NAME -- cmd` as processes: five contenders for one lock under kill -9 and session
 * expiry of the holder never overlap (each command appends enter/leave to one shared file while it holds
 * the lock, and the holders match the zkpulse view of the lock: its lowest contender in ZooKeeper); the
 * exit codes (the command's, 75 for --lock-wait, 76 for a lost lock); bad flags.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockHolders, parseLockContender, type Contender } from '../../contract/locks.ts';
import { EXIT_LOCK_LOST, EXIT_LOCK_NOT_ACQUIRED } from '../../agent/exit-code.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { until } from '../support/poll.ts';
import { runZkpulse, ZKPULSE_BIN } from '../support/cli.ts';
import { connectPlain, childrenOf } from '../support/plain-zk.ts';

/*
 * Deadlines follow from what is awaited. Each agent is a new Node process that loads tsx and transpiles
 * the CLI first: ~2 s on a quiet machine, 20 s and more on 2 busy cores (see agent-cli.test.ts); BUSY_MS
 * covers that. A holder's lock goes to the next contender when its session ends: SESSION_MS after a kill -9
 * or a partition. The tests run one at a time: five agents starting at once are slow enough.
 */
const BUSY_MS = 60_000;
const SESSION_MS = 8000;
const NEXT_HOLDER_MS = SESSION_MS + BUSY_MS;

interface Run {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function zkpulse(t: ExecutionContext, args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, [ZKPULSE_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stderr: () => err, exit };
}

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-lock-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The zkpulse view of a lock: its holder as contract/locks.ts computes it from the contender names. */
function holderOf(names: readonly string[]): string | null {
  const contenders: Contender[] = [];
  for (const node of names) {
    const c = parseLockContender(node);
    if (c) contenders.push({ node, ...c });
  }
  return lockHolders(contenders)[0]?.node ?? null;
}

/** Every holder the lock node's children show, in order (a children watch, re-armed on each change). */
function watchHolders(t: ExecutionContext, zk: PlainZk, path: string): string[] {
  const seen: string[] = [];
  let stopped = false;
  t.teardown(() => void (stopped = true));
  const look = () => {
    if (stopped) return;
    zk.client.getChildren(
      path,
      () => look(),
      (err, kids) => {
        if (err) return void setTimeout(look, 50); // the lock node is not there yet: no watch was set
        const holder = holderOf(kids);
        if (holder !== null && seen.at(-1) !== holder) seen.push(holder);
      },
    );
  };
  look();
  return seen;
}

interface Entry {
  what: 'enter' | 'leave';
  id: string;
  node?: string;
  token?: string;
  pid?: number;
}

function readLog(file: string): Entry[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [what, id, node, token, pid] = l.split(' ');
      return what === 'enter' ? { what, id: id!, node: node!, token: token!, pid: Number(pid) } : { what: what as 'leave', id: id! };
    });
}

/** enter, leave, enter, leave, ...: each leave the one who entered last; never two holders. */
function assertNoOverlap(t: ExecutionContext, log: Entry[]): void {
  let inside: string | null = null;
  for (const [i, e] of log.entries()) {
    if (e.what === 'enter') {
      t.is(inside, null, `line ${i + 1}: ${e.id} entered while ${inside} held the lock`);
      inside = e.id;
    } else {
      t.is<string | null, string | null>(e.id, inside, `line ${i + 1}: ${e.id} left, but ${inside} held the lock`);
      inside = null;
    }
  }
}

// holds the lock until "$DIR/release-$ID" exists; on SIGTERM says it left
const HOLDER = [
  'trap \'echo "leave $ID" >> "$DIR/log"; exit 143\' TERM',
  'echo "enter $ID $ZKPULSE_LOCK_NODE $ZKPULSE_LOCK_TOKEN $$" >> "$DIR/log"',
  'while [ ! -e "$DIR/release-$ID" ]; do sleep 0.05; done',
  'echo "leave $ID" >> "$DIR/log"',
].join('\n');

test.serial('five --lock contenders under kill -9 and session expiry of the holder: never two holders, in the order ZooKeeper shows', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const lockPath = `${root}/locks/job`;
  const dir = tempDir(t);
  const log = join(dir, 'log');
  const zk = await connectPlain(t, zkAddr);
  const zkView = watchHolders(t, zk, lockPath);
  const ids = ['c1', 'c2', 'c3', 'c4', 'c5'];
  const proxies = new Map<string, TcpProxy>();
  const runs = new Map<string, Run>();
  for (const id of ids) {
    const proxy = await startTcpProxy(zkAddr);
    t.teardown(() => proxy.close());
    proxies.set(id, proxy);
    const args = ['agent', '--zk', proxy.address, '--root', root, '--id', id, '--session-timeout', String(SESSION_MS), '--lock', 'job', '--', 'sh', '-c', HOLDER];
    runs.set(id, zkpulse(t, args, { ID: id, DIR: dir }));
  }
  const enters = (n: number, ms: number) => until(`${n} holders`, async () => readLog(log), (l) => l.filter((e) => e.what === 'enter').length >= n, ms, 50);
  const holderAt = (l: Entry[], n: number) => l.filter((e) => e.what === 'enter')[n - 1]!;
  await until('five contenders', () => childrenOf(zk, lockPath), (c) => c.length === 5, BUSY_MS);
  const first = holderAt(await enters(1, BUSY_MS), 1);

  // kill -9 of the holder: its command (a process group of its own) and the agent; its session ends SESSION_MS later
  process.kill(-first.pid!, 'SIGKILL');
  runs.get(first.id)!.child.kill('SIGKILL');
  t.is((await runs.get(first.id)!.exit).signal, 'SIGKILL');
  appendFileSync(log, `leave ${first.id}\n`);
  const second = holderAt(await enters(2, NEXT_HOLDER_MS), 2);

  // the holder partitioned: told at once, it stops its command, which leaves before the session expires
  proxies.get(second.id)!.block();
  const lost = await runs.get(second.id)!.exit;
  t.is(lost.code, EXIT_LOCK_LOST);
  t.regex(runs.get(second.id)!.stderr(), /zkpulse agent: lock job: the connection to ZooKeeper dropped: the session may expire and the lock go to the next contender; stopping "sh" \(SIGTERM, SIGKILL after 2000 ms\)/);
  t.deepEqual(readLog(log).at(-1), { what: 'leave', id: second.id });
  const third = holderAt(await enters(3, NEXT_HOLDER_MS), 3);

  // the rest release in turn: each command exits 0, and so does its agent
  let last = third;
  for (let n = 4; n <= 6; n++) {
    writeFileSync(join(dir, `release-${last.id}`), '');
    t.is((await runs.get(last.id)!.exit).code, 0);
    if (n <= 5) last = holderAt(await enters(n, BUSY_MS), n);
  }
  const entries = readLog(log);
  assertNoOverlap(t, entries);
  const holders = entries.filter((e) => e.what === 'enter');
  t.deepEqual(holders.map((h) => h.id).sort(), ids, 'each contender held it once');
  for (let i = 1; i < holders.length; i++) {
    t.true(Number(holders[i]!.node!.slice(-10)) > Number(holders[i - 1]!.node!.slice(-10)), 'in sequence order');
    t.true(BigInt(holders[i]!.token!) > BigInt(holders[i - 1]!.token!), 'fencing tokens grow');
  }
  // the zkpulse view: the lowest contender in ZooKeeper was, in turn, each holder the commands saw
  await until('the lock node empty', () => childrenOf(zk, lockPath), (c) => c.length === 0, BUSY_MS);
  t.deepEqual(zkView, holders.map((h) => h.node));
});

test.serial('--lock: two invocations run the command one at a time; --lock-wait gives up with 75 without running it; the exit code is the command\'s', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const lockPath = `${root}/locks/nightly`;
  const dir = tempDir(t);
  const log = join(dir, 'log');
  const zk = await connectPlain(t, zkAddr);
  const agent = (id: string, extra: string[], script: string) =>
    zkpulse(t, ['agent', '--zk', zkAddr, '--root', root, '--id', id, '--lock', 'nightly', ...extra, '--', 'sh', '-c', script], { ID: id, DIR: dir });
  const lines = () => {
    try {
      return readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
    } catch {
      return [];
    }
  };
  const a = agent('a', [], 'echo "enter a" >> "$DIR/log"; while [ ! -e "$DIR/release" ]; do sleep 0.05; done; echo "leave a" >> "$DIR/log"; exit 7');
  await until('a runs', async () => lines(), (l) => l.includes('enter a'), BUSY_MS, 50);
  const b = agent('b', ['--lock-wait', '1s'], 'echo "ran b" >> "$DIR/log"');
  const gaveUp = await b.exit;
  t.is(gaveUp.code, EXIT_LOCK_NOT_ACQUIRED);
  t.regex(b.stderr(), /^zkpulse agent: lock nightly: not acquired within 1000 ms \(--lock-wait\); "sh" was not run$/m);
  const c = agent('c', [], 'echo "enter c" >> "$DIR/log"; echo "leave c" >> "$DIR/log"; exit 3');
  await until('c waits', () => childrenOf(zk, lockPath), (kids) => kids.length === 2, BUSY_MS);
  t.deepEqual(lines(), ['enter a']);
  writeFileSync(join(dir, 'release'), '');
  t.is((await a.exit).code, 7);
  t.is((await c.exit).code, 3);
  t.deepEqual(lines(), ['enter a', 'leave a', 'enter c', 'leave c']);
  t.deepEqual(await childrenOf(zk, lockPath), []);
});

test('--lock: a bad lock name, no command, a bad --lock-wait: one line naming the flag, exit 2, nothing started', async (t) => {
  const base = ['agent', '--zk', '127.0.0.1:1', '--root', '/apps/a', '--id', 'w1'];
  const cases: [string[], string][] = [
    [['--lock', 'a/b', '--', 'true'], '--lock: lock name: must not contain \'/\', got "a/b"'],
    [['--lock', 'nightly'], '--lock: needs the command to run while holding the lock, after -- (e.g. --lock nightly -- ./nightly.sh)'],
    [['--lock', 'nightly', '--lock-wait', 'soon', '--', 'true'], '--lock-wait: expected a duration like "10s", "5m" or "1m30s", got "soon"'],
    [['--lock-wait', '5s', '--', 'true'], '--lock-wait: only with --lock NAME'],
  ];
  for (const [flags, line] of cases) {
    const run = await runZkpulse([...base, ...flags]);
    t.is(run.code, 2, flags.join(' '));
    t.is(run.stderr, `${line}\n`);
  }
});
