/**
 * HTTP hardening over real HTTP: the write routes' per-client token bucket (429 + Retry-After),
 * validation of the cluster name in the URL, and no secret in the collector's log.
 */
import test from 'ava';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { Subject } from 'rxjs';
import { Collector } from '../../server/collector.ts';
import { collectConfigSchema } from '../../collector/config.ts';
import { redactLine, redactText } from '../../collector/http/log-redaction.ts';
import { takeToken } from '../../collector/http/rate-limit.ts';
import { createHttpApp, startHttpServer, type HttpDeps } from '../../collector/http/server.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { Silences } from '../../alerts/silences/silences.ts';
import { silencesRouter } from '../../alerts/http/silences-router.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { until } from '../support/poll.ts';

const TOKEN = 'token-0123456789abcdef';

async function app(t: { teardown(fn: () => unknown): void }, now: () => number, more: Partial<HttpDeps> = {}) {
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
      ...more,
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

test('the token is checked first: refused writes from the admin\'s own address never lock the admin out; they get 429 of their own', async (t) => {
  let now = Date.UTC(2030, 0, 1);
  const url = await app(t, () => now, { authFailureLimit: { burst: 3, perSecond: 0.5 } });
  const del = (headers: Record<string, string>) => fetch(`${url}/api/silences/nope`, { method: 'DELETE', headers });
  // someone on the same address (127.0.0.1, like the admin) hammers the write routes without the token
  for (let i = 0; i < 3; i++) t.is((await del({})).status, 401);
  for (const headers of [{}, { Authorization: 'Bearer wrong' }] as Record<string, string>[]) {
    const limited = await del(headers);
    t.is(limited.status, 429);
    t.is(limited.headers.get('retry-after'), '2');
    t.regex(((await limited.json()) as { error: string }).error, /too many refused write requests/);
  }
  // the admin is not affected: the right token passes, within the writes' own bucket (burst 2)
  t.is((await del({ Authorization: `Bearer ${TOKEN}` })).status, 404);
  t.is((await del({ Authorization: `Bearer ${TOKEN}` })).status, 404);
  t.is((await del({ Authorization: `Bearer ${TOKEN}` })).status, 429, 'the admin\'s own burst is spent');
  now += 2000;
  t.is((await del({})).status, 401, 'a refused request is answered again once its bucket refilled');
  t.is((await del({})).status, 429);
});

test('an unauthenticated write is refused before its body is read', async (t) => {
  const url = await app(t, () => 0);
  const res = await fetch(`${url}/api/silences`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(100 * 1024) }) });
  t.is(res.status, 401, 'not a 413: nothing was parsed');
});

/** GET over real HTTP with a Host header of our choosing (fetch sets its own). */
function getWithHost(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('DNS rebinding: bound to loopback, a request whose Host is another name is refused (403); loopback names and allowedHosts are answered', async (t) => {
  const url = await app(t, () => 0);
  const port = new URL(url).port;
  for (const path of ['/api/clusters', '/api/silences', '/healthz', '/']) {
    const refused = await getWithHost(url, path, `rebind.evil.example:${port}`);
    t.is(refused.status, 403, path);
    t.regex((JSON.parse(refused.body) as { error: string }).error, /^Host "rebind\.evil\.example:\d+" is not allowed: .*--allowed-hosts/);
  }
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `127.9.9.9:${port}`, `[::1]:${port}`, 'localhost']) {
    t.is((await getWithHost(url, '/api/clusters', host)).status, 200, host);
  }
  const configured = await startHttpServer(
    createHttpApp({ getModels: () => [], isConnected: () => ({ ok: true }), events$: new Subject<DomainEvent>(), registry: new Registry(), now: () => 0 }),
    { port: 0, allowedHosts: ['zkpulse.internal'] },
  );
  t.teardown(() => configured.close());
  t.is((await getWithHost(configured.url, '/api/clusters', 'zkpulse.internal:7070')).status, 200);
  t.is((await getWithHost(configured.url, '/api/clusters', 'evil.example')).status, 403);
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

function logSink() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, sink, text: () => lines.join('') };
}

test('secrets never reach the log: a collector started with every secret, used and stopped, logs none of them', async (t) => {
  const { sink, text: logged } = logSink();
  const secrets = { zkAuth: 'zkuser:zk-password-42', apiToken: 'api-token-4242424242', webhookSecret: 'hook-secret-4343' };
  const hookPassword = 'hook-pw-%2F7777';
  const collector = new Collector({
    logDestination: sink,
    logLevel: 'debug',
    config: collectConfigSchema.parse({
      zk: await sharedZooKeeper(),
      ...secrets,
      clusters: { app: uniqueRoot(t) },
      http: '127.0.0.1:0',
      // nothing listens on port 9: every delivery fails, and the failure is logged
      webhook: [`http://bot:${hookPassword}@127.0.0.1:9/hook`],
      influx: 'http://influx-user:influx-pw-5151@127.0.0.1:9/zkpulse',
      instance: 'secrets-test',
      alerts: {
        statePath: `/zkpulse-test-state${uniqueRoot()}`,
        evalInterval: '200ms',
        route: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
        retry: { maxAge: '500ms', initialBackoff: '100ms' },
        // an empty cluster that never had a master: MasterMissing fires at once, its delivery fails
        defaults: { MasterMissing: { for: '0s', requireSeen: false } },
      },
    }),
  });
  // stopped however the test ends: a collector left running keeps the test file from ever finishing
  t.teardown(() => collector.stop());
  await collector.start();
  await collector.whenSynced();
  const url = collector.url!;
  await fetch(`${url}/api/silences`, { method: 'POST', headers: { Authorization: 'Bearer wrong-token-4444', 'Content-Type': 'application/json' }, body: '{}' });
  await fetch(`${url}/api/silences`, { method: 'POST', headers: { Authorization: `Bearer ${secrets.apiToken}`, 'Content-Type': 'application/json' }, body: '{"bad":' });
  const log = collector.log;
  // whoever logs the config or a request's headers later gets them redacted too
  log.info({ config: collector.config }, 'config');
  log.info({ req: { headers: { authorization: `Bearer ${secrets.apiToken}` } } }, 'request');
  // ...and so does whoever writes a secret or a URL with credentials into the text, at any depth
  log.warn(`POST http://bot:${hookPassword}@127.0.0.1:9/hook failed; token ${secrets.apiToken}`);
  log.warn({ detail: { deeper: { note: `zk auth ${secrets.zkAuth}, signed with ${secrets.webhookSecret}` } } }, 'nested');
  log.error({ err: new Error('connect to http://influx-user:influx-pw-5151@127.0.0.1:9 refused') }, 'an error');
  log.child({ bound: `p=${'influx-pw-5151'}` }).info('child binding');
  await until('the failed delivery is logged', async () => logged(), (text) => text.includes('delivery to webhook-1 failed'), 30_000);
  await collector.stop();

  const text = logged();
  t.true(text.includes('connected to ZooKeeper'), 'the log was written');
  t.true(text.includes('[redacted]'));
  t.true(text.includes('http://[redacted]@127.0.0.1:9/hook failed'), 'the URL is still there, without its userinfo');
  for (const line of text.trim().split('\n')) t.notThrows(() => JSON.parse(line), 'each line stays JSON');
  const leaks = [...Object.values(secrets), 'zk-password-42', 'wrong-token-4444', hookPassword, 'hook-pw-/7777', 'influx-pw-5151'];
  for (const secret of leaks) t.false(text.includes(secret), `${secret} is not in the log`);
});

test('redactLine: userinfo and literal secrets go from every string value, escaped characters included; keys and numbers stay', (t) => {
  const secrets = ['q"uo\\te', 'tok-123'];
  const line = JSON.stringify({ level: 40, msg: 'GET https://u:p@h/x and ftp://a@b/ with tok-123', deep: { s: 'q"uo\\te!', n: 123 }, 'tok-123': 1 });
  const out = redactLine(line, secrets);
  t.deepEqual(JSON.parse(out), {
    level: 40,
    msg: 'GET https://[redacted]@h/x and ftp://[redacted]@b/ with [redacted]',
    deep: { s: '[redacted]!', n: 123 },
    'tok-123': 1,
  });
  t.is(redactText('http://host:80/a@b?c=d@e'), 'http://host:80/a@b?c=d@e', 'an "@" after the host is not userinfo');
  t.is(redactText('http://us%40er:p@ss@host/'), 'http://[redacted]@host/', 'the userinfo runs to the last "@" before the host');
});
