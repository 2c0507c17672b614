/**
 * A real Collector for tests, configured the way `zkpulse collect` is (through the config schema, so
 * every default applies), against the shared ZooKeeper, with logs silenced and the HTTP API on a free
 * loopback port.
 */
import { pino } from 'pino';
import type { SchedulerLike } from 'rxjs';
import { Collector } from '../../server/collector.ts';
import { collectConfigSchema } from '../../collector/config.ts';
import { sharedZooKeeper } from './services.ts';

/**
 * Raw config values, as in the YAML file; `clusters` is required (a root, or `{root, layout, ensemble}`: docs/contract.md §8, §10),
 * `zk` defaults to the shared ZooKeeper.
 */
export type TestCollectorConfig = Record<string, unknown> & { clusters: Record<string, string | { root: string; layout?: unknown; ensemble?: string }> };

export interface TestCollectorOptions {
  http?: boolean;
  /** the collector's timers (default asyncScheduler) */
  scheduler?: SchedulerLike;
  /** the time of events (default the scheduler's) */
  now?: () => number;
}

export async function startTestCollector(raw: TestCollectorConfig, options: TestCollectorOptions = {}): Promise<Collector> {
  const config = collectConfigSchema.parse({ zk: await sharedZooKeeper(), http: '127.0.0.1:0', instance: 'test', ...raw });
  // ZKPULSE_TEST_LOG=debug shows the collectors' logs on stderr when a test needs explaining
  const logger = pino({ level: process.env.ZKPULSE_TEST_LOG ?? 'silent' }, pino.destination(2));
  const collector = new Collector({ logger, config, scheduler: options.scheduler, now: options.now });
  await collector.start({ http: options.http });
  return collector;
}
