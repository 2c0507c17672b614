/**
 * The collect config's defaults, without the schema: the CLI shows them in its help before any verb runs, and
 * a verb other than `collect` (agent, init, ...) must not load zod and the layouts for them (bench/cold-start).
 */
export const DEFAULT_HTTP = '127.0.0.1:7070';
export const DEFAULT_HA_PATH = '/zkpulse/collectors/default';
/** how an HA group shares the work (docs/ha.md) */
export const HA_MODES = ['single', 'shard'] as const;
export type HaMode = (typeof HA_MODES)[number];
export const DEFAULT_SHARD_REPLICAS = 1;
/** log line formats (collector/logger.ts) */
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const DEFAULTS = {
  sessionTimeout: 10_000,
  probeIntervalMs: 2_000,
  probeTimeoutMs: 3_000,
  maxDataBytes: 65_536,
} as const;
