/**
 * zkpulse's public API: what Node programs import from the package. Named exports only.
 */

// collector
export { Collector, type CollectorOptions } from './collector/collector.ts';
export { loadConfig, ConfigError, collectConfigSchema, DEFAULTS, type CollectConfig, type CollectFlags } from './collector/config.ts';
export { ZkSession, type ZkSessionOptions } from './collector/zk/session.ts';
export { ClusterWatch, type ClusterRoot, type ClusterWatchOptions } from './collector/watch/cluster-watch.ts';
export { TreeWatcher, type TreeWatcherOptions } from './collector/watch/tree-watcher.ts';
export type { WatchEvent, NodeEvent, ConnectionEvent, SyncEvent, ZnodeStat, ConnectionState } from './collector/watch/events.ts';
export { ClusterModels } from './collector/cluster-models.ts';
export { Recorder, RECORD_SCHEMA_VERSION } from './collector/recorder.ts';

// cluster model (pure)
export * from './collector/model/index.ts';

// InfluxDB
export { InfluxWriter, type InfluxWriterOptions, type InfluxWriterStats } from './collector/influx/writer.ts';
export { encodePoint, int, type Point, type FieldValue } from './collector/influx/line-protocol.ts';
export { pointsForEvent, gaugePoints, collectorPoint } from './collector/influx/points.ts';
export { queryInflux, rows } from './collector/influx/query.ts';

// HTTP
export { createHttpApp, startHttpServer, requireToken, type HttpDeps } from './collector/http/server.ts';
export { clusterSummaryView, clusterDetailView } from './collector/http/views.ts';
export { createCollectorMetrics, type CollectorMetrics } from './collector/metrics.ts';

// agent: the client library monitored Node programs use (and `zkpulse agent` runs)
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
  type WorkerData,
  type StatusData,
  type MasterData,
  type WorkerState,
  type TaskState,
  type ProgressLine,
  type SidecarLine,
} from './agent/index.ts';

// real services for tests, benchmarks and the demo
export { startZooKeeper, startEnsemble, startInfluxDB, ensureServices, ServicesMissingError, type RunningZooKeeper, type RunningEnsemble, type RunningInfluxDB } from './stack/index.ts';
