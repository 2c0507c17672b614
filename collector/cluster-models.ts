/**
 * Folds the watch stream into one model per cluster with the pure reducer, and collects the
 * domain events it derives. No I/O here: the collector wires the result to InfluxDB and HTTP.
 */
import type { WatchEvent } from './watch/events.ts';
import type { DomainEvent } from './model/domain-events.ts';
import type { ClusterModel } from './model/types.ts';
import { emptyCluster, reduceCluster } from './model/reducer.ts';
import type { ClusterRoot } from './watch/cluster-watch.ts';

export class ClusterModels {
  private readonly models = new Map<string, ClusterModel>();

  constructor(clusters: ClusterRoot[]) {
    for (const c of clusters) this.models.set(c.name, emptyCluster(c.name, c.root));
  }

  /** Apply one watch event (a connection event applies to every cluster); returns the domain events. */
  apply(event: WatchEvent, now: number): DomainEvent[] {
    if (event.kind !== 'connection') {
      // the hot path: one cluster, its events as the reducer made them (no copy)
      const model = this.models.get(event.cluster);
      if (!model) return [];
      const step = reduceCluster(model, event, now);
      if (step.model !== model) this.models.set(event.cluster, step.model);
      return step.events;
    }
    const out: DomainEvent[] = [];
    for (const [name, model] of this.models) {
      const step = reduceCluster(model, event, now);
      this.models.set(name, step.model);
      for (const e of step.events) out.push(e);
    }
    return out;
  }

  get(name: string): ClusterModel | undefined {
    return this.models.get(name);
  }

  all(): ClusterModel[] {
    return [...this.models.values()];
  }
}
