/**
 * `zkpulse demo` as a user runs it: it starts, its API shows the simulated workers and a master
 * failover, and Ctrl-C stops it leaving no process and no temporary folder behind.
 */
import test from 'ava';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '../support/poll.ts';

const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));

interface Detail {
  master: { id: string } | null;
  workers: { id: string; up: boolean }[];
}

test('demo: workers and a failover show in the API; SIGINT stops everything and removes its temp dirs', async (t) => {
  // a private TMPDIR: what the demo leaves behind can be told apart from other tests' folders
  const tmp = mkdtempSync(join(tmpdir(), 'zkpulse-demo-test-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const demo = spawn(process.execPath, [BIN, 'demo', '--http', '127.0.0.1:0', '--workers', '4', '--master-crash-every', '4000', '--crash-every', '0'], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => void demo.kill('SIGKILL'));
  let out = '';
  demo.stdout.on('data', (b: Buffer) => (out += b.toString()));
  demo.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));

  const api = await until('the API URL on stdout', async () => /API\s+(http:\/\/\S+)/.exec(out)?.[1], (u) => u !== undefined, 90_000);
  const first = await until('4 workers and a master', async () => (await (await fetch(api!)).json()) as Detail, (d) => d.workers.filter((w) => w.up).length === 4 && d.master !== null, 30_000, 200);
  const firstMaster = first.master!.id;
  await until('a failover to another master', async () => (await (await fetch(api!)).json()) as Detail, (d) => d.master !== null && d.master.id !== firstMaster, 40_000, 200);
  t.true((await fetch(new URL('/', api!))).ok, 'the dashboard page answers');

  demo.kill('SIGINT');
  t.is(await exited, 0, out);
  t.regex(out, /stopped; temporary folders removed/);
  // tsx-<uid> is tsx's compile cache, shared by every run on purpose; everything else must be gone
  t.deepEqual(readdirSync(tmp).filter((name) => !name.startsWith('tsx-')), []);
  // no ZooKeeper or InfluxDB of the demo is still running (their command lines name the temp dir)
  const ps = execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' });
  const leftovers = ps.split('\n').filter((line) => line.includes(tmp) && !line.trimStart().startsWith('Z'));
  t.deepEqual(leftovers, []);
});
