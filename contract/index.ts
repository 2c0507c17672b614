/** The znode contract: layouts (paths, watch plans, roles) and the schemas of every znode's data. */
export type {
  CandidateData,
  ContainerRole,
  Decoded,
  Layout,
  LayoutCapabilities,
  LayoutDecoders,
  LayoutPaths,
  LeaderData,
  LeaderEpochSource,
  MemberData,
  NodeClass,
  PartitionData,
  SplitBrainCheck,
  StatusData,
  WatchedContainer,
  WatchPlan,
} from './layout.ts';
export { DEFAULT_LAYOUT, layoutNamed, layoutNames } from './layouts.ts';
export {
  CUSTOM_LAYOUT_NAME,
  checkCustomLayout,
  customLayout,
  type ChildrenSpec,
  type CustomLayoutSpec,
  type LeaderSpec,
  type SpecProblem,
} from './custom-layout.ts';
export { compileGlob, MAX_GLOB_LENGTH, type CompiledGlob, type Glob } from './glob.ts';
export { compilePathGlob, MAX_PATH_GLOB_SEGMENTS, type CompiledPathGlob, type PathGlob } from './path-glob.ts';
export {
  checkLocksAndConfig,
  withLocksAndConfig,
  type ConfigGlobSpec,
  type LocksAndConfigProblem,
  type LocksAndConfigSpec,
} from './locks-and-config.ts';
export { configFingerprint, FIELD_DIGEST_HEX, type ConfigFingerprint, type ConfigFingerprintOptions } from './config-digest.ts';
export { indexWatchPlan, joinPath, splitRelPath, type WatchPlanIndex } from './paths.ts';
export { ContractViolation, decodeWith, encodeWith, field, jsonNode, oneLine, type Field, type Fields, type JsonNode, type Read, type Written } from './json-fields.ts';
export { zkpulseLayout } from './zkpulse/layout.ts';
export { curatorLeaderLatchLayout } from './built-in/curator-leader-latch.ts';
export { curatorLeaderSelectorLayout } from './built-in/curator-leader-selector.ts';
export { curatorServiceDiscoveryLayout } from './built-in/curator-service-discovery.ts';
export { kazooElectionLayout } from './built-in/kazoo-election.ts';
export { kazooPartyLayout } from './built-in/kazoo-party.ts';
export { kafkaLayout } from './built-in/kafka.ts';
export { hbaseLayout } from './built-in/hbase.ts';
export { solrLayout } from './built-in/solr.ts';
export { hdfsHaLayout, yarnHaLayout } from './built-in/hadoop-ha.ts';
export {
  CANDIDATE_PREFIX,
  CONFIG,
  LOCK_PREFIX,
  LOCKS,
  candidateNameSeq,
  candidateSeq,
  zkpulsePaths,
  type ParticipantPaths,
  type ZkpulsePaths,
} from './zkpulse/paths.ts';
export {
  STATUS_STATES,
  WORKER_STATES,
  candidateNode,
  decodeCandidate,
  decodeLockContender,
  decodeMaster,
  decodeStatus,
  decodeTaskData,
  decodeWorker,
  encodeCandidate,
  encodeElectionNode,
  encodeLockContender,
  lockContenderNode,
  encodeMaster,
  encodeStatus,
  encodeWorker,
  masterNode,
  statusNode,
  workerNode,
  type CandidateNodeData,
  type LockContenderData,
  type LockContenderNodeData,
  type MasterNodeData,
  type StatusNodeData,
  type StatusNodeState,
  type WorkerNodeData,
  type WorkerNodeState,
} from './zkpulse/data.ts';
