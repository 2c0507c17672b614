/**
 * Alerting wired to the data plane: the `alerts` section (validated here, before anything starts: a
 * bad one is a one-line ConfigError), the receivers of the collect flags, the data plane's streams and
 * models, its ZooKeeper session for the state store, and its InfluxDB points.
 */
import type { Logger } from 'pino';
import type { SchedulerLike } from 'rxjs';
import type { DataPlane } from '../collector/data-plane.ts';
import { Alerting } from '../alerts/service.ts';
import { parseAlertsConfig } from '../alerts/config.ts';
import { receiversOf } from '../alerts/receivers.ts';
import type { EnsembleFeed } from '../alerts/engine/index.ts';

export interface AlertingWiring {
  data: DataPlane;
  scheduler: SchedulerLike;
  log: Logger;
  /** the ensemble poller's latest polls, for the ZooKeeper* rules (alerts/engine/engine.ts EnsembleFeed) */
  ensembles?: EnsembleFeed;
  /** haMode shard: the unit of an alert; the notifier then sees only the units in scope (Alerting.setScope) */
  unitOf?: (labels: Readonly<Record<string, string>>) => string | null;
}

export function createAlerting({ data, scheduler, log, ensembles, unitOf }: AlertingWiring): Alerting {
  const { config } = data;
  const alerts = parseAlertsConfig(config.alerts, Object.keys(config.clusters));
  return new Alerting({
    config: alerts,
    receivers: receiversOf(config, alerts.route),
    domainEvents$: data.events$,
    watchEvents$: data.watchEvents$,
    getModels: () => data.models(),
    capabilities: data.capabilities(),
    ...(ensembles ? { ensembles } : {}),
    ...(unitOf ? { unitOf } : {}),
    scheduler,
    zkClient: () => data.session.client,
    zkAuth: config.zkAuth,
    // per ensemble: a cluster on a named one is judged by its own session (CollectorDisconnected, blindness)
    // an ensemble with no session now has no watched cluster to judge; when setWatched opens one, the data
    // plane says `disconnected` until it connects
    isConnected: (ensemble) => data.sessionOf(ensemble)?.connected ?? true,
    ...(config.ensembleOf ? { clusterEnsembles: new Map(Object.entries(config.ensembleOf)) } : {}),
    apiToken: config.apiToken,
    externalURL: `http://${config.http.host}:${config.http.port}`,
    // `alert` points go where the data plane's go, under the same HA gate
    writePoints: (points) => data.writePoints(points),
    log,
  });
}
