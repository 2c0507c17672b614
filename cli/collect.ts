/** `zkpulse collect`: run the collector until SIGINT/SIGTERM. */
import { untilStopSignal } from './signals.ts';
import { Collector } from '../collector/collector.ts';
import type { CollectConfig } from '../collector/config.ts';

export async function runCollect(config: CollectConfig): Promise<void> {
  const collector = new Collector({ config });
  await collector.start();
  await untilStopSignal();
  await collector.stop();
}
