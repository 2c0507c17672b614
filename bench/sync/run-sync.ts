/**
 * `bench sync`: how long from a fresh start until a complete model of a cluster with N workers,
 * for zkpulse and for three floors (raw node-zookeeper-client, the Java client, kazoo TreeCache),
 * all against the same private ZooKeeper, each measured in a fresh process, runs interleaved.
 * Every figure is taken after the session is connected (see bench/README.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startZooKeeper, ensureServices } from '../../stack/index.ts';
import { populateCluster } from '../support/cluster-data.ts';
import { runJsonChild, tsxArgs } from '../support/child.ts';
import { fmtMs, fmtRatio, median } from '../support/stats.ts';
import { printTable } from '../support/table.ts';
import { SYSTEM_PYTHON, compileJavaBaseline, kazooArgs, kazooMissing } from './baselines.ts';
import type { ZkpulseChildResult } from './zkpulse-child.ts';
import type { summarize } from '../support/cpu-profile.ts';
import { populateLayout, type BenchLayout } from '../support/layout-data.ts';

type ProfileSummary = ReturnType<typeof summarize>;

export interface SyncOptions {
  workers: number;
  runs: number;
  /** after the measured runs, one extra CPU-profiled zkpulse run; its .cpuprofile goes into this directory */
  cpuProfDir?: string;
  /**
   * a built-in layout (docs/contract.md §8) to time beside the zkpulse layout, same N, same run: then only the
   * two zkpulse rows run (the floors are the plain sync's), and the ratio's target is ≤ 1.2×
   */
  layout?: BenchLayout;
  /**
   * which rows to run (default all, plus the refold run); `bench curve` runs only zkpulse and java, so that
   * 100,000 workers do not wait on kazoo or the refold
   */
  rows?: readonly SyncRow[];
}

export type SyncRow = 'zkpulse' | 'watch-only' | 'raw' | 'java' | 'kazoo';

/**
 * What runSync measured (it also prints it): per row, the median from session connected to complete view, and
 * the median CPU time of the client process over that window (when the tool reports it).
 */
export type SyncFigures = Partial<Record<SyncRow, { ms: number; cpuMs?: number }>>;

interface Sample {
  connectMs: number;
  afterConnectMs: number;
  /** node tools: CPU time of the client process over the same window */
  cpuMs?: number;
}

interface Tool {
  name: string;
  row?: SyncRow;
  command: () => [string, string[]];
  samples: Sample[];
  failures: string[];
  extra?: ZkpulseChildResult[];
}

const ROOT = '/bench/sync';
/** a foreign layout's cluster root: the latch path, Kafka's chroot */
const layoutRoot = (layout: BenchLayout) => `/bench/${layout}`;
/** the layout's time to a complete model, at most this times the zkpulse layout's (issue 14) */
const LAYOUT_TARGET = 1.2;

export async function runSync(opts: SyncOptions): Promise<SyncFigures> {
  if (opts.layout !== undefined) {
    await runLayoutSync(opts, opts.layout);
    return {};
  }
  const want = (row: SyncRow) => opts.rows === undefined || opts.rows.includes(row);
  await ensureServices();
  console.log(`sync: starting a private ZooKeeper, ${opts.workers} workers, ${opts.runs} runs per tool`);
  const zk = await startZooKeeper({ jvm: 'production' });
  const java = await compileJavaBaseline();
  const onSignal = () => void zk.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const t0 = performance.now();
    await populateCluster(zk.connectString, ROOT, opts.workers);
    console.log(`populated ${opts.workers} workers + master, 3 candidates, 20 tasks in ${fmtMs(performance.now() - t0)}`);
    const cs = zk.connectString;
    const n = opts.workers;

    const tools: Tool[] = [
      { name: 'zkpulse (watch + model)', row: 'zkpulse', command: () => tsxArgs(new URL('./zkpulse-child.ts', import.meta.url), [cs, ROOT, String(n)]), samples: [], failures: [], extra: [] },
      { name: 'zkpulse watch layer only', row: 'watch-only', command: () => tsxArgs(new URL('./zkpulse-child.ts', import.meta.url), [cs, ROOT, String(n), '--watch-only']), samples: [], failures: [] },
      { name: 'node-zookeeper-client raw', row: 'raw', command: () => tsxArgs(new URL('./raw-child.ts', import.meta.url), [cs, ROOT, String(n)]), samples: [], failures: [] },
    ];
    const notes: string[] = [];
    if (typeof java === 'string') notes.push(`java: ${java}`);
    else tools.push({ name: 'ZooKeeper Java client', row: 'java', command: () => [java.command, java.args(cs, ROOT, n)], samples: [], failures: [] });
    const kazoo = want('kazoo') ? await kazooMissing() : null;
    if (kazoo) notes.push(kazoo);
    else tools.push({ name: 'kazoo TreeCache', row: 'kazoo', command: () => [SYSTEM_PYTHON, kazooArgs(cs, ROOT, n)], samples: [], failures: [] });
    for (let i = tools.length - 1; i >= 0; i--) if (!want(tools[i]!.row!)) tools.splice(i, 1);
    for (const note of notes) console.log(note);

    // one unrecorded round first: the server's JIT and caches warm up on the first reads of the tree
    // (the first run of every tool was ~1.5× the others), as a production server is warm
    for (const tool of tools) {
      const [cmd, args] = tool.command();
      const res = await runJsonChild<Sample>(cmd, args, 300_000);
      console.log(`  warm-up ${tool.name}: ${res.ok ? `${fmtMs(res.value.afterConnectMs)} (not counted)` : `FAILED ${res.reason}`}`);
    }
    for (let run = 1; run <= opts.runs; run++) {
      for (const tool of tools) {
        const [cmd, args] = tool.command();
        const res = await runJsonChild<Sample & Partial<ZkpulseChildResult>>(cmd, args, 300_000);
        if (!res.ok) {
          tool.failures.push(res.reason);
          console.log(`  run ${run} ${tool.name}: FAILED ${res.reason}`);
          continue;
        }
        tool.samples.push(res.value);
        tool.extra?.push(res.value as ZkpulseChildResult);
        console.log(`  run ${run} ${tool.name}: ${fmtMs(res.value.afterConnectMs)} after connect`);
      }
    }
    // the refold figure needs every event kept: one more zkpulse run, not counted
    const refold = opts.rows === undefined ? await runJsonChild<ZkpulseChildResult>(...tsxArgs(new URL('./zkpulse-child.ts', import.meta.url), [cs, ROOT, String(n), '--refold']), 300_000) : undefined;
    report(tools, opts, refold?.ok ? refold.value.refoldMs : undefined);
    if (opts.cpuProfDir) await profiledRun(cs, n, opts.cpuProfDir);
    const figures: SyncFigures = {};
    for (const t of tools) {
      const ms = med(t);
      const cpu = t.samples.flatMap((x) => (x.cpuMs === undefined ? [] : [x.cpuMs]));
      if (t.row !== undefined && ms !== undefined) figures[t.row] = { ms, cpuMs: cpu.length > 0 ? median(cpu) : undefined };
    }
    return figures;
  } finally {
    process.off('SIGINT', onSignal);
    if (typeof java !== 'string') await java.cleanup();
    await zk.stop();
  }
}

function med(tool: Tool | undefined): number | undefined {
  return tool && tool.samples.length > 0 ? median(tool.samples.map((s) => s.afterConnectMs)) : undefined;
}

function report(tools: Tool[], opts: SyncOptions, refoldMs: number | undefined): void {
  const runCols = Array.from({ length: opts.runs }, (_, i) => `run ${i + 1}`);
  printTable(
    `Sync of ${opts.workers} workers: session connected → complete view (median of ${opts.runs})`,
    ['tool', ...runCols, 'median', 'client CPU (median)', 'connect (median)', 'failures'],
    tools.map((t) => [
      t.name,
      ...runCols.map((_, i) => fmtMs(t.samples[i]?.afterConnectMs)),
      fmtMs(med(t)),
      t.samples.some((s) => s.cpuMs !== undefined) ? fmtMs(median(t.samples.map((s) => s.cpuMs ?? 0))) : '—',
      fmtMs(t.samples.length ? median(t.samples.map((s) => s.connectMs)) : undefined),
      String(t.failures.length),
    ]),
  );

  const zkpulse = med(tools[0]);
  const byName = (prefix: string) => med(tools.find((t) => t.name.startsWith(prefix)));
  const targets: [string, number | undefined, number][] = [
    ['zkpulse / Java client', byName('ZooKeeper Java'), 1.0],
    ['zkpulse / kazoo TreeCache', byName('kazoo'), 0.3],
    ['zkpulse / raw node client', byName('node-zookeeper-client'), Number.NaN],
  ];
  printTable(
    'Ratios (zkpulse watch + model, median)',
    ['ratio', 'value', 'target', 'met'],
    targets.map(([name, base, target]) => {
      const r = zkpulse !== undefined && base !== undefined ? zkpulse / base : undefined;
      const hasTarget = Number.isFinite(target);
      const met = r === undefined || !hasTarget ? '—' : r <= target ? 'yes' : 'NO';
      return [name, fmtRatio(r), hasTarget ? `≤ ${target.toFixed(1)}×` : '(floor)', met];
    }),
  );

  const extra = tools[0]?.extra ?? [];
  if (extra.length > 0) {
    const m = (f: (x: ZkpulseChildResult) => number) => fmtMs(median(extra.map(f)));
    const watchOnly = byName('zkpulse watch');
    printTable('Where zkpulse spends it (medians, from session connected)', ['phase', 'time'], [
      ['first getData reply folded', m((x) => x.firstNodeMs)],
      ['last node event before synced', m((x) => x.lastNodeMs)],
      ['complete model', m((x) => x.afterConnectMs)],
      ['  of which reducer (ClusterModels.apply, summed)', m((x) => x.reducerMs)],
      ['  reducer refold of the same events, no I/O (extra run)', fmtMs(refoldMs)],
      ['watch layer alone (no model), complete', fmtMs(watchOnly)],
      ['watch events / domain events', `${extra[0]?.watchEvents} / ${extra[0]?.domainEvents}`],
    ]);
  }
}

/**
 * One more zkpulse run and one more raw-client run under the profiler (not counted: profiling slows
 * them down), summarised by layer side by side, then zkpulse's top functions.
 */
async function profiledRun(cs: string, n: number, dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  const runs: { name: string; file: string; profile?: ProfileSummary; ms?: number }[] = [
    { name: 'zkpulse', file: path.resolve(dir, `zkpulse-sync-${n}.cpuprofile`) },
    { name: 'raw client', file: path.resolve(dir, `raw-sync-${n}.cpuprofile`) },
  ];
  for (const r of runs) {
    const script = new URL(r.name === 'zkpulse' ? './zkpulse-child.ts' : './raw-child.ts', import.meta.url);
    const [cmd, args] = tsxArgs(script, [cs, ROOT, String(n), '--profile', r.file]);
    const res = await runJsonChild<{ afterConnectMs: number; profile?: ProfileSummary }>(cmd, args, 300_000);
    if (!res.ok || !res.value.profile) {
      console.log(`profiled ${r.name} run failed: ${res.ok ? 'no profile' : res.reason}`);
      return;
    }
    r.profile = res.value.profile;
    r.ms = res.value.afterConnectMs;
  }
  const layers = [...new Set(runs.flatMap((r) => Object.keys(r.profile?.layers ?? {})))];
  const self = (r: (typeof runs)[number], layer: string) => r.profile?.layers[layer] ?? 0;
  layers.sort((a, b) => self(runs[0]!, b) - self(runs[0]!, a));
  printTable(
    `CPU self time by layer, one extra profiled run each (zkpulse ${fmtMs(runs[0]?.ms)}, raw ${fmtMs(runs[1]?.ms)} under the profiler; profiles in ${dir})`,
    ['layer', ...runs.map((r) => `${r.name} ms`)],
    [...layers.map((l) => [l, ...runs.map((r) => self(r, l).toFixed(0))]), ['total', ...runs.map((r) => Object.values(r.profile?.layers ?? {}).reduce((a, b) => a + b, 0).toFixed(0))]],
  );
  printTable('zkpulse: top functions by self time', ['function', 'ms'], (runs[0]?.profile?.top ?? []).map(([k, v]) => [k, v.toFixed(1)]));
}

/**
 * `sync --layout L`: the zkpulse layout (R/workers, §2) and layout L (its upstream bytes), N members each, in
 * one ZooKeeper; both zkpulse rows interleaved in fresh processes after a warm-up round, medians compared.
 */
async function runLayoutSync(opts: SyncOptions, layout: BenchLayout): Promise<void> {
  await ensureServices();
  console.log(`sync --layout ${layout}: starting a private ZooKeeper, ${opts.workers} members per layout, ${opts.runs} runs per layout`);
  const zk = await startZooKeeper({ jvm: 'production' });
  const onSignal = () => void zk.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  let writer: { close(): Promise<void> } | undefined;
  try {
    const cs = zk.connectString;
    const n = opts.workers;
    const root = layoutRoot(layout);
    const t0 = performance.now();
    await populateCluster(cs, ROOT, n);
    writer = await populateLayout(cs, root, layout, n);
    console.log(`populated ${n} zkpulse workers (+ master, 3 candidates, 20 tasks) and ${n} ${layout} members under ${root} in ${fmtMs(performance.now() - t0)}`);
    const child = new URL('./zkpulse-child.ts', import.meta.url);
    const tools: Tool[] = [
      { name: 'zkpulse layout (watch + model)', command: () => tsxArgs(child, [cs, ROOT, String(n)]), samples: [], failures: [], extra: [] },
      { name: `${layout} layout (watch + model)`, command: () => tsxArgs(child, [cs, root, String(n), '--layout', layout]), samples: [], failures: [], extra: [] },
    ];
    for (const tool of tools) {
      const [cmd, args] = tool.command();
      const res = await runJsonChild<ZkpulseChildResult>(cmd, args, 300_000);
      console.log(`  warm-up ${tool.name}: ${res.ok ? `${fmtMs(res.value.afterConnectMs)} (not counted)` : `FAILED ${res.reason}`}`);
    }
    for (let run = 1; run <= opts.runs; run++) {
      for (const tool of tools) {
        const [cmd, args] = tool.command();
        const res = await runJsonChild<ZkpulseChildResult>(cmd, args, 300_000);
        if (!res.ok) {
          tool.failures.push(res.reason);
          console.log(`  run ${run} ${tool.name}: FAILED ${res.reason}`);
          continue;
        }
        tool.samples.push(res.value);
        tool.extra?.push(res.value);
        const v = res.value;
        console.log(`  run ${run} ${tool.name}: ${fmtMs(v.afterConnectMs)} after connect (${v.workersUp} members up, ${v.candidates} candidates, leader ${v.leader})`);
      }
    }
    reportLayout(tools, opts, layout);
    if (opts.cpuProfDir) await profiledLayoutRun(cs, root, n, layout, opts.cpuProfDir);
  } finally {
    process.off('SIGINT', onSignal);
    await writer?.close();
    await zk.stop();
  }
}

function reportLayout(tools: Tool[], opts: SyncOptions, layout: BenchLayout): void {
  const runCols = Array.from({ length: opts.runs }, (_, i) => `run ${i + 1}`);
  const extra = (t: Tool, f: (x: ZkpulseChildResult) => number) => fmtMs(t.extra?.length ? median(t.extra.map(f)) : undefined);
  printTable(
    `Sync of ${opts.workers} members per layout: session connected → complete model (median of ${opts.runs})`,
    ['layout', ...runCols, 'median', 'client CPU', 'reducer (summed)', 'last node event', 'watch / domain events', 'failures'],
    tools.map((t) => [
      t.name,
      ...runCols.map((_, i) => fmtMs(t.samples[i]?.afterConnectMs)),
      fmtMs(med(t)),
      extra(t, (x) => x.cpuMs),
      extra(t, (x) => x.reducerMs),
      extra(t, (x) => x.lastNodeMs),
      `${t.extra?.[0]?.watchEvents ?? '—'} / ${t.extra?.[0]?.domainEvents ?? '—'}`,
      String(t.failures.length),
    ]),
  );
  const base = med(tools[0]);
  const mine = med(tools[1]);
  const r = base !== undefined && mine !== undefined ? mine / base : undefined;
  printTable('Ratio (medians, same run, same N)', ['ratio', 'value', 'target', 'met'], [
    [`${layout} / zkpulse layout`, fmtRatio(r), `≤ ${LAYOUT_TARGET.toFixed(1)}×`, r === undefined ? '—' : r <= LAYOUT_TARGET ? 'yes' : 'NO'],
  ]);
}

/** One more run of the layout's child under the profiler (not counted), its top functions. */
async function profiledLayoutRun(cs: string, root: string, n: number, layout: BenchLayout, dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  const file = path.resolve(dir, `${layout}-sync-${n}.cpuprofile`);
  const [cmd, args] = tsxArgs(new URL('./zkpulse-child.ts', import.meta.url), [cs, root, String(n), '--layout', layout, '--profile', file]);
  const res = await runJsonChild<{ afterConnectMs: number; profile?: ProfileSummary }>(cmd, args, 300_000);
  if (!res.ok || !res.value.profile) {
    console.log(`profiled ${layout} run failed: ${res.ok ? 'no profile' : res.reason}`);
    return;
  }
  const p = res.value.profile;
  printTable(
    `${layout}: CPU self time by layer, one extra profiled run (${fmtMs(res.value.afterConnectMs)} under the profiler; ${file})`,
    ['layer', 'ms'],
    Object.entries(p.layers).sort((a, b) => b[1] - a[1]).map(([l, v]) => [l, v.toFixed(0)]),
  );
  printTable(`${layout}: top functions by self time`, ['function', 'ms'], p.top.map(([k, v]) => [k, v.toFixed(1)]));
}
