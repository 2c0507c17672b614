/**
 * The models of the watched clusters, folded from the watch stream with stepEvent (pipeline.ts),
 * without the points: for programs and tools that only want the models and their domain events.
 * No I/O here.
 */
import type { WatchEvent } from './watch/events.ts';
import type { DomainEvent } from './model/domain-events.ts';
import type { ClusterModel } from './model/types.ts';
import type { ClusterRoot } from './watch/cluster-watch.ts';
import type { Layout } from '../contract/layout.ts';
import { initialModels, layoutsOf, stepEvent, type Models } from './pipeline.ts';

export class ClusterModels {
  private models: Models;
  private readonly layouts: ReadonlyMap<string, Layout>;

  constructor(clusters: readonly ClusterRoot[]) {
    this.models = initialModels(clusters);
    this.layouts = layoutsOf(clusters);
  }

  /** Apply one watch event (a connection event applies to every cluster); returns the domain events. */
  apply(event: WatchEvent, now: number): DomainEvent[] {
    const step = stepEvent(this.models, event, { now, points: false, layouts: this.layouts });
    this.models = step.models;
    return step.events;
  }

  get(name: string): ClusterModel | undefined {
    return this.models.get(name);
  }

  all(): ClusterModel[] {
    return [...this.models.values()];
  }
}
