/**
 * The zod schema of the `alerts:` section of the collect YAML. Every rule setting is optional here
 * (an override); config.ts lays the overrides over the defaults. Durations come out as ms.
 */
import { z } from 'zod';
import { parseDuration } from './duration.ts';

const duration = z.unknown().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (typeof ms === 'string') {
    ctx.addIssue({ code: 'custom', message: ms });
    return z.NEVER;
  }
  return ms;
});

const positiveDuration = duration.refine((ms) => ms > 0, 'expected a duration > 0');

const common = {
  enabled: z.boolean({ error: 'expected true or false' }).optional(),
  for: duration.optional(),
  keepFiringFor: duration.optional(),
  severity: z.enum(['critical', 'warning', 'info'], { error: 'expected critical, warning or info' }).optional(),
};

function wholeAtLeast(min: number) {
  const message = `expected a whole number >= ${min}`;
  return z.number({ error: message }).int(message).min(min, message);
}

// the collector reports a parent's cversion from 2^30 up (contract/sequence-floor.ts): a lower ratio would see nothing
const RATIO_MESSAGE = 'expected a number >= 0.5 and < 1 (a share of 2^31)';
const sequenceRatio = z.number({ error: RATIO_MESSAGE }).min(0.5, RATIO_MESSAGE).lt(1, RATIO_MESSAGE);

const rule = <T extends z.ZodRawShape>(shape: T) => z.strictObject({ ...common, ...shape }).optional();

export const ruleOverridesSchema = z.strictObject({
  MasterMissing: rule({ requireSeen: z.boolean({ error: 'expected true or false' }).optional() }),
  MasterFlapping: rule({ changes: wholeAtLeast(2).optional(), window: positiveDuration.optional() }),
  WorkerLost: rule({ resolveAfter: positiveDuration.optional() }),
  WorkersBelowMinimum: rule({ min: wholeAtLeast(0).optional() }),
  HeartbeatStale: rule({
    factor: z.number({ error: 'expected a number > 1' }).gt(1, 'expected a number > 1').optional(),
    defaultHeartbeat: positiveDuration.optional(),
    mode: z.enum(['age', 'phi'], { error: 'expected age or phi' }).optional(),
    phiThreshold: z.number({ error: 'expected a number > 0' }).gt(0, 'expected a number > 0').optional(),
    phiMinSamples: wholeAtLeast(2).optional(),
  }),
  ProgressStalled: rule({ after: positiveDuration.optional() }),
  TaskOrphaned: rule({}),
  SplitBrain: rule({}),
  KafkaOfflinePartitions: rule({}),
  LockHeldTooLong: rule({ after: positiveDuration.optional() }),
  LockContention: rule({ waiters: wholeAtLeast(1).optional() }),
  SequenceNearExhaustion: rule({ ratio: sequenceRatio.optional() }),
  ConfigChanged: rule({ keep: positiveDuration.optional() }),
  CollectorDisconnected: rule({}),
  ZooKeeperServerDown: rule({}),
  ZooKeeperNoLeader: rule({}),
  ZooKeeperMultipleLeaders: rule({}),
  ZooKeeperQuorumAtRisk: rule({}),
  ZooKeeperLatencyHigh: rule({ threshold: z.number({ error: 'expected a number > 0 (ms)' }).gt(0, 'expected a number > 0 (ms)').optional() }),
  ZooKeeperOutstandingRequests: rule({ threshold: wholeAtLeast(0).optional() }),
  ZooKeeperFileDescriptors: rule({
    ratio: z.number({ error: 'expected a number > 0 and <= 1' }).gt(0, 'expected a number > 0 and <= 1').max(1, 'expected a number > 0 and <= 1').optional(),
  }),
});

export type RuleOverrides = z.output<typeof ruleOverridesSchema>;

export const routeSchema = z.strictObject({
  groupBy: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected label names'), { error: 'expected a list of label names' }).optional(),
  groupWait: duration.optional(),
  groupInterval: positiveDuration.optional(),
  repeatInterval: positiveDuration.optional(),
});

/** How long and how often a failed delivery is retried (the notifier's RetryPolicy; defaults in notify/config.ts). */
export const retrySchema = z.strictObject({
  maxAge: positiveDuration.optional(),
  initialBackoff: positiveDuration.optional(),
  maxBackoff: positiveDuration.optional(),
});

export const alertsSectionSchema = z.strictObject({
  evalInterval: positiveDuration.optional(),
  route: routeSchema.optional(),
  retry: retrySchema.optional(),
  statePath: z
    .string({ error: 'expected a ZooKeeper path' })
    .regex(/^(\/[^/\0]+)+$/, 'expected an absolute ZooKeeper path without a trailing slash')
    .optional(),
  resolvedRetention: duration.optional(),
  defaults: ruleOverridesSchema.optional(),
  clusters: z.record(z.string(), ruleOverridesSchema).optional(),
  /** per ensemble (`ensembles.<name>` of the collect config, `default` for `zk`): the ZooKeeper* rules only */
  ensembles: z.record(z.string(), ruleOverridesSchema).optional(),
});
