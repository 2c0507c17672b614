/**
 * Re-writes the gauges every 10 s (docs/contract.md §4: "on change and again every 10 s, so graphs have no
 * gaps"). Time comes from the RxJS scheduler, so tests run it in virtual time.
 */
import { asyncScheduler, interval, map, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { ClusterModel } from '../model/types.ts';
import type { Point } from './line-protocol.ts';
import { gaugePoints } from './points.ts';

export const GAUGE_PERIOD_MS = 10_000;

export interface GaugeLoopOptions {
  /** the current model of every monitored cluster */
  models: () => Iterable<ClusterModel>;
  /** more points for each tick, e.g. the `collector` point */
  extra?: (now: number) => Point[];
  periodMs?: number;
  scheduler?: SchedulerLike;
  /** called when building a tick's points throws; the loop goes on */
  onError?: (err: unknown) => void;
}

/** Every `periodMs`, the gauge points of all clusters at the scheduler's time. */
export function gaugeTicks(options: GaugeLoopOptions): Observable<Point[]> {
  const scheduler = options.scheduler ?? asyncScheduler;
  return interval(options.periodMs ?? GAUGE_PERIOD_MS, scheduler).pipe(
    map(() => {
      const now = scheduler.now();
      try {
        const points: Point[] = [];
        for (const model of options.models()) points.push(...gaugePoints(model, now));
        if (options.extra) points.push(...options.extra(now));
        return points;
      } catch (err) {
        options.onError?.(err);
        return [];
      }
    }),
  );
}

/** Starts the loop, handing each tick's points to `write` (e.g. InfluxWriter.write). */
export function startGauges(options: GaugeLoopOptions, write: (points: Point[]) => void): Subscription {
  return gaugeTicks(options).subscribe((points) => {
    if (points.length > 0) write(points);
  });
}
