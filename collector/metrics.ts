/**
 * The collector's Prometheus metrics (served at GET /metrics), all prefixed `zkpulse_`.
 * Per-cluster gauges are a projection of the cluster models: call updateFromModels() after
 * the models change (or just before a scrape); the collector's own counters are bumped by the collect loop.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterModel } from './model/types.ts';

/** The gauges of one cluster, as also written to the `cluster` InfluxDB measurement (docs/contract.md §4). */
export interface ClusterGauges {
  workersUp: number;
  masterPresent: 0 | 1;
  candidates: number;
  /** tasks whose R/tasks/<task> node exists */
  tasks: number;
  tasksRunning: number;
  dataInvalid: number;
}

export function clusterGauges(model: ClusterModel): ClusterGauges {
  return {
    workersUp: model.workers.count((w) => w.up),
    masterPresent: model.master ? 1 : 0,
    candidates: model.candidates.size,
    tasks: model.tasks.count((task) => task.exists),
    tasksRunning: model.tasks.count((task) => task.state === 'running'),
    dataInvalid: model.invalidCount,
  };
}

export interface CollectorMetrics {
  registry: Registry;
  /** 1 while the ZooKeeper session is connected */
  zkConnected: Gauge;
  /** watch events processed */
  eventsTotal: Counter;
  /** collector clock minus the time the event happened (the znode's mtime), last event */
  eventLagMs: Gauge;
  writeErrorsTotal: Counter;
  droppedPointsTotal: Counter;
  workersUp: Gauge<'cluster'>;
  masterPresent: Gauge<'cluster'>;
  candidates: Gauge<'cluster'>;
  tasks: Gauge<'cluster'>;
  tasksRunning: Gauge<'cluster'>;
  dataInvalidTotal: Counter<'cluster'>;
  /** sets the per-cluster gauges from the models (clusters not given are dropped) */
  updateFromModels(models: readonly ClusterModel[]): void;
}

export interface CollectorMetricsOptions {
  /** also collect prom-client's default Node.js process metrics (off by default: no timers) */
  defaultMetrics?: boolean;
}

export function createCollectorMetrics(options: CollectorMetricsOptions = {}): CollectorMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'zkpulse_' });
  const registers = [registry];
  const perCluster = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['cluster'] as const, registers });

  const metrics: Omit<CollectorMetrics, 'updateFromModels'> = {
    registry,
    zkConnected: new Gauge({ name: 'zkpulse_zk_connected', help: '1 while the ZooKeeper session is connected', registers }),
    eventsTotal: new Counter({ name: 'zkpulse_events_total', help: 'Watch events processed', registers }),
    eventLagMs: new Gauge({ name: 'zkpulse_event_lag_ms', help: 'Delay between a change in ZooKeeper and its observation, ms', registers }),
    writeErrorsTotal: new Counter({ name: 'zkpulse_write_errors_total', help: 'Failed InfluxDB writes', registers }),
    droppedPointsTotal: new Counter({ name: 'zkpulse_dropped_points_total', help: 'InfluxDB points dropped (buffer full)', registers }),
    workersUp: perCluster('zkpulse_workers_up', 'Workers whose znode exists'),
    masterPresent: perCluster('zkpulse_master_present', '1 while R/master exists'),
    candidates: perCluster('zkpulse_candidates', 'Master candidates under R/election'),
    tasks: perCluster('zkpulse_tasks', 'Tasks under R/tasks'),
    tasksRunning: perCluster('zkpulse_tasks_running', 'Tasks with a running status'),
    dataInvalidTotal: new Counter({
      name: 'zkpulse_data_invalid_total',
      help: 'Znode data found invalid (not JSON, too large, wrong shape)',
      labelNames: ['cluster'] as const,
      registers,
    }),
  };

  const updateFromModels = (models: readonly ClusterModel[]) => {
    for (const gauge of [metrics.workersUp, metrics.masterPresent, metrics.candidates, metrics.tasks, metrics.tasksRunning]) {
      gauge.reset();
    }
    // The model keeps the running count; a Counter can only grow, so it is rebuilt from that count.
    metrics.dataInvalidTotal.reset();
    for (const model of models) {
      const g = clusterGauges(model);
      const labels = { cluster: model.name };
      metrics.workersUp.set(labels, g.workersUp);
      metrics.masterPresent.set(labels, g.masterPresent);
      metrics.candidates.set(labels, g.candidates);
      metrics.tasks.set(labels, g.tasks);
      metrics.tasksRunning.set(labels, g.tasksRunning);
      metrics.dataInvalidTotal.inc(labels, g.dataInvalid);
    }
  };

  return { ...metrics, updateFromModels };
}
