import { DEFAULT_ROUTE, type RetryPolicy, type RouteTiming } from '../notify/config.ts';
/**
 * The built-in rules' settings and their defaults. Durations are milliseconds here (the YAML may
 * write them as `10s`, `5m`, ...). Every rule has `enabled`, `for`, `keepFiringFor` and `severity`;
 * the rest are the rule's thresholds.
 */
import type { AlertName, Severity } from '../types.ts';

export interface CommonRuleConfig {
  enabled: boolean;
  /** how long the condition must hold before the alert fires (pending until then), ms */
  for: number;
  /** how long a firing alert keeps firing after its condition stopped holding, ms */
  keepFiringFor: number;
  severity: Severity;
}

export interface RuleConfigs {
  MasterMissing: CommonRuleConfig & {
    /**
     * true (default): only a cluster that has shown a master or a candidate since it was first
     * watched can miss one (a worker-only cluster never does); false: R/master must always exist
     */
    requireSeen: boolean;
  };
  MasterFlapping: CommonRuleConfig & { changes: number; window: number };
  WorkerLost: CommonRuleConfig & { resolveAfter: number };
  WorkersBelowMinimum: CommonRuleConfig & { min: number };
  HeartbeatStale: CommonRuleConfig & {
    /** stale when the beat age exceeds factor × the worker's heartbeat period */
    factor: number;
    /** the period assumed for workers that do not advertise heartbeatMs, ms */
    defaultHeartbeat: number;
    /** 'age': the factor test; 'phi': phi-accrual suspicion over the observed inter-beat intervals */
    mode: 'age' | 'phi';
    phiThreshold: number;
    /** fewer observed intervals than this: the age test decides, even in phi mode */
    phiMinSamples: number;
  };
  ProgressStalled: CommonRuleConfig & { after: number };
  TaskOrphaned: CommonRuleConfig;
  SplitBrain: CommonRuleConfig;
  /** a Kafka topic has partitions without a leader (state leader -1); one alert per topic */
  KafkaOfflinePartitions: CommonRuleConfig;
  /** a lock's first holder has held it longer than `after`, ms (docs/contract.md §9) */
  LockHeldTooLong: CommonRuleConfig & { after: number };
  /** at least `waiters` contenders wait on one lock (for `for`) */
  LockContention: CommonRuleConfig & { waiters: number };
  /** a watched parent's cversion (its next sequence number) is past `ratio` × 2^31 */
  SequenceNearExhaustion: CommonRuleConfig & { ratio: number };
  /** a notice per configuration change, kept firing for `keep` ms after the change; off by default */
  ConfigChanged: CommonRuleConfig & { keep: number };
  CollectorDisconnected: CommonRuleConfig;
}

export interface AlertsConfig {
  /** how often the rules are evaluated, ms */
  evalInterval: number;
  /** how long a resolved alert is kept (and re-sent by the notifier), ms */
  resolvedRetention: number;
  /** the rules' settings for every cluster (built-in defaults + `alerts.defaults`) */
  defaults: RuleConfigs;
  /** the settings of the clusters named in `alerts.clusters`, fully resolved */
  clusters: Readonly<Record<string, RuleConfigs>>;
  /** how notifications are grouped and timed (Alertmanager's route settings) */
  route: RouteTiming;
  /** where the notification log, silences and engine state are kept in ZooKeeper */
  statePath: string;
  /** overrides of the notifier's retry policy (`alerts.retry`); absent = DEFAULT_RETRY */
  retry?: Partial<RetryPolicy>;
}

const common = (severity: Severity, forMs: number): CommonRuleConfig => ({
  enabled: true,
  for: forMs,
  keepFiringFor: 0,
  severity,
});

export const DEFAULT_RULES: RuleConfigs = {
  MasterMissing: { ...common('critical', 10_000), requireSeen: true },
  MasterFlapping: { ...common('warning', 0), changes: 3, window: 5 * 60_000 },
  WorkerLost: { ...common('critical', 0), resolveAfter: 5 * 60_000 },
  WorkersBelowMinimum: { ...common('warning', 0), min: 0 },
  HeartbeatStale: {
    ...common('warning', 0),
    factor: 3,
    defaultHeartbeat: 5_000,
    mode: 'age',
    phiThreshold: 8,
    phiMinSamples: 5,
  },
  ProgressStalled: { ...common('warning', 0), after: 5 * 60_000 },
  TaskOrphaned: common('warning', 60_000),
  SplitBrain: common('critical', 15_000),
  // a controller failover leaves partitions leaderless for a moment: only a lasting one is news
  KafkaOfflinePartitions: common('critical', 30_000),
  LockHeldTooLong: { ...common('warning', 0), after: 10 * 60_000 },
  LockContention: { ...common('warning', 60_000), waiters: 5 },
  SequenceNearExhaustion: { ...common('warning', 0), ratio: 0.9 },
  // a notice, not a problem: teams that want one per change turn it on
  ConfigChanged: { ...common('info', 0), enabled: false, keep: 5 * 60_000 },
  CollectorDisconnected: common('critical', 10_000),
};

export const DEFAULT_ALERTS_CONFIG: AlertsConfig = {
  evalInterval: 1_000,
  resolvedRetention: 15 * 60_000,
  defaults: DEFAULT_RULES,
  clusters: {},
  route: DEFAULT_ROUTE,
  statePath: '/zkpulse/state/default',
};

export const RULE_NAMES = Object.keys(DEFAULT_RULES) as AlertName[];
