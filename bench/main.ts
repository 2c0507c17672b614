/**
 * `npm run bench -- <verb>`: sync (time to a complete model vs other clients), cold-start (the same from
 * process start), lag (event lag under a write load), load, replay, ensemble. No verb runs sync and lag with
 * small defaults. Prints figures, never asserts.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runLag } from './lag/run-lag.ts';
import { runSync } from './sync/run-sync.ts';
import { runLoad } from './load/run-load.ts';
import { runReplayBench } from './replay/run-replay.ts';
import { runEnsembleBench } from './ensemble/run-ensemble.ts';
import { runCurve } from './curve/run-curve.ts';
import { runPage } from './page/run-page.ts';
import { runColdStart } from './cold-start/run-cold-start.ts';
import { BENCH_LAYOUTS, isBenchLayout, type BenchLayout } from './support/layout-data.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function sizeList(value: string): number[] {
  const sizes = value.split(',').map((v) => Number(v.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new InvalidArgumentError('expected positive integers separated by commas, e.g. 1000,10000');
  return sizes;
}

function benchLayout(value: string): BenchLayout {
  if (!isBenchLayout(value)) throw new InvalidArgumentError(`expected one of ${BENCH_LAYOUTS.join(', ')}`);
  return value;
}

const program = new Command('bench').description('zkpulse benchmarks against a private ZooKeeper');

program
  .command('sync')
  .description('time from start to a complete model of N workers, vs raw node client, Java client and kazoo TreeCache')
  .option('--workers <n>', 'workers in the cluster', positiveInt, 10_000)
  .option('--runs <n>', 'runs per tool (median reported)', positiveInt, 5)
  .option('--cpu-prof <dir>', 'write a V8 CPU profile of each zkpulse run into <dir>')
  .option('--layout <name>', `time a built-in layout (${BENCH_LAYOUTS.join(', ')}) beside the zkpulse layout, N members each`, benchLayout)
  .action(async (o: { workers: number; runs: number; cpuProf?: string; layout?: BenchLayout }) => {
    await runSync({ workers: o.workers, runs: o.runs, cpuProfDir: o.cpuProf, layout: o.layout });
  });

program
  .command('cold-start')
  .description('process start → complete model of N workers: `zkpulse collect` (compiled) vs kazoo TreeCache from Python start')
  .option('--workers <n>', 'workers in the cluster', positiveInt, 10_000)
  .option('--runs <n>', 'runs per tool (median reported)', positiveInt, 5)
  .action(async (o: { workers: number; runs: number }) => {
    await runColdStart(o);
  });

program
  .command('lag')
  .description('lag from an acknowledged setData to the model reflecting it, under a paced write load')
  .option('--rate <n>', 'setData per second, spread over the workers', positiveInt, 2000)
  .option('--seconds <n>', 'duration of the write load (per measured pipeline)', positiveInt, 10)
  .option('--workers <n>', 'workers in the cluster', positiveInt, 1000)
  .action(async (o: { rate: number; seconds: number; workers: number }) => {
    await runLag(o);
  });

program
  .command('replay')
  .description('zkpulse replay throughput on a synthetic recording, beside its floor (read + JSON.parse) and a read + validate + reduce baseline')
  .option('--events <n>', 'events in the recording', positiveInt, 1_000_000)
  .option('--workers <n>', 'heartbeating workers', positiveInt, 1000)
  .option('--runs <n>', 'runs (median reported)', positiveInt, 1)
  .action(async (o: { events: number; workers: number; runs: number }) => {
    await runReplayBench(o);
  });

program
  .command('load')
  .description('a collector process under N workers beating every heartbeat: CPU, RSS, event lag vs the raw watch floor, points/s, beats seen')
  .option('--workers <n>', 'workers, each rewriting its own node', positiveInt, 10_000)
  .option('--heartbeat <ms>', 'heartbeat period of every worker', positiveInt, 5_000)
  .option('--seconds <n>', 'duration of the measured load', positiveInt, 30)
  .option('--cpu-prof <dir>', 'write a V8 CPU profile of the collector process into <dir> and summarize it')
  .option('--attribute', 'record the collector\'s event-loop stalls and GC pauses (a preload) and match the lag tail against them (with --cpu-prof: the code in each stall)')
  .action(async (o: { workers: number; heartbeat: number; seconds: number; cpuProf?: string; attribute?: boolean }) => {
    await runLoad(o);
  });

program
  .command('ensemble')
  .description('CPU of a collector polling an N-server ensemble every second vs not polling (docs/contract.md §10)')
  .option('--servers <n>', 'ZooKeeper servers in the ensemble', positiveInt, 5)
  .option('--seconds <n>', 'length of each measured window', positiveInt, 20)
  .option('--runs <n>', 'window pairs (median reported)', positiveInt, 2)
  .action(async (o: { servers: number; seconds: number; runs: number }) => {
    await runEnsembleBench(o);
  });

program
  .command('curve')
  .description('the cost curve (issue 17): sync vs the Java client, and the collector at 2,000 beats/s, for each size')
  .option('--sizes <list>', 'worker counts, comma-separated', sizeList, [1_000, 10_000, 50_000, 100_000])
  .option('--runs <n>', 'sync runs per tool (median reported)', positiveInt, 3)
  .option('--seconds <n>', 'length of the measured load window per size', positiveInt, 20)
  .option('--skip-load', 'sync only, no collector under load')
  .action(async (o: { sizes: number[]; runs: number; seconds: number; skipLoad?: boolean }) => {
    await runCurve(o);
  });

program
  .command('page')
  .description('the live page in Chromium under N workers beating every heartbeat: script round trips, heap, DOM, crash → shown down, SSE messages, vs about:blank')
  .option('--workers <n>', 'workers, each rewriting its own node', positiveInt, 10_000)
  .option('--heartbeat <ms>', 'heartbeat period of every worker', positiveInt, 5_000)
  .option('--seconds <n>', 'length of each measured window (about:blank, then the live page)', positiveInt, 30)
  .option('--crashes <n>', 'workers whose node is deleted during the live window', positiveInt, 3)
  .action(async (o: { workers: number; heartbeat: number; seconds: number; crashes: number }) => {
    await runPage(o);
  });

program.action(async () => {
  await runSync({ workers: 2000, runs: 3 });
  await runLag({ rate: 1000, seconds: 5, workers: 500 });
});

await program.parseAsync(process.argv);
