/**
 * zkpulse's public API: what Node programs import from the package. Explicit named exports only (no `export *`):
 * a name here is API, an internal type is not. The model's types keep their plain names (`WorkerState` is what
 * `ClusterModel.workers` holds); the agent's znode data types carry the `Agent` prefix (`AgentWorkerState` is the
 * `state` field the agent writes); an earlier `export *` of the model was shadowed by the agent's names.
 */

/** The running collector (server/: the data plane, alerting, the HA role and the HTTP API, wired together). */
export { Collector, type CollectorOptions } from './server/collector.ts';

/** The collector's data plane: config, the gap-free ZooKeeper watch and its events, the per-cluster models, the recorder. */
export { loadConfig, ConfigError, collectConfigSchema, DEFAULTS, type CollectConfig, type CollectFlags } from './collector/config.ts';
export { ZkSession, type ZkSessionOptions } from './zk/session.ts';
export { ClusterWatch, type ClusterRoot, type ClusterWatchOptions } from './collector/watch/cluster-watch.ts';
export { TreeWatcher, type TreeWatcherOptions } from './collector/watch/tree-watcher.ts';
export type { WatchEvent, NodeEvent, ConnectionEvent, SyncEvent, ZnodeStat, ConnectionState } from './collector/watch/events.ts';
export { ClusterModels } from './collector/cluster-models.ts';
/** One watch event → the next models, domain events and InfluxDB points (pure), as the collector and the replay run it. */
export { stepEvent, initialModels, type Models, type StepContext, type StepResult, type GaugeChange } from './collector/pipeline.ts';
export { Recorder, RECORD_SCHEMA_VERSION } from './collector/recorder.ts';

/** The cluster model (pure): its state types, the reducer and its domain events, znode data decoders, descriptions. */
export type {
  ClusterModel,
  WorkerState,
  WorkerRunState,
  MasterState,
  CandidateState,
  TaskState,
  TaskRunState,
  TaskProgress,
  TaskAssignment,
  DomainEvent,
  DomainEventType,
  WorkerLeftReason,
  TaskOutcome,
} from './collector/model/index.ts';
export { emptyCluster, reduceCluster, describeEvent, type Reduced, type EventDescription } from './collector/model/index.ts';
/** The znode data as the model decodes it (the layouts' common shapes; fields it did not find are null). */
export {
  candidateSeq,
  decodeCandidate,
  decodeMaster,
  decodeStatus,
  decodeTaskData,
  decodeWorker,
  type CandidateData,
  type Decoded,
  type LeaderData as MasterData,
  type StatusData,
  type MemberData as WorkerData,
} from './contract/index.ts';

/**
 * The znode contract (contract/): the layouts the collector understands, the zkpulse layout's paths, and the
 * strict encoders writers use (what a plain program must write to be monitored, docs/contract.md §2).
 */
export {
  layoutNamed,
  layoutNames,
  zkpulseLayout,
  zkpulsePaths,
  encodeCandidate,
  encodeMaster,
  encodeStatus,
  encodeWorker,
  ContractViolation,
  type Layout,
  type NodeClass,
  type WatchPlan,
  type ZkpulsePaths,
} from './contract/index.ts';

/** InfluxDB: the batching writer, line protocol, the points an event makes, queries. */
export { InfluxWriter, type InfluxWriterOptions, type InfluxWriterStats } from './collector/influx/writer.ts';
export { encodePoint, int, type Point, type FieldValue } from './collector/influx/line-protocol.ts';
export { pointsForEvent, gaugePoints, collectorPoint } from './collector/influx/points.ts';
export { type InfluxTransport, type InfluxReply } from './collector/influx/client.ts';
export { queryInflux, rows, type Series } from './collector/influx/query.ts';

/** HTTP: the JSON/SSE API and live page app, its views of a model, the collector's Prometheus metrics. */
export { createHttpApp, startHttpServer, requireToken, type HttpDeps } from './collector/http/server.ts';
export { clusterSummaryView, clusterDetailView } from './collector/http/views.ts';
export { createCollectorMetrics, type CollectorMetrics } from './collector/metrics.ts';

/** The agent: the client library monitored Node programs use (and `zkpulse agent` runs), and the data it writes. */
export {
  Agent,
  createAgent,
  AgentArgumentError,
  AgentClosedError,
  ZooKeeperUnreachableError,
  LockTimeoutError,
  LockAbandonedError,
  parseProgressLine,
  parseSidecarLine,
  digestId,
  type AgentOptions,
  type AgentDiagnostics,
  type Leadership,
  type LeadershipState,
  type LockHandle,
  type LockOptions,
  type LockLoss,
  type LockLossReason,
  type ProgressLine,
  type SidecarLine,
} from './agent/index.ts';
/** The znode data the agent (and any writer) produces: every field of docs/contract.md §2, strictly typed. */
export {
  type WorkerNodeData as AgentWorkerData,
  type StatusNodeData as AgentStatusData,
  type MasterNodeData as AgentMasterData,
  type WorkerNodeState as AgentWorkerState,
  type StatusNodeState as AgentTaskState,
} from './contract/index.ts';

/** Real ZooKeeper and InfluxDB processes on free loopback ports, for tests, benchmarks and the demo. */
export { startZooKeeper, startEnsemble, startInfluxDB, ensureServices, ServicesMissingError, type RunningZooKeeper, type RunningEnsemble, type RunningInfluxDB } from './stack/index.ts';
