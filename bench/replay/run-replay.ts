/**
 * `npm run bench -- replay`: replay throughput. Generates a synthetic recording (1,000 workers
 * heartbeating each second, some joins, crashes, planned leaves, master changes, tasks) in a temp
 * file, then measures in the same run:
 *   baseline — read + validate every line and fold it into the cluster models (no alert pipeline);
 *   replay   — the whole `zkpulse replay` (models → rule engine → notifier, virtual time).
 * Target: ≥ 200,000 events/s for the replay.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClusterModels } from '../../collector/cluster-models.ts';
import { loadReplayConfig } from '../../replay/config.ts';
import { readLines } from '../../replay/lines.ts';
import { parseRecordLine } from '../../collector/record-schema.ts';
import { replay } from '../../replay/replay.ts';
import { writeSyntheticRecording } from './synthetic.ts';

export const REPLAY_TARGET_EVENTS_PER_S = 200_000;

export interface ReplayBenchOptions {
  events: number;
  workers: number;
  runs: number;
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (events: number, ms: number) => Math.round(events / (ms / 1000));

export async function runReplayBench(o: ReplayBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-bench-replay-'));
  try {
    const file = join(dir, 'synthetic.ndjson');
    const t0 = performance.now();
    const lines = await writeSyntheticRecording(file, { events: o.events, workers: o.workers });
    const size = statSync(file).size;
    process.stdout.write(`recording: ${lines.toLocaleString('en')} events, ${(size / 1e6).toFixed(0)} MB, ${o.workers} workers (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    const config = loadReplayConfig(undefined, () => ['bench']);
    const base: number[] = [];
    const full: number[] = [];
    let notifications = 0;
    for (let i = 0; i < o.runs; i++) {
      let s = performance.now();
      baseline(file);
      base.push(performance.now() - s);
      s = performance.now();
      const result = await replay({ files: [file], config, tailMs: 60_000 });
      full.push(performance.now() - s);
      notifications = result.notifications.length;
    }
    const b = rate(lines, median(base));
    const r = rate(lines, median(full));
    process.stdout.write(
      [
        `baseline (read + validate + reduce):   ${b.toLocaleString('en').padStart(10)} events/s  (${(median(base) / 1000).toFixed(2)} s, median of ${o.runs})`,
        `replay   (+ rule engine + notifier):   ${r.toLocaleString('en').padStart(10)} events/s  (${(median(full) / 1000).toFixed(2)} s, ${notifications} notifications)`,
        `target ≥ ${REPLAY_TARGET_EVENTS_PER_S.toLocaleString('en')} events/s: ${r >= REPLAY_TARGET_EVENTS_PER_S ? 'met' : 'NOT met'}; replay runs at ${((r / b) * 100).toFixed(0)}% of the baseline`,
      ].join('\n') + '\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
