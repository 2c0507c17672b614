/**
 * `bench cold-start`: from process start to a complete model of N workers, for `zkpulse collect` as users run
 * it (bin/zkpulse.js → the dist/bundle/ bundle, plain Node, HTTP API on; and tsc's dist/cli/ without the bundle) and for kazoo's TreeCache (from Python start), against one
 * private ZooKeeper, runs interleaved, medians compared (issue 17: zkpulse ≤ 0.3× kazoo).
 * Complete = the collector's "cluster bench synced" log line with N workers up (collector/sync-report.ts:
 * logged right after the sync is folded into the model) and, for kazoo, its INITIALIZED event. Both are
 * wall-clock times of the child (pino's `time`, Python's time.time()) minus the wall clock just before
 * spawn, one machine, one clock.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureServices, freePort, startZooKeeper } from '../../stack/index.ts';
import { populateCluster } from '../support/cluster-data.ts';
import { runJsonChild } from '../support/child.ts';
import { fmtMs, fmtRatio, median } from '../support/stats.ts';
import { printTable } from '../support/table.ts';
import { SYSTEM_PYTHON, kazooArgs, kazooMissing } from '../sync/baselines.ts';

export interface ColdStartOptions {
  workers: number;
  runs: number;
}

const ROOT = '/bench/cold-start';
const CLUSTER = 'bench';
const TARGET = 0.3;
const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));
const DIST_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../dist/bundle/cli.mjs', import.meta.url));
/** a one-line preload that reports the child's performance.timeOrigin (Node's own process start) */
const PROCESS_START = new URL('./process-start.mjs', import.meta.url).href;
/** a run that has not completed by then failed (a cold start is seconds even on a loaded machine) */
const RUN_DEADLINE_MS = 300_000;

/** ms after spawn of each milestone (wall clock), and the load average while it ran */
interface Sample {
  total: number;
  phases: Record<string, number>;
  /** session connected → complete, inside the same process (the `bench sync` figure) */
  warm: number;
  load: number;
}

interface LogLine {
  time: number;
  msg: string;
  cluster?: string;
  workersUp?: number;
  syncMs?: number | null;
  resync?: boolean;
}

const loadAvg = () => os.loadavg()[0] ?? Number.NaN;

/**
 * How the collector is started: bin/zkpulse.js (the bundle, dist/bundle/, as users run it), or tsc's dist/cli/main.js
 * without the bundle (the same V8 flag the binary sets), the baseline of the bundle in the same run.
 */
const BUNDLED = ['--import', PROCESS_START, BIN];
const UNBUNDLED = ['--heap-growing-percent=100', '--import', PROCESS_START, DIST_MAIN];

/** `zkpulse collect` from spawn to its "synced" line with N workers up; then SIGTERM. */
async function zkpulseRun(entry: string[], cs: string, n: number): Promise<Sample> {
  const port = await freePort();
  const args = [...entry, 'collect', '--zk', cs, '--cluster', `${CLUSTER}=${ROOT}`, '--http', `127.0.0.1:${port}`, '--log-format', 'json', '--instance', 'cold-start'];
  const load0 = loadAvg();
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ZKPULSE_FROM_SOURCE: '0' } });
  let stderr = '';
  let processStart = Number.NaN;
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    const m = /"processStart":([\d.]+)/.exec(stderr);
    if (m) processStart = Number(m[1]);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const marks: Record<string, number> = {};
  try {
    const synced = await new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no complete model within ${RUN_DEADLINE_MS} ms`)), RUN_DEADLINE_MS);
      child.once('exit', (code, signal) => reject(new Error(`collector exited (${signal ?? code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`)));
      createInterface({ input: child.stdout }).on('line', (text) => {
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          return;
        }
        if (line.msg.startsWith('zkpulse collector listening')) marks.listening ??= line.time;
        if (line.msg.startsWith('connected to ZooKeeper')) marks.connected ??= line.time;
        if (line.cluster === CLUSTER && line.workersUp !== undefined && line.msg.includes(' synced: ')) {
          clearTimeout(timer);
          if (line.workersUp === n) resolve(line);
          else reject(new Error(`synced with ${line.workersUp} workers up, expected ${n}`));
        }
      });
    });
    const at = (t: number | undefined) => (t === undefined ? Number.NaN : t - spawnedAt);
    return {
      total: at(synced.time),
      warm: synced.syncMs ?? Number.NaN,
      load: Math.max(load0, loadAvg()),
      phases: {
        'node process started': at(processStart),
        'HTTP API listening': at(marks.listening),
        'ZooKeeper session connected': at(marks.connected),
        'complete model (synced line)': at(synced.time),
      },
    };
  } finally {
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
  }
}

interface KazooResult {
  afterConnectMs: number;
  children: number;
  importStartAt: number;
  mainAt: number;
  connectedAt: number;
  initializedAt: number;
}

/** kazoo TreeCache from spawn of /usr/bin/python3 to INITIALIZED. */
async function kazooRun(cs: string, n: number): Promise<Sample> {
  const load0 = loadAvg();
  const spawnedAt = Date.now();
  const res = await runJsonChild<KazooResult>(SYSTEM_PYTHON, kazooArgs(cs, ROOT, n), RUN_DEADLINE_MS);
  if (!res.ok) throw new Error(res.reason);
  const v = res.value;
  if (v.initializedAt === undefined) throw new Error('treecache_baseline.py gives no initializedAt (an older copy?)');
  return {
    total: v.initializedAt - spawnedAt,
    warm: v.afterConnectMs,
    load: Math.max(load0, loadAvg()),
    phases: {
      'interpreter started (script runs)': v.importStartAt - spawnedAt,
      'kazoo imported (main)': v.mainAt - spawnedAt,
      'ZooKeeper session connected': v.connectedAt - spawnedAt,
      'complete (INITIALIZED)': v.initializedAt - spawnedAt,
    },
  };
}

interface Tool {
  name: string;
  run: (cs: string, n: number) => Promise<Sample>;
  samples: Sample[];
  failures: number;
}

export async function runColdStart(opts: ColdStartOptions): Promise<void> {
  for (const file of [DIST_MAIN, BUNDLE]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` (npm run bench does it first)`);
  }
  await ensureServices();
  console.log(`cold-start: starting a private ZooKeeper, ${opts.workers} workers, ${opts.runs} runs per tool (load average ${loadAvg().toFixed(1)})`);
  const zk = await startZooKeeper({ jvm: 'production' });
  const onSignal = () => void zk.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const cs = zk.connectString;
    const t0 = performance.now();
    await populateCluster(cs, ROOT, opts.workers);
    console.log(`populated ${opts.workers} workers + master, 3 candidates, 20 tasks in ${fmtMs(performance.now() - t0)}`);
    const tools: Tool[] = [
      { name: 'zkpulse collect (bundle)', run: (c, n) => zkpulseRun(BUNDLED, c, n), samples: [], failures: 0 },
      { name: 'zkpulse collect (dist/cli, no bundle)', run: (c, n) => zkpulseRun(UNBUNDLED, c, n), samples: [], failures: 0 },
    ];
    const kazoo = await kazooMissing();
    if (kazoo) console.log(kazoo);
    else tools.push({ name: 'kazoo TreeCache', run: kazooRun, samples: [], failures: 0 });

    // one unrecorded round: the server's JIT and caches warm up on the first reads of the tree (bench sync),
    // and the OS page cache holds every tool's files, as on a machine where the tool was run before
    for (const tool of tools) {
      const s = await tool.run(cs, opts.workers).catch((err: Error) => err);
      console.log(`  warm-up ${tool.name}: ${s instanceof Error ? `FAILED ${s.message}` : `${fmtMs(s.total)} (not counted)`}`);
    }
    for (let run = 1; run <= opts.runs; run++) {
      for (const tool of tools) {
        const s = await tool.run(cs, opts.workers).catch((err: Error) => err);
        if (s instanceof Error) {
          tool.failures++;
          console.log(`  run ${run} ${tool.name}: FAILED ${s.message}`);
          continue;
        }
        tool.samples.push(s);
        console.log(`  run ${run} ${tool.name}: ${fmtMs(s.total)} from spawn, ${fmtMs(s.warm)} from session connected (load ${s.load.toFixed(1)})`);
      }
    }
    report(tools, opts);
  } finally {
    process.off('SIGINT', onSignal);
    await zk.stop();
  }
}

function report(tools: Tool[], opts: ColdStartOptions): void {
  const med = (t: Tool | undefined, f: (s: Sample) => number) => (t && t.samples.length > 0 ? median(t.samples.map(f)) : undefined);
  const loads = tools.flatMap((t) => t.samples.map((s) => s.load));
  const loadRange = loads.length ? `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` : '—';
  const runCols = Array.from({ length: opts.runs }, (_, i) => `run ${i + 1}`);
  printTable(
    `Cold start, ${opts.workers} workers: process spawn → complete model (median of ${opts.runs}; load average ${loadRange})`,
    ['tool', ...runCols, 'median', 'warm: connected → complete', 'failures'],
    tools.map((t) => [t.name, ...runCols.map((_, i) => fmtMs(t.samples[i]?.total)), fmtMs(med(t, (s) => s.total)), fmtMs(med(t, (s) => s.warm)), String(t.failures)]),
  );
  for (const t of tools) {
    if (t.samples.length === 0) continue;
    const names = Object.keys(t.samples[0]!.phases);
    printTable(`${t.name}: milestones, ms after spawn (medians)`, ['milestone', 'at'], names.map((p) => [p, fmtMs(med(t, (s) => s.phases[p] ?? Number.NaN))]));
  }
  const [zkpulse, unbundled, kazoo] = [tools[0], tools[1], tools[2]];
  const ratio = (a: Tool | undefined, b: Tool | undefined, f: (s: Sample) => number) => {
    const x = med(a, f);
    const y = med(b, f);
    return x !== undefined && y !== undefined ? x / y : undefined;
  };
  const cold = ratio(zkpulse, kazoo, (s) => s.total);
  printTable('Ratios (medians, same run, same server)', ['ratio', 'value', 'target', 'met'], [
    ['cold: process spawn → complete, zkpulse / kazoo', fmtRatio(cold), `≤ ${TARGET.toFixed(1)}×`, cold === undefined ? '—' : cold <= TARGET ? 'yes' : 'NO'],
    ['warm: session connected → complete, zkpulse / kazoo', fmtRatio(ratio(zkpulse, kazoo, (s) => s.warm)), '(bench sync)', '—'],
    ['cold: bundle / no bundle', fmtRatio(ratio(zkpulse, unbundled, (s) => s.total)), '—', '—'],
  ]);
}
