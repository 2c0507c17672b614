/**
 * `npm run bench -- replay`: replay throughput. Generates a synthetic recording (1,000 workers
 * heartbeating each second, some joins, crashes, planned leaves, master changes, tasks) in a temp
 * file, then measures in the same run, interleaved run by run:
 *   floor    — read the file as the replayer does (replay/lines.ts) and JSON.parse each line, nothing else;
 *   baseline — read + validate every line and fold it into the cluster models (no alert pipeline);
 *   replay   — the whole `zkpulse replay` (models → rule engine → notifier, virtual time).
 * Target: the replay at ≥ 0.7× the floor's events/s (a ratio within one run: the machine's speed cancels out).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClusterModels } from '../../collector/cluster-models.ts';
import { loadReplayConfig } from '../../replay/config.ts';
import { readLines } from '../../replay/lines.ts';
import { parseRecordLine } from '../../collector/record-schema.ts';
import { replay } from '../../replay/replay.ts';
import { median } from '../support/stats.ts';
import { writeSyntheticRecording } from './synthetic.ts';

/** replay events/s ÷ floor events/s */
export const REPLAY_TARGET_RATIO = 0.7;

export interface ReplayBenchOptions {
  events: number;
  workers: number;
  runs: number;
}

/** The floor: the replayer's line reader (same chunks, same blank-line skip) and JSON.parse, nothing else. */
function floor(file: string): number {
  let n = 0;
  for (const line of readLines(file)) {
    if (line.text.trim() === '') continue;
    JSON.parse(line.text);
    n++;
  }
  return n;
}

function baseline(file: string): number {
  const models = new ClusterModels([{ name: 'bench', root: '/bench' }]);
  let n = 0;
  for (const line of readLines(file)) {
    const parsed = parseRecordLine(line.text);
    if (!parsed.ok) throw new Error(`line ${line.number}: ${parsed.problem}`);
    models.apply(parsed.event, parsed.event.time);
    n++;
  }
  return n;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const rate = (events: number, ms: number) => Math.round(events / (ms / 1000));
const load1 = () => loadavg()[0]!.toFixed(2);

export async function runReplayBench(o: ReplayBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-bench-replay-'));
  try {
    const file = join(dir, 'synthetic.ndjson');
    const t0 = performance.now();
    const lines = await writeSyntheticRecording(file, { events: o.events, workers: o.workers });
    const size = statSync(file).size;
    process.stdout.write(`recording: ${lines.toLocaleString('en')} events, ${(size / 1e6).toFixed(0)} MB, ${o.workers} workers (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    process.stdout.write(`load average (1 min) before: ${load1()}\n`);
    const config = loadReplayConfig(undefined, () => ['bench']);
    const bare: number[] = [];
    const base: number[] = [];
    const full: number[] = [];
    // CPU time of the process (ms) per measure: on a loaded machine, wall time mostly measures the other processes
    const cpuRatios: number[] = [];
    let notifications = 0;
    for (let i = 0; i < o.runs; i++) {
      let c = process.cpuUsage();
      let s = performance.now();
      floor(file);
      bare.push(performance.now() - s);
      const floorCpu = cpuMs(process.cpuUsage(c));
      s = performance.now();
      baseline(file);
      base.push(performance.now() - s);
      c = process.cpuUsage();
      s = performance.now();
      const result = await replay({ files: [file], config, tailMs: 60_000 });
      full.push(performance.now() - s);
      cpuRatios.push(floorCpu / cpuMs(process.cpuUsage(c)));
      notifications = result.notifications.length;
    }
    const f = rate(lines, median(bare));
    const b = rate(lines, median(base));
    const r = rate(lines, median(full));
    const ratio = r / f;
    const row = (name: string, eps: number, ms: number, note: string) =>
      `${name.padEnd(40)}${eps.toLocaleString('en').padStart(10)} events/s  (${(ms / 1000).toFixed(2)} s, ${note})`;
    process.stdout.write(
      [
        row('floor    (read + JSON.parse):', f, median(bare), `median of ${o.runs}`),
        row('baseline (read + validate + reduce):', b, median(base), `${(b / f).toFixed(2)}× the floor`),
        row('replay   (+ rule engine + notifier):', r, median(full), `${notifications} notifications`),
        `replay / floor = ${ratio.toFixed(2)}× by wall time, ${median(cpuRatios).toFixed(2)}× by CPU time (median of the runs' ratios); target ≥ ${REPLAY_TARGET_RATIO}×: ${ratio >= REPLAY_TARGET_RATIO ? 'met' : 'NOT met'}`,
        `load average (1 min) after: ${load1()}`,
      ].join('\n') + '\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
