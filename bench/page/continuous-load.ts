/**
 * bench/load's writer thread kept running for as long as the page is measured: started with a long `seconds` and
 * stopped when the measuring ends. If its ZooKeeper client dies (node-zookeeper-client 1.1.3 has thrown
 * "offset … out of buffer range" from its socket reader on this loaded machine), the failure is kept and a new
 * writer takes over, so the load goes on; the dead writer's records are lost (the beat counts say so).
 */
import { performance } from 'node:perf_hooks';
import type { LoadWriterParams, LoadWriterResult } from '../load/writer-thread.ts';
import { startLoadWriter, type RunningLoadWriter } from '../load/writer.ts';

export class ContinuousLoad {
  readonly results: LoadWriterResult[] = [];
  readonly failures: string[] = [];
  private current: RunningLoadWriter | null = null;
  private settled: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly t0 = performance.now();

  constructor(private readonly params: LoadWriterParams) {
    this.start(params.firstBeat);
  }

  private start(firstBeat: number): void {
    const writer = startLoadWriter({ ...this.params, firstBeat });
    this.current = writer;
    this.settled = writer.done.then(
      (r) => {
        this.results.push(r);
      },
      (err: unknown) => {
        this.failures.push(`+${((performance.now() - this.t0) / 1000).toFixed(1)} s: ${err instanceof Error ? err.message : String(err)}`);
        // the beat counter in the data only has to grow: a round per second is more than the writer can have sent
        if (!this.stopped) this.start(firstBeat + Math.ceil((performance.now() - this.t0) / 1000) + 1);
      },
    );
  }

  /** Stops the writer and resolves once its records are in, it failed, or after `graceMs` (writes never acknowledged). */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopped = true;
    this.current?.stop();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)));
    const ok = await Promise.race([this.settled.then(() => true), late]);
    clearTimeout(timer);
    if (!ok) this.failures.push(`the last writer had writes unacknowledged ${graceMs} ms after stop: its records are lost`);
  }
}
