/**
 * The collector's HTTP API (docs/contract.md §3): health, cluster views, the SSE event stream and metrics.
 * createHttpApp wires routes from injected dependencies; startHttpServer binds it (127.0.0.1 by default).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Application, Router } from 'express';
import { expressModule } from './express.ts';
import type { Registry } from 'prom-client';
import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import type { DomainEvent } from '../model/domain-events.ts';
import type { ClusterModel } from '../model/types.ts';
import { errorHandler, notFound, type ErrorLog } from './errors.ts';
import { hostAllowed, hostPolicy, hostRefusal } from './host-check.ts';
import { securityHeaders } from './security.ts';
import { DEFAULT_SSE, sseEvents } from './sse.ts';
import { DEFAULT_WRITE_RATE_LIMIT, type RateLimit } from './rate-limit.ts';
import { DEFAULT_AUTH_FAILURE_LIMIT, writeGuard } from './write-guard.ts';
import { CLUSTER_NAME } from '../config/validators.ts';
import { DEFAULT_LIVE_STREAM, liveStreamRoute, type LiveStreamOptions } from './live-stream.ts';
import type { Staleness } from './live-view.ts';
import { clusterDetailView, clusterSummaryView, type RuleApplicabilityView } from './views.ts';

export { requireToken } from './auth.ts';

export const JSON_BODY_LIMIT = '64kb';

export interface HttpDeps {
  getModels(): readonly ClusterModel[];
  /** the layout name of a cluster (default "zkpulse") */
  layoutOf?(cluster: string): string;
  /** the ensemble a cluster is on (default "default") */
  ensembleOf?(cluster: string): string;
  /** which alert rules apply to a cluster (shown as `rules` of GET /api/clusters/:name when given) */
  rulesOf?(cluster: string): readonly RuleApplicabilityView[];
  isConnected(): { ok: boolean; reason?: string };
  /** the collector's HA role, added to /healthz when given */
  role?(): string;
  events$: Observable<DomainEvent>;
  registry: Registry;
  /** the Bearer token every write (POST/PUT/PATCH/DELETE) needs (write-guard.ts); writes are refused without one */
  apiToken?: string;
  now(): number;
  /** called just before /metrics is rendered, e.g. to run metrics.updateFromModels(getModels()) */
  onScrape?(): void;
  /** more routes (alerts, silences, the dashboard page), mounted before the 404 fallback */
  routers?: readonly Router[];
  /** per-address token bucket of writes with the right token (DEFAULT_WRITE_RATE_LIMIT); false turns it off */
  writeRateLimit?: RateLimit | false;
  /** per-address token bucket of refused writes (DEFAULT_AUTH_FAILURE_LIMIT); false turns it off */
  authFailureLimit?: RateLimit | false;
  /** SSE heartbeat period; 15 s by default */
  sseHeartbeatMs?: number;
  /** when an up worker shows stale on the live view (live-view.ts DEFAULT_STALENESS); null: its members do not beat */
  stalenessOf?(cluster: string): Staleness | null;
  /** the live view stream's window, keep-alive and backpressure (DEFAULT_LIVE_STREAM) */
  liveStream?: Partial<LiveStreamOptions>;
  /** the clock of the live view's ticks (asyncScheduler by default; a virtual one in tests) */
  scheduler?: SchedulerLike;
  log?: ErrorLog;
  /**
   * haMode shard: whether this collector acts for a cluster; the others are left out of /api/clusters,
   * and /api/clusters/:name of one answers 404 naming the collector that has it (`owner`, `http`)
   */
  placement?: {
    here(cluster: string): boolean;
    elsewhere(cluster: string): { owner: string | null; http: string | null } | null;
  };
}

export function createHttpApp(deps: HttpDeps): Application {
  const express = expressModule();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders());
  app.use(
    writeGuard({
      apiToken: deps.apiToken,
      writeLimit: deps.writeRateLimit ?? DEFAULT_WRITE_RATE_LIMIT,
      failureLimit: deps.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT,
      now: deps.now,
    }),
  );
  app.use(express.json({ limit: JSON_BODY_LIMIT }));

  app.get('/healthz', (_req, res) => {
    const health = deps.isConnected();
    const role = deps.role ? { role: deps.role() } : {};
    if (health.ok) res.json({ status: 'ok', ...role });
    else res.status(503).json({ status: 'unavailable', reason: health.reason ?? 'not connected to ZooKeeper', ...role });
  });

  app.get('/api/clusters', (_req, res) => {
    const here = deps.placement?.here;
    const models = here ? deps.getModels().filter((m) => here(m.name)) : deps.getModels();
    res.json(models.map((m) => clusterSummaryView(m, deps.layoutOf?.(m.name), deps.ensembleOf?.(m.name))));
  });

  app.get('/api/clusters/:name', (req, res) => {
    const problem = checkClusterParam(req.params.name);
    if (problem) {
      res.status(400).json({ error: `cluster name: ${problem}` });
      return;
    }
    const name = req.params.name;
    const elsewhere = deps.placement && !deps.placement.here(name) ? deps.placement.elsewhere(name) : null;
    if (elsewhere) {
      const where = elsewhere.owner ? `collector ${JSON.stringify(elsewhere.owner)}${elsewhere.http ? ` (${elsewhere.http})` : ''}` : 'no collector right now (it is moving)';
      res.status(404).json({ error: `cluster ${JSON.stringify(name)} is watched by ${where}, not by this one`, owner: elsewhere.owner, http: elsewhere.http });
      return;
    }
    const model = deps.getModels().find((m) => m.name === req.params.name);
    if (!model) {
      res.status(404).json({ error: `no cluster named ${JSON.stringify(req.params.name)}` });
      return;
    }
    res.json(clusterDetailView(model, deps.now(), deps.layoutOf?.(model.name), deps.rulesOf?.(model.name), deps.ensembleOf?.(model.name)));
  });

  // the live page's coalesced view: a snapshot, then at most one delta per window (live-stream.ts)
  app.get(
    '/api/clusters/:name/live',
    liveStreamRoute({
      getModels: deps.getModels,
      events$: deps.events$,
      now: deps.now,
      checkName: checkClusterParam,
      scheduler: deps.scheduler ?? asyncScheduler,
      stream: { ...DEFAULT_LIVE_STREAM, heartbeatMs: deps.sseHeartbeatMs ?? DEFAULT_LIVE_STREAM.heartbeatMs, ...deps.liveStream },
      options: (cluster) => ({
        layout: deps.layoutOf?.(cluster),
        rules: deps.rulesOf?.(cluster),
        ...(deps.stalenessOf ? { staleness: deps.stalenessOf(cluster) } : {}),
      }),
    }),
  );

  app.get('/api/events', sseEvents(deps.events$, { ...DEFAULT_SSE, heartbeatMs: deps.sseHeartbeatMs ?? DEFAULT_SSE.heartbeatMs }));

  app.get('/metrics', async (_req, res) => {
    deps.onScrape?.();
    const text = await deps.registry.metrics();
    res.type(deps.registry.contentType).send(text);
  });

  for (const router of deps.routers ?? []) app.use(router);
  app.use(notFound());
  app.use(errorHandler(deps.log));
  return app;
}

/** A cluster name in a URL: what the config accepts as a name (null = fine, else the reason). */
export function checkClusterParam(name: string): string | null {
  if (name.length > 128) return 'too long (at most 128 characters)';
  if (!CLUSTER_NAME.test(name)) return 'only letters, digits, "_", "." and "-"';
  return null;
}

export interface RunningHttpServer {
  /** base URL, e.g. http://127.0.0.1:7070 */
  url: string;
  host: string;
  /** the bound port (the real one when 0 was asked for) */
  port: number;
  /** stops listening and ends open connections (SSE streams included) */
  close(): Promise<void>;
}

/**
 * Binds `app` (127.0.0.1 by default). Every request's Host header is checked first (host-check.ts):
 * bound to loopback, only loopback names and `allowedHosts` are answered, anything else is a 403.
 */
export async function startHttpServer(
  app: Application,
  address: { host?: string; port: number; allowedHosts?: readonly string[] },
): Promise<RunningHttpServer> {
  const host = address.host ?? '127.0.0.1';
  const policy = hostPolicy(host, address.allowedHosts);
  const server = createServer((req, res) => {
    if (hostAllowed(req.headers.host, policy)) return void app(req, res);
    const body = JSON.stringify({ error: hostRefusal(req.headers.host, policy!) });
    res.writeHead(403, { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(new Error(`http: cannot listen on ${host}:${address.port}: ${why}`));
    };
    server.once('error', onError);
    server.listen(address.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
