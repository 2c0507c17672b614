/**
 * HTTP hardening over real HTTP: the write routes' per-client token bucket (429 + Retry-After),
 * validation of the cluster name in the URL, and no secret in the collector's log.
 */
import test from 'ava';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { Subject } from 'rxjs';
import { Collector } from '../../collector/collector.ts';
import { collectConfigSchema } from '../../collector/config.ts';
import { createCollectorLogger } from '../../collector/http/log-redaction.ts';
import { takeToken } from '../../collector/http/rate-limit.ts';
import { createHttpApp, startHttpServer } from '../../collector/http/server.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { Silences } from '../../alerts/silences/silences.ts';
import { silencesRouter } from '../../alerts/http/silences-router.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';

const TOKEN = 'token-0123456789abcdef';

async function app(t: { teardown(fn: () => unknown): void }, now: () => number) {
  const silences = new Silences();
  const server = await startHttpServer(
    createHttpApp({
      getModels: () => [],
      isConnected: () => ({ ok: true }),
      events$: new Subject<DomainEvent>(),
      registry: new Registry(),
      apiToken: TOKEN,
      now,
      writeRateLimit: { burst: 2, perSecond: 1 },
      routers: [silencesRouter({ silences, apiToken: TOKEN, now })],
    }),
    { port: 0 },
  );
  t.teardown(() => server.close());
  return server.url;
}

test('takeToken: a full bucket allows `burst` at once, then one per 1/perSecond; time going backwards adds nothing', (t) => {
  const limit = { burst: 2, perSecond: 4 };
  let d = takeToken(undefined, 1000, limit);
  t.true(d.allowed);
  d = takeToken(d.bucket, 1000, limit);
  t.true(d.allowed);
  d = takeToken(d.bucket, 1000, limit);
  t.false(d.allowed);
  t.is(d.retryAfterMs, 250);
  t.false(takeToken(d.bucket, 900, limit).allowed, 'a clock step back refills nothing');
  t.true(takeToken(d.bucket, 1250, limit).allowed);
});

test('write routes: over the burst a client gets 429 with Retry-After; reads are not limited; the bucket refills', async (t) => {
  let now = Date.UTC(2030, 0, 1);
  const url = await app(t, () => now);
  const del = () => fetch(`${url}/api/silences/nope`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}` } });
  t.is((await del()).status, 404);
  t.is((await del()).status, 404);
  const limited = await del();
  t.is(limited.status, 429);
  t.is(limited.headers.get('retry-after'), '1');
  t.regex(((await limited.json()) as { error: string }).error, /too many write requests/);
  for (let i = 0; i < 5; i++) t.is((await fetch(`${url}/api/silences`)).status, 200, 'GET is not rate limited');
  now += 1000;
  t.is((await del()).status, 404, 'one token back after a second');
  t.is((await del()).status, 429);
});

test('GET /api/clusters/:name: a weird name is a 400, an unknown good one a 404', async (t) => {
  const url = await app(t, () => 0);
  for (const bad of ['a%20b', 'x'.repeat(129), '%00', '%E2%98%83', 'a%2Fb', '..%2F..']) {
    const res = await fetch(`${url}/api/clusters/${bad}`);
    t.is(res.status, 400, bad);
    t.regex(((await res.json()) as { error: string }).error, /^cluster name: /);
  }
  t.is((await fetch(`${url}/api/clusters/crawler.eu-1`)).status, 404);
});

test('secrets never reach the log: a collector started with every secret, used and stopped, logs none of them', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const log = createCollectorLogger({ level: 'debug', destination: sink });
  const secrets = { zkAuth: 'zkuser:zk-password-42', apiToken: 'api-token-4242424242', webhookSecret: 'hook-secret-4343' };
  const collector = new Collector({
    logger: log,
    config: collectConfigSchema.parse({
      zk: await sharedZooKeeper(),
      ...secrets,
      clusters: { app: uniqueRoot(t) },
      http: '127.0.0.1:0',
      webhook: ['http://127.0.0.1:9/hook'],
      instance: 'secrets-test',
      alerts: { statePath: `/zkpulse-test-state${uniqueRoot()}` },
    }),
  });
  await collector.start();
  await collector.whenSynced();
  const url = collector.url!;
  await fetch(`${url}/api/silences`, { method: 'POST', headers: { Authorization: 'Bearer wrong-token-4444', 'Content-Type': 'application/json' }, body: '{}' });
  await fetch(`${url}/api/silences`, { method: 'POST', headers: { Authorization: `Bearer ${secrets.apiToken}`, 'Content-Type': 'application/json' }, body: '{"bad":' });
  // whoever logs the config or a request's headers later gets them redacted too
  log.info({ config: collector.config }, 'config');
  log.info({ req: { headers: { authorization: `Bearer ${secrets.apiToken}` } } }, 'request');
  await collector.stop();

  const text = lines.join('');
  t.true(text.includes('connected to ZooKeeper'), 'the log was written');
  t.true(text.includes('[redacted]'));
  for (const secret of [...Object.values(secrets), 'zk-password-42', 'wrong-token-4444']) t.false(text.includes(secret), `${secret} is not in the log`);
});
