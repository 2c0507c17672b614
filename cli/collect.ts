/** `zkpulse collect`: run the collector until SIGINT/SIGTERM. */
import { untilStopSignal } from './signals.ts';
import { Collector, STOP_DEADLINE_MS } from '../server/collector.ts';
import type { CollectConfig } from '../collector/config.ts';
import { EXIT_FAILURE } from './errors.ts';

export async function runCollect(config: CollectConfig): Promise<void> {
  const collector = new Collector({ config });
  await collector.start();
  await untilStopSignal();
  // stop() is bounded by STOP_DEADLINE_MS; should it still hang, or should a second signal come, end anyway
  const force = (why: string) => {
    collector.log.error({ deadlineMs: STOP_DEADLINE_MS }, `stopping: ${why}; exiting now`);
    process.exit(EXIT_FAILURE);
  };
  const timer = setTimeout(() => force('the stop deadline passed'), STOP_DEADLINE_MS);
  void untilStopSignal().then(() => force('second signal'));
  await collector.stop();
  clearTimeout(timer);
  // work cut off at the deadline (a notice in flight, a state write) must not hold the process up
  process.exit(0);
}
