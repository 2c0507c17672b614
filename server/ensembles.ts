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
      { name: DEFAULT_ENSEMBLE, connect: config.zk, readDynamicConfig: () => this.readDynamicConfig(DEFAULT_ENSEMBLE) },
      // a named ensemble's `/zookeeper/config` is read through its own session, while one is open (a watched cluster is on it)
      ...Object.entries(config.ensembles ?? {}).map(([name, connect]) => ({ name, connect, readDynamicConfig: () => this.readDynamicConfig(name) })),
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
    // each ensemble's sessions are joined with the models of the clusters on it (`clusters.<name>.ensemble`)
    return ensemblesRouter(
      () => this.poller.latest(),
      (ensemble) => this.data.models().filter((m) => this.data.ensembleOf(m.name) === ensemble),
    );
  }

  /** `/zookeeper/config` through the ensemble's own session: null when none is open or connected, or the node is not there */
  private async readDynamicConfig(ensemble: string): Promise<string | null> {
    const session = this.data.sessionOf(ensemble);
    if (!session?.connected) return null;
    const reply = await session.ops.getData(DYNAMIC_CONFIG);
    return reply?.data ? reply.data.toString('utf8', 0, Math.min(reply.data.length, 1_048_576)) : null;
  }
}
