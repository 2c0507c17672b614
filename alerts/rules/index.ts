/** The built-in rules that read a cluster's ZooKeeper state, by alertname (CollectorDisconnected is separate), and the ensemble rules. */
import type { AlertName, EnsembleAlertName } from '../types.ts';
import { heartbeatStale } from './heartbeat-stale.ts';
import { configChanged } from './config-changed.ts';
import { kafkaOfflinePartitions } from './kafka-offline-partitions.ts';
import { lockContention } from './lock-contention.ts';
import { lockHeldTooLong } from './lock-held-too-long.ts';
import { masterFlapping } from './master-flapping.ts';
import { masterMissing } from './master-missing.ts';
import { progressStalled } from './progress-stalled.ts';
import { sequenceNearExhaustion } from './sequence-near-exhaustion.ts';
import { splitBrain } from './split-brain.ts';
import { taskOrphaned } from './task-orphaned.ts';
import type { ZkRule } from './types.ts';
import { workerLost } from './worker-lost.ts';
import { workersBelowMinimum } from './workers-below-minimum.ts';
import { zookeeperFileDescriptors } from './zookeeper-file-descriptors.ts';
import { zookeeperLatencyHigh } from './zookeeper-latency-high.ts';
import { zookeeperMultipleLeaders } from './zookeeper-multiple-leaders.ts';
import { zookeeperNoLeader } from './zookeeper-no-leader.ts';
import { zookeeperOutstandingRequests } from './zookeeper-outstanding-requests.ts';
import { zookeeperQuorumAtRisk } from './zookeeper-quorum-at-risk.ts';
import type { EnsembleRule } from './zookeeper-rule.ts';
import { zookeeperServerDown } from './zookeeper-server-down.ts';

export type ZkRuleName = Exclude<AlertName, 'CollectorDisconnected' | EnsembleAlertName>;

export const ZK_RULES: { readonly [N in ZkRuleName]: ZkRule<N> } = {
  MasterMissing: masterMissing,
  MasterFlapping: masterFlapping,
  WorkerLost: workerLost,
  WorkersBelowMinimum: workersBelowMinimum,
  HeartbeatStale: heartbeatStale,
  ProgressStalled: progressStalled,
  TaskOrphaned: taskOrphaned,
  SplitBrain: splitBrain,
  KafkaOfflinePartitions: kafkaOfflinePartitions,
  LockHeldTooLong: lockHeldTooLong,
  LockContention: lockContention,
  SequenceNearExhaustion: sequenceNearExhaustion,
  ConfigChanged: configChanged,
};

export const ZK_RULE_NAMES = Object.keys(ZK_RULES) as ZkRuleName[];

/** The rules judged per ZooKeeper ensemble, from its latest poll (docs/contract.md §10). */
export const ENSEMBLE_RULES: { readonly [N in EnsembleAlertName]: EnsembleRule<N> } = {
  ZooKeeperServerDown: zookeeperServerDown,
  ZooKeeperNoLeader: zookeeperNoLeader,
  ZooKeeperMultipleLeaders: zookeeperMultipleLeaders,
  ZooKeeperQuorumAtRisk: zookeeperQuorumAtRisk,
  ZooKeeperLatencyHigh: zookeeperLatencyHigh,
  ZooKeeperOutstandingRequests: zookeeperOutstandingRequests,
  ZooKeeperFileDescriptors: zookeeperFileDescriptors,
};

export const ENSEMBLE_RULE_KEYS = Object.keys(ENSEMBLE_RULES) as EnsembleAlertName[];

export { collectorDisconnected, type ConnectionInput } from './collector-disconnected.ts';
export { phi, type PhiOptions } from './phi.ts';
export type { Condition, RuleInput, ZkRule } from './types.ts';
export { describeQuorum, type EnsembleRule, type EnsembleRuleInput } from './zookeeper-rule.ts';
