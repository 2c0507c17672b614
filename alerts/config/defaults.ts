import { DEFAULT_ROUTE, type RetryPolicy, type RouteTiming } from '../notify/config.ts';
/**
 * The built-in rules' settings and their defaults. Durations are milliseconds here (the YAML may
 * write them as `10s`, `5m`, ...). Every rule has `enabled`, `for`, `keepFiringFor` and `severity`;
 * the rest are the rule's thresholds.
 */
import type { AlertName, EnsembleAlertName, Severity } from '../types.ts';

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
  // The ensemble rules (rules/zookeeper-*.ts), judged per ensemble: `alerts.defaults` and `alerts.ensembles.<name>`.
  /** a server is down (no answer) or does not serve */
  ZooKeeperServerDown: CommonRuleConfig;
  /** no server leads (and none serves as a follower of a leader out of sight) */
  ZooKeeperNoLeader: CommonRuleConfig;
  /** two or more servers say they lead in the same poll; keep `for` above 2 × ensemblePollMs */
  ZooKeeperMultipleLeaders: CommonRuleConfig;
  /** one more voting server lost would lose the quorum (or it is lost); never for a standalone server */
  ZooKeeperQuorumAtRisk: CommonRuleConfig;
  /** a serving server's avg_latency > `threshold` ms */
  ZooKeeperLatencyHigh: CommonRuleConfig & { threshold: number };
  /** a serving server's outstanding_requests > `threshold` */
  ZooKeeperOutstandingRequests: CommonRuleConfig & { threshold: number };
  /** a server's open_file_descriptor_count > `ratio` × max_file_descriptor_count */
  ZooKeeperFileDescriptors: CommonRuleConfig & { ratio: number };
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
  /** the settings of the ensembles named in `alerts.ensembles` (over `defaults`), fully resolved; absent = none */
  ensembles?: Readonly<Record<string, RuleConfigs>>;
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
  // Thresholds and `for: 1m` after the ZooKeeper project's reference Prometheus rules (zookeeper-website
  // admin-ops/monitor-and-audit-logs.mdx, "Alerting with Prometheus"): `up == 0` critical, `avg_latency > 100`
  // warning. Upstream's file-descriptor example is an absolute `> 300`; a ratio of the server's own limit is
  // used instead (the 80 %), it holds for any ulimit. Outstanding requests, leaders and the quorum have
  // no upstream example: zkpulse's choices, documented in alerts/README.md.
  ZooKeeperServerDown: common('critical', 60_000),
  ZooKeeperNoLeader: common('critical', 30_000),
  // an election can show the old and the new leader in one poll: only one that lasts over several polls is news
  ZooKeeperMultipleLeaders: common('critical', 30_000),
  ZooKeeperQuorumAtRisk: common('warning', 60_000),
  ZooKeeperLatencyHigh: { ...common('warning', 60_000), threshold: 100 },
  ZooKeeperOutstandingRequests: { ...common('warning', 60_000), threshold: 10 },
  ZooKeeperFileDescriptors: { ...common('warning', 60_000), ratio: 0.8 },
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

/** The rules judged per ensemble, not per cluster. */
export const ENSEMBLE_RULE_NAMES: readonly EnsembleAlertName[] = [
  'ZooKeeperServerDown',
  'ZooKeeperNoLeader',
  'ZooKeeperMultipleLeaders',
  'ZooKeeperQuorumAtRisk',
  'ZooKeeperLatencyHigh',
  'ZooKeeperOutstandingRequests',
  'ZooKeeperFileDescriptors',
];

export const isEnsembleRule = (name: string): name is EnsembleAlertName => (ENSEMBLE_RULE_NAMES as readonly string[]).includes(name);
