/**
 * `npm run bench -- ensemble`: the CPU cost of watching the ensemble (docs/contract.md §10). One real
 * collector (in this process, the whole Collector: watch, models, HTTP) on a private N-server ensemble,
 * measured in alternating windows of `--seconds`: polling every server every second (`ensemblePollMs:
 * 1000`, the four-letter words, as without an AdminServer) vs not polling (one poll at start, then none
 * for an hour). CPU is this process's user + system time over the window; the figures and the added
 * share of one core are printed, never asserted.
 */
import { pino } from 'pino';
import { Collector } from '../../server/collector.ts';
import { collectConfigSchema } from '../../collector/config.ts';
import { startEnsemble } from '../../stack/index.ts';
import { median } from '../support/stats.ts';
import { printTable } from '../support/table.ts';

export interface EnsembleBenchOptions {
  servers: number;
  seconds: number;
  runs: number;
}

async function measure(connect: string, pollMs: number, seconds: number): Promise<{ cpuPct: number; polls: number }> {
  const config = collectConfigSchema.parse({ zk: connect, clusters: { bench: '/bench/ensemble' }, http: '127.0.0.1:0', instance: 'bench', ensemblePollMs: pollMs, adminPort: false });
  const collector = new Collector({ config, logger: pino({ level: 'silent' }) });
  let polls = 0;
  const sub = collector.ensembles.poller.snapshots$.subscribe(() => polls++);
  await collector.start({ http: false });
  await collector.whenSynced();
  // settle: the first poll and the session's start are not part of the window
  await new Promise((r) => setTimeout(r, 2000));
  polls = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  sub.unsubscribe();
  await collector.stop();
  return { cpuPct: ((cpu.user + cpu.system) / 1000 / wall) * 100, polls };
}

export async function runEnsembleBench(options: EnsembleBenchOptions): Promise<void> {
  process.stdout.write(`ensemble: starting ${options.servers} ZooKeeper servers...\n`);
  const ensemble = await startEnsemble(options.servers);
  try {
    const polling: number[] = [];
    const idle: number[] = [];
    let polls = 0;
    for (let run = 0; run < options.runs; run++) {
      // interleaved, so a noisy neighbour on the shared machine hits both alike
      idle.push((await measure(ensemble.connectString, 3_600_000, options.seconds)).cpuPct);
      const m = await measure(ensemble.connectString, 1000, options.seconds);
      polling.push(m.cpuPct);
      polls += m.polls;
    }
    const on = median(polling);
    const off = median(idle);
    printTable(
      `ensemble: a collector polling ${options.servers} servers every 1 s vs not polling (${options.runs} × ${options.seconds} s windows, median)`,
      ['collector', 'CPU % of one core', 'polls in the windows'],
      [
        ['not polling', off.toFixed(2), '0'],
        ['polling every 1 s (mntr, ruok, srvr, cons)', on.toFixed(2), String(polls)],
        ['added by the poll', (on - off).toFixed(2), `ratio ${(on / Math.max(off, 0.01)).toFixed(2)}× (goal: ≤ 2 % of a core added)`],
      ],
    );
  } finally {
    await ensemble.stop();
  }
}
