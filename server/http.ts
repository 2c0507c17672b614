/**
 * The running collector's HTTP API: the data plane's JSON/SSE routes and /metrics (collector/http/),
 * `GET /api/collector`, the alerts and silences routes, and the live page, on one listening server.
 */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { SchedulerLike } from 'rxjs';
import type { DataPlane } from '../collector/data-plane.ts';
import { createHttpApp, startHttpServer, type RunningHttpServer } from '../collector/http/server.ts';
import { DEFAULT_STALENESS } from '../collector/http/live-view.ts';
import { livePageRouter } from '../collector/http/live-page/router.ts';
import type { Alerting } from '../alerts/service.ts';
import { collectorRouter, type CollectorInfoWithShard, type ShardInfo } from './collector-router.ts';
import type { CollectorRole } from './ha/role.ts';

export interface HttpMount {
  data: DataPlane;
  alerting: Alerting;
  role: () => CollectorRole;
  info: () => CollectorInfoWithShard;
  /** haMode shard: the API shows only the clusters this collector acts for, and says where the others are */
  placement?: () => ShardInfo;
  now: () => number;
  /** the clock of the live view's ticks */
  scheduler?: SchedulerLike;
  log: Logger;
  /** more routes (the ensembles') and what to refresh before a scrape */
  routers?: readonly Router[];
  onScrape?: () => void;
}

export function startApi({ data, alerting, role, info, now, scheduler, log, routers = [], onScrape, placement }: HttpMount): Promise<RunningHttpServer> {
  const { config, session } = data;
  const app = createHttpApp({
    ...(placement
      ? {
          placement: {
            here: (cluster: string) => placement().owned.includes(cluster),
            elsewhere: (cluster: string) => placement().elsewhere.find((e) => e.name === cluster) ?? null,
          },
        }
      : {}),
    getModels: () => data.models(),
    layoutOf: (cluster) => data.layoutOf(cluster).name,
    ensembleOf: (cluster) => data.ensembleOf(cluster),
    rulesOf: (cluster) => alerting.rulesFor(cluster, data.layoutOf(cluster)),
    // HeartbeatStale's age-mode defaults; a layout whose members do not beat is never stale
    stalenessOf: (cluster) => (data.layoutOf(cluster).capabilities.heartbeat ? DEFAULT_STALENESS : null),
    isConnected: () => (session.connected ? { ok: true } : { ok: false, reason: `zookeeper session ${session.connectionState}` }),
    role,
    events$: data.events$,
    registry: data.metrics.registry,
    apiToken: config.apiToken,
    now,
    scheduler,
    onScrape: () => {
      data.refreshMetrics();
      onScrape?.();
    },
    routers: [collectorRouter(info), ...routers, ...alerting.routers(), livePageRouter()],
    log,
  });
  return startHttpServer(app, { ...config.http, allowedHosts: config.allowedHosts });
}
