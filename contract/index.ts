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
  MemberData,
  NodeClass,
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
export { indexWatchPlan, joinPath, splitRelPath, type WatchPlanIndex } from './paths.ts';
export { ContractViolation, decodeWith, encodeWith, field, jsonNode, oneLine, type Field, type Fields, type JsonNode, type Read, type Written } from './json-fields.ts';
export { zkpulseLayout } from './zkpulse/layout.ts';
export {
  CANDIDATE_PREFIX,
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
  decodeMaster,
  decodeStatus,
  decodeTaskData,
  decodeWorker,
  encodeCandidate,
  encodeElectionNode,
  encodeMaster,
  encodeStatus,
  encodeWorker,
  masterNode,
  statusNode,
  workerNode,
  type CandidateNodeData,
  type MasterNodeData,
  type StatusNodeData,
  type StatusNodeState,
  type WorkerNodeData,
  type WorkerNodeState,
} from './zkpulse/data.ts';
