/** The pure reducer over a list of watch events: the final model and every domain event, in order. */
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { reduceCluster } from '../../collector/model/reducer.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import type { Layout } from '../../contract/layout.ts';

/** `layout`: the cluster's layout (default: the zkpulse layout). */
export function foldEvents(events: readonly WatchEvent[], start: ClusterModel, layout?: Layout): { model: ClusterModel; events: DomainEvent[] } {
  let model = start;
  const out: DomainEvent[] = [];
  for (const e of events) {
    const r = reduceCluster(model, e, 0, layout);
    model = r.model;
    out.push(...r.events);
  }
  return { model, events: out };
}
