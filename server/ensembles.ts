/**
 * The ensemble poll of the running collector (docs/contract.md §10): an EnsemblePoller over `default`
 * (the `zk` connect string, its members from `/zookeeper/config` read through the collector's session)
 * and every `ensembles.<name>`; each snapshot becomes `zookeeper` points (while this collector writes),
 * the Prometheus gauges at a scrape, `GET /api/ensembles`, and `latest()` for the ensemble rules.
 */
import type { Router } from 'express';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { Logger } from 'pino';
import type { DataPlane } from '../collector/data-plane.ts';
import { EnsemblePoller, type EnsembleSource } from '../collector/ensemble/poller.ts';
import { zookeeperPoints } from '../collector/ensemble/points.ts';
import { createEnsembleGauges, type EnsembleGauges } from '../collector/ensemble/metrics.ts';
import { ensemblesRouter } from '../collector/ensemble/router.ts';
import type { EnsembleSnapshot } from '../collector/ensemble/types.ts';

export const DEFAULT_ENSEMBLE = 'default';
const DYNAMIC_CONFIG = '/zookeeper/config';

export class EnsembleWatch {
  readonly poller: EnsemblePoller;
  private readonly gauges: EnsembleGauges;
  private sub: Subscription | null = null;

  constructor(
    private readonly data: DataPlane,
    options: { scheduler: SchedulerLike; now: () => number; log: Logger },
  ) {
    const { config } = data;
    const sources: EnsembleSource[] = [
      { name: DEFAULT_ENSEMBLE, connect: config.zk, readDynamicConfig: () => this.readDynamicConfig() },
      ...Object.entries(config.ensembles ?? {}).map(([name, connect]) => ({ name, connect })),
    ];
    const log = options.log.child({ component: 'ensemble' });
    this.poller = new EnsemblePoller({
      ensembles: sources,
      pollMs: config.ensemblePollMs,
      adminPort: config.adminPort === false ? null : config.adminPort,
      scheduler: options.scheduler,
      now: options.now,
      log: { warn: (fields, message) => log.warn(fields, message), info: (fields, message) => log.info(fields, message) },
    });
    this.gauges = createEnsembleGauges(data.metrics.registry);
  }

  start(): void {
    this.sub = this.poller.snapshots$.subscribe((snapshot) => this.data.writePoints(zookeeperPoints(snapshot)));
    this.poller.start();
  }

  stop(): void {
    this.poller.stop();
    this.sub?.unsubscribe();
    this.sub = null;
  }

  latest(): readonly EnsembleSnapshot[] {
    return this.poller.latest();
  }

  /** before a scrape */
  refreshMetrics(): void {
    this.gauges.update(this.poller.latest());
  }

  router(): Router {
    // every monitored cluster lives on the `default` ensemble until clusters name theirs (issue 18)
    return ensemblesRouter(
      () => this.poller.latest(),
      (ensemble) => (ensemble === DEFAULT_ENSEMBLE ? this.data.models() : []),
    );
  }

  /** `/zookeeper/config` through the collector's session: null when it is not there or names no client ports */
  private async readDynamicConfig(): Promise<string | null> {
    if (!this.data.session.connected) return null;
    const reply = await this.data.session.ops.getData(DYNAMIC_CONFIG);
    return reply?.data ? reply.data.toString('utf8', 0, Math.min(reply.data.length, 1_048_576)) : null;
  }
}
