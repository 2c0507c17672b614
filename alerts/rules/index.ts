/** The built-in rules that read a cluster's ZooKeeper state, by alertname (CollectorDisconnected is separate). */
import type { AlertName } from '../types.ts';
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

export type ZkRuleName = Exclude<AlertName, 'CollectorDisconnected'>;

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

export { collectorDisconnected, type ConnectionInput } from './collector-disconnected.ts';
export { phi, type PhiOptions } from './phi.ts';
export type { Condition, RuleInput, ZkRule } from './types.ts';
