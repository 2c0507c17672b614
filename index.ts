/**
 * zkpulse's public API: what Node programs import from the package. Explicit named exports only (no `export *`):
 * a name here is API, an internal type is not. The model's types keep their plain names (`WorkerState` is what
 * `ClusterModel.workers` holds); the agent's znode data types carry the `Agent` prefix (`AgentWorkerState` is the
 * `state` field the agent writes); an earlier `export *` of the model was shadowed by the agent's names.
 */

/** The collector: config, the gap-free ZooKeeper watch and its events, the per-cluster models, the recorder. */
export { Collector, type CollectorOptions } from './collector/collector.ts';
export { loadConfig, ConfigError, collectConfigSchema, DEFAULTS, type CollectConfig, type CollectFlags } from './collector/config.ts';
export { ZkSession, type ZkSessionOptions } from './zk/session.ts';
export { ClusterWatch, type ClusterRoot, type ClusterWatchOptions } from './collector/watch/cluster-watch.ts';
export { TreeWatcher, type TreeWatcherOptions } from './collector/watch/tree-watcher.ts';
export type { WatchEvent, NodeEvent, ConnectionEvent, SyncEvent, ZnodeStat, ConnectionState } from './collector/watch/events.ts';
export { ClusterModels } from './collector/cluster-models.ts';
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
export {
  emptyCluster,
  reduceCluster,
  candidateSeq,
  describeEvent,
  decodeCandidate,
  decodeMaster,
  decodeStatus,
  decodeTaskData,
  decodeWorker,
  type Reduced,
  type EventDescription,
  type CandidateData,
  type Decoded,
  type MasterData,
  type StatusData,
  type WorkerData,
} from './collector/model/index.ts';

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
  parseProgressLine,
  parseSidecarLine,
  digestId,
  type AgentOptions,
  type AgentDiagnostics,
  type Leadership,
  type LeadershipState,
  type WorkerData as AgentWorkerData,
  type StatusData as AgentStatusData,
  type MasterData as AgentMasterData,
  type WorkerState as AgentWorkerState,
  type TaskState as AgentTaskState,
  type ProgressLine,
  type SidecarLine,
} from './agent/index.ts';

/** Real ZooKeeper and InfluxDB processes on free loopback ports, for tests, benchmarks and the demo. */
export { startZooKeeper, startEnsemble, startInfluxDB, ensureServices, ServicesMissingError, type RunningZooKeeper, type RunningEnsemble, type RunningInfluxDB } from './stack/index.ts';
