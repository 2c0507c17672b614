/**
 * Domain events → InfluxDB points, for the collector and the replay backfill alike. The `cluster`
 * gauge counts the whole model (O(workers)), so a burst of changes — 10,000 WorkerJoined during a
 * sync — writes it once, at the time of the burst's last change, when flush() is called.
 */
import type { DomainEvent } from '../model/domain-events.ts';
import type { ClusterModel } from '../model/types.ts';
import type { Point } from './line-protocol.ts';
import { changesClusterGauge, clusterPoint, pointsForEvent } from './points.ts';

export class EventPoints {
  /** cluster → time of its latest change of the `cluster` gauge not written yet */
  private readonly dirty = new Map<string, number>();

  constructor(
    private readonly write: (points: Point[]) => void,
    private readonly model: (cluster: string) => ClusterModel | undefined,
  ) {}

  /** The event's own points now; its `cluster` gauge at the next flush(). */
  add(e: DomainEvent, now: number): void {
    const model = this.model(e.cluster);
    if (!model) return;
    this.write(pointsForEvent(e, model, now));
    if (changesClusterGauge(e)) this.dirty.set(e.cluster, Number.isFinite(e.time) ? e.time : now);
  }

  /** a `cluster` gauge is waiting for flush() */
  get pending(): boolean {
    return this.dirty.size > 0;
  }

  flush(): void {
    for (const [cluster, time] of this.dirty) {
      const model = this.model(cluster);
      if (model) this.write([clusterPoint(model, time)]);
    }
    this.dirty.clear();
  }
}
