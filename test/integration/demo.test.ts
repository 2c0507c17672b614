/**
 * `zkpulse demo` as a user runs it: it starts, its API shows the simulated workers and a master
 * failover, and Ctrl-C stops it leaving no process and no temporary folder behind, whenever it
 * comes (during start-up too) and however often (a terminal and `npm run` each deliver a copy).
 */
import test, { type ExecutionContext } from 'ava';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '../support/poll.ts';

const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));
const FINAL_LINE = /stopped; temporary folders removed\.\n/;

interface Detail {
  master: { id: string } | null;
  workers: { id: string; up: boolean }[];
}

interface RunningDemo {
  process: ChildProcess;
  tmp: string;
  output(): string;
  /** Resolves with the first match of `re` in the output so far or to come; rejects after `ms`. */
  waitFor(re: RegExp, ms: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

function startDemo(t: ExecutionContext, args: string[], env: Record<string, string> = {}): RunningDemo {
  // a private TMPDIR: what the demo leaves behind can be told apart from other tests' folders
  const tmp = mkdtempSync(join(tmpdir(), 'zkpulse-demo-test-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const demo = spawn(process.execPath, [BIN, 'demo', '--http', '127.0.0.1:0', ...args], {
    env: { ...process.env, TMPDIR: tmp, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => void demo.kill('SIGKILL'));
  let out = '';
  const waiting = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString();
    for (const check of [...waiting]) check();
  };
  demo.stdout.on('data', onData);
  demo.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
  const waitFor = (re: RegExp, ms: number) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`no output matching ${re} within ${ms} ms; output:\n${out}`));
      }, ms);
      const check = () => {
        const m = re.exec(out);
        if (!m) return;
        waiting.delete(check);
        clearTimeout(timer);
        resolve(m);
      };
      waiting.add(check);
      check();
    });
  return { process: demo, tmp, output: () => out, waitFor, exited };
}

/** Exit 0 with the final line, nothing left in its TMPDIR, no ZooKeeper or InfluxDB of it still running. */
async function assertStoppedCleanly(t: ExecutionContext, demo: RunningDemo): Promise<void> {
  // ZooKeeper and InfluxDB get SIGTERM, then SIGKILL after 5 s: a deadline well past both
  const code = await Promise.race([demo.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 60_000))]);
  t.is(code, 0, demo.output());
  t.regex(demo.output(), FINAL_LINE);
  // tsx-<uid> is tsx's compile cache, shared by every run on purpose; everything else must be gone
  t.deepEqual(readdirSync(demo.tmp).filter((name) => !name.startsWith('tsx-')), []);
  // their command lines name the temp dir
  const ps = execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' });
  const leftovers = ps.split('\n').filter((line) => line.includes(demo.tmp) && !line.trimStart().startsWith('Z'));
  t.deepEqual(leftovers, []);
}

test('demo: workers and a failover show in the API; SIGINT stops everything and removes its temp dirs', async (t) => {
  const demo = startDemo(t, ['--workers', '4', '--master-crash-every', '4000', '--crash-every', '0']);
  const api = (await demo.waitFor(/API\s+(http:\/\/\S+)/, 90_000))[1] as string;
  const first = await until('4 workers and a master', async () => (await (await fetch(api)).json()) as Detail, (d) => d.workers.filter((w) => w.up).length === 4 && d.master !== null, 30_000, 200);
  const firstMaster = first.master!.id;
  await until('a failover to another master', async () => (await (await fetch(api)).json()) as Detail, (d) => d.master !== null && d.master.id !== firstMaster, 40_000, 200);
  t.true((await fetch(new URL('/', api))).ok, 'the dashboard page answers');

  demo.process.kill('SIGINT');
  await assertStoppedCleanly(t, demo);
});

// Each moment is its own demo; serial, so that two JVMs do not start at once on a small machine.
test.serial('SIGINT while ZooKeeper and InfluxDB start: they are stopped and the final line is printed', async (t) => {
  const demo = startDemo(t, ['--workers', '2']);
  await demo.waitFor(/starting ZooKeeper and InfluxDB/, 90_000);
  demo.process.kill('SIGINT');
  await assertStoppedCleanly(t, demo);
  t.notRegex(demo.output(), /dashboard\s+http/, 'stopped during start-up, before it was up');
});

test.serial('SIGINT while the collector and the simulated cluster start: the final line is printed', async (t) => {
  // at info level the collector says when it listens; the simulated cluster starts right after
  const demo = startDemo(t, ['--workers', '2'], { ZKPULSE_LOG_LEVEL: 'info' });
  await demo.waitFor(/zkpulse collector listening/, 90_000);
  demo.process.kill('SIGINT');
  await assertStoppedCleanly(t, demo);
});

test.serial('a repeated SIGINT (a terminal and npm each send one) does not cut the stop short', async (t) => {
  const demo = startDemo(t, ['--workers', '2']);
  await demo.waitFor(/Ctrl-C stops everything/, 90_000);
  demo.process.kill('SIGINT');
  await demo.waitFor(/stopping\.\.\./, 10_000);
  // a second and a third while it stops: the old code died here with exit code 130
  demo.process.kill('SIGINT');
  demo.process.kill('SIGTERM');
  await assertStoppedCleanly(t, demo);
  t.is(demo.output().match(/stopping\.\.\./g)?.length, 1, 'said once');
});
