/** `zkpulse collect`: run the collector until SIGINT/SIGTERM. */
import { Collector } from '../collector/collector.ts';
import type { CollectConfig } from '../collector/config.ts';

export async function runCollect(config: CollectConfig): Promise<void> {
  const collector = new Collector({ config });
  await collector.start();
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await collector.stop();
}
