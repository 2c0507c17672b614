/**
 * `zkpulse demo --layout <name>`: the simulated foreign programs show in the API as the layout reads them, and
 * a bad --layout is one line with exit code 2.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until } from '../support/poll.ts';

const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));

interface Detail {
  master: { id: string; epoch?: string } | null;
  workers: { id: string; up: boolean }[];
}

async function withDemo(args: string[], check: (api: string) => Promise<void>): Promise<void> {
  const demo = spawn(process.execPath, [BIN, 'demo', '--http', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const api = await new Promise<string>((resolve, reject) => {
    // the first start may install and start ZooKeeper and InfluxDB (JVM start-up)
    const timer = setTimeout(() => reject(new Error(`no API line within 90 s; output:\n${out}`)), 90_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /API\s+(http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    demo.stdout.on('data', onData);
    demo.stderr.on('data', onData);
  });
  const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
  try {
    await check(api);
  } finally {
    demo.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    demo.kill('SIGKILL');
  }
}

const detail = async (api: string): Promise<Detail> => (await (await fetch(api)).json()) as Detail;

test.serial('demo --layout curator-leader-latch: the lowest latch participant leads, and a killed leader is replaced', async (t) => {
  await withDemo(['--layout', 'curator-leader-latch', '--workers', '3', '--crash-every', '0', '--master-crash-every', '4000'], async (api) => {
    const first = await until('a latch leader among 3 participants', () => detail(api), (d) => d.master !== null && d.workers.filter((w) => w.up).length === 3, 30_000, 200);
    // the participant id is the latch child's data: participant-1 created the lowest sequence
    t.is(first.master!.id, 'participant-1');
    await until('another leader after the chaos kills it', () => detail(api), (d) => d.master !== null && d.master.id !== 'participant-1', 40_000, 200);
  });
});

test.serial('demo --layout kafka: the brokers are the members, the controller is the leader with controller_epoch', async (t) => {
  await withDemo(['--layout', 'kafka', '--workers', '3', '--crash-every', '0', '--master-crash-every', '4000'], async (api) => {
    const first = await until('3 brokers and a controller', () => detail(api), (d) => d.master !== null && d.workers.filter((w) => w.up).length === 3, 30_000, 200);
    t.deepEqual(first.workers.map((w) => w.id).sort(), ['1', '2', '3']);
    t.is(first.master!.id, '1');
    t.is(first.master!.epoch, '1', 'the epoch is controller_epoch, not a czxid');
    const moved = await until('a new controller after the chaos kills broker 1', () => detail(api), (d) => d.master !== null && d.master.id !== '1', 40_000, 200);
    t.is(moved.master!.epoch, '2');
  });
});

test('demo --layout with an unknown name: one line naming the flag, exit 2', (t) => {
  const r = spawnSync(process.execPath, [BIN, 'demo', '--layout', 'nope'], { encoding: 'utf8' });
  t.is(r.status, 2);
  t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  t.regex(r.stderr, /--layout: expected one of zkpulse, curator-leader-latch, kafka, got "nope"/);
});
