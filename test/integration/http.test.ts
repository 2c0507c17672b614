import test from 'ava';
import express from 'express';
import { Observable, Subject } from 'rxjs';
import { createCollectorMetrics } from '../../collector/metrics.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { emptyCluster, reduceCluster } from '../../collector/model/reducer.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import { createHttpApp, requireToken, startHttpServer, type HttpDeps } from '../../collector/http/server.ts';
import { CONTENT_SECURITY_POLICY } from '../../collector/http/security.ts';
import { PERSISTENT_OWNER, type NodeEvent, type ZnodeStat } from '../../collector/watch/events.ts';

const NOW = 10_000;

function stat(czxid: number, mtime: number, owner = '00000000000000a1'): ZnodeStat {
  return {
    czxid: String(czxid),
    mzxid: String(czxid),
    ctime: mtime,
    mtime,
    version: 0,
    cversion: 0,
    ephemeralOwner: owner,
    dataLength: 0,
    numChildren: 0,
  };
}

function node(kind: NodeEvent['kind'], path: string, data: unknown, s: ZnodeStat): NodeEvent {
  const text = data === null ? null : typeof data === 'string' ? data : JSON.stringify(data);
  return { kind, cluster: 'crawler', path, stat: { ...s, dataLength: text?.length ?? 0 }, data: text, time: s.mtime };
}

/** A cluster built by the real reducer: a master, two candidates, workers up and crashed, tasks, one bad node. */
function crawlerModel(): ClusterModel {
  const events: NodeEvent[] = [
    node('added', 'master', { id: 'm1', since: 1000 }, stat(5, 1000)),
    node('added', 'election/n_0000000002', { id: 'm2' }, stat(7, 1100, '00000000000000b2')),
    node('added', 'election/n_0000000001', { id: 'm1' }, stat(6, 1050)),
    node('added', 'workers/w2', { id: 'w2', host: 'h2', heartbeatMs: 1000, state: 'ready' }, stat(11, 9500, '00000000000000c2')),
    node('added', 'workers/w1', { id: 'w1', host: 'h1', heartbeatMs: 1000, state: 'busy' }, stat(10, 9000, '00000000000000c1')),
    node('added', 'workers/w3', { id: 'w3', host: 'h3', state: 'ready' }, stat(12, 2000, '00000000000000c3')),
    node('removed', 'workers/w3', { id: 'w3', host: 'h3', state: 'ready' }, stat(12, 2000, '00000000000000c3')),
    node('added', 'workers/w4', 'not json', stat(13, 8000, '00000000000000c4')),
    node('added', 'tasks/t2', { url: 'b' }, stat(21, 3000, PERSISTENT_OWNER)),
    node('added', 'tasks/t1', { url: 'a' }, stat(20, 3000, PERSISTENT_OWNER)),
    node('added', 'assign/w1/t1', null, stat(22, 3100, PERSISTENT_OWNER)),
    node(
      'added',
      'status/t1',
      { worker: 'w1', done: 3, total: 10, state: 'running', message: null, updatedAt: 9000 },
      stat(23, 9000, '00000000000000c1'),
    ),
  ];
  let model = emptyCluster('crawler', '/apps/crawler');
  for (const event of events) model = reduceCluster(model, event, event.time).model;
  return { ...model, synced: true };
}

interface Harness {
  url: string;
  health: { ok: boolean; reason?: string };
  events: Subject<DomainEvent>;
}

async function start(t: { teardown(fn: () => Promise<void>): void }, overrides: Partial<HttpDeps> = {}): Promise<Harness> {
  const events = new Subject<DomainEvent>();
  const metrics = createCollectorMetrics();
  const models = [crawlerModel(), emptyCluster('etl', '/apps/etl')];
  const harness: Omit<Harness, 'url'> = { health: { ok: true }, events };
  const app = createHttpApp({
    getModels: () => models,
    isConnected: () => harness.health,
    events$: events,
    registry: metrics.registry,
    now: () => NOW,
    onScrape: () => metrics.updateFromModels(models),
    ...overrides,
  });
  const server = await startHttpServer(app, { port: 0 });
  t.teardown(() => server.close());
  return { ...harness, url: server.url };
}

function assertSecurityHeaders(t: { is(a: unknown, b: unknown): void }, res: Response) {
  t.is(res.headers.get('x-content-type-options'), 'nosniff');
  t.is(res.headers.get('x-frame-options'), 'DENY');
  t.is(res.headers.get('referrer-policy'), 'no-referrer');
  t.is(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  t.is(res.headers.get('x-powered-by'), null);
}

test('binds 127.0.0.1 by default and reports the real port', async (t) => {
  const { url } = await start(t);
  t.regex(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.not(url, 'http://127.0.0.1:0');
});

test('GET /healthz: 200 ok while connected, 503 with the reason otherwise', async (t) => {
  const h = await start(t);
  const ok = await fetch(`${h.url}/healthz`);
  t.is(ok.status, 200);
  t.deepEqual(await ok.json(), { status: 'ok' });
  assertSecurityHeaders(t, ok);

  h.health.ok = false;
  h.health.reason = 'session expired';
  const down = await fetch(`${h.url}/healthz`);
  t.is(down.status, 503);
  t.deepEqual(await down.json(), { status: 'unavailable', reason: 'session expired' });
});

test('GET /api/clusters: one entry per cluster with master id and workers up', async (t) => {
  const { url } = await start(t);
  const res = await fetch(`${url}/api/clusters`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^application\/json/);
  assertSecurityHeaders(t, res);
  t.deepEqual(await res.json(), [
    {
      name: 'crawler',
      root: '/apps/crawler',
      layout: 'zkpulse',
      ensemble: 'default',
      master: 'm1',
      masterPresent: true,
      workersUp: 3,
      workers: 4,
      synced: true,
      blind: false,
    },
    { name: 'etl', root: '/apps/etl', layout: 'zkpulse', ensemble: 'default', master: null, masterPresent: false, workersUp: 0, workers: 0, synced: false, blind: false },
  ]);
});

test('GET /api/clusters/:name: master, candidates, workers with beat age, tasks', async (t) => {
  const { url } = await start(t);
  const res = await fetch(`${url}/api/clusters/crawler`);
  t.is(res.status, 200);
  const body = (await res.json()) as Record<string, unknown>;
  t.deepEqual(body.master, { id: 'm1', since: 1000, epoch: '5' });
  t.deepEqual(body.candidates, [
    { node: 'n_0000000001', seq: 1, id: 'm1' },
    { node: 'n_0000000002', seq: 2, id: 'm2' },
  ]);
  const workers = body.workers as Array<Record<string, unknown>>;
  t.deepEqual(
    workers.map((w) => [w.id, w.host, w.up, w.state, w.lastBeat, w.beatAgeMs]),
    [
      ['w1', 'h1', true, 'busy', 9000, 1000],
      ['w2', 'h2', true, 'ready', 9500, 500],
      ['w3', 'h3', false, 'ready', 2000, 8000],
      ['w4', null, true, 'unknown', 8000, 2000],
    ],
  );
  t.is(workers[2]?.leftReason, 'crash');
  t.is(typeof workers[3]?.invalid, 'string');
  t.deepEqual(body.tasks, [
    { id: 't1', worker: 'w1', done: 3, total: 10, state: 'running' },
    { id: 't2', worker: null, done: null, total: null, state: 'pending' },
  ]);
  t.is(body.invalidCount, 1);
  t.deepEqual(
    (body.invalid as Array<{ path: string }>).map((i) => i.path),
    ['workers/w4'],
  );

  const empty = (await (await fetch(`${url}/api/clusters/etl`)).json()) as Record<string, unknown>;
  t.is(empty.master, null);
  t.deepEqual([empty.candidates, empty.workers, empty.tasks], [[], [], []]);
});

test('GET /api/clusters and /api/clusters/:name name each cluster\'s layout; the detail lists which rules apply', async (t) => {
  const rules = [
    { name: 'WorkerLost', applies: true },
    { name: 'HeartbeatStale', applies: false, reason: 'the kafka layout has no heartbeat (its members do not rewrite their nodes)' },
  ];
  const { url } = await start(t, {
    layoutOf: (cluster) => (cluster === 'etl' ? 'kafka' : 'zkpulse'),
    rulesOf: (cluster) => (cluster === 'etl' ? rules : []),
  });
  const list = (await (await fetch(`${url}/api/clusters`)).json()) as Array<{ name: string; layout: string }>;
  t.deepEqual(list.map((c) => [c.name, c.layout]), [['crawler', 'zkpulse'], ['etl', 'kafka']]);
  const etl = (await (await fetch(`${url}/api/clusters/etl`)).json()) as Record<string, unknown>;
  t.is(etl.layout, 'kafka');
  t.deepEqual(etl.rules, rules);
  // without alerting wired (no rulesOf) the detail has no rules at all rather than a made-up list
  const bare = await start(t);
  const plain = (await (await fetch(`${bare.url}/api/clusters/etl`)).json()) as Record<string, unknown>;
  t.is(plain.layout, 'zkpulse');
  t.false('rules' in plain);
});

test('unknown cluster and unknown routes are 404 JSON', async (t) => {
  const { url } = await start(t);
  const cluster = await fetch(`${url}/api/clusters/nope`);
  t.is(cluster.status, 404);
  t.deepEqual(await cluster.json(), { error: 'no cluster named "nope"' });
  const route = await fetch(`${url}/nothing/here`);
  t.is(route.status, 404);
  t.regex(route.headers.get('content-type') ?? '', /^application\/json/);
  t.deepEqual(await route.json(), { error: 'no route GET /nothing/here' });
  assertSecurityHeaders(t, route);
});

test('GET /metrics: Prometheus text with the per-cluster gauges', async (t) => {
  const { url } = await start(t);
  const res = await fetch(`${url}/metrics`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await res.text();
  t.true(text.includes('zkpulse_workers_up{cluster="crawler"} 3'));
  t.true(text.includes('zkpulse_workers_up{cluster="etl"} 0'));
  t.true(text.includes('zkpulse_master_present{cluster="crawler"} 1'));
  t.true(text.includes('zkpulse_candidates{cluster="crawler"} 2'));
  t.true(text.includes('zkpulse_tasks{cluster="crawler"} 2'));
  t.true(text.includes('zkpulse_tasks_running{cluster="crawler"} 1'));
  t.true(text.includes('zkpulse_data_invalid_total{cluster="crawler"} 1'));
  for (const name of ['zk_connected', 'events_total', 'event_lag_ms', 'write_errors_total', 'dropped_points_total']) {
    t.true(text.includes(`# TYPE zkpulse_${name} `), name);
  }
});

test('a JSON body over 64kb is 413, malformed JSON is 400, both JSON', async (t) => {
  const { url } = await start(t, { apiToken: 'tok' });
  const big = JSON.stringify({ pad: 'x'.repeat(100 * 1024) });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer tok' };
  const tooLarge = await fetch(`${url}/api/silences`, { method: 'POST', headers, body: big });
  t.is(tooLarge.status, 413);
  t.deepEqual(await tooLarge.json(), { error: 'request body too large (limit 65536 bytes)' });
  assertSecurityHeaders(t, tooLarge);
  const malformed = await fetch(`${url}/api/silences`, { method: 'POST', headers, body: '{"a":' });
  t.is(malformed.status, 400);
  t.deepEqual(await malformed.json(), { error: 'request body is not valid JSON' });
});

test('an error inside a route is a JSON 500 without a stack trace', async (t) => {
  const router = express.Router();
  router.get('/api/boom', () => {
    throw new Error('secret internals at /srv/zkpulse/x.ts:12');
  });
  const logged: object[] = [];
  const { url } = await start(t, { routers: [router], log: { error: (obj) => logged.push(obj) } });
  const res = await fetch(`${url}/api/boom`);
  t.is(res.status, 500);
  const text = await res.text();
  t.deepEqual(JSON.parse(text), { error: 'internal error' });
  t.false(text.includes('secret'));
  t.is(logged.length, 1);
});

test('requireToken: 401 without or with a wrong token, 200 with the right one, 403 when none is configured', async (t) => {
  const guarded = (token: string | undefined) => {
    const router = express.Router();
    router.post('/api/write', requireToken(token), (req, res) => {
      res.json({ wrote: req.body });
    });
    return router;
  };
  const { url } = await start(t, { apiToken: 's3cret-token', routers: [guarded('s3cret-token')] });
  const post = (headers: Record<string, string>) =>
    fetch(`${url}/api/write`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"a":1}' });

  const none = await post({});
  t.is(none.status, 401);
  t.is(none.headers.get('www-authenticate'), 'Bearer realm="zkpulse"');
  t.deepEqual(await none.json(), { error: 'missing "Authorization: Bearer <api-token>" header' });
  const wrong = await post({ authorization: 'Bearer s3cret-tokex' });
  t.is(wrong.status, 401);
  t.deepEqual(await wrong.json(), { error: 'wrong API token' });
  const shorter = await post({ authorization: 'Bearer s3' });
  t.is(shorter.status, 401);
  const basic = await post({ authorization: 'Basic czNjcmV0LXRva2Vu' });
  t.is(basic.status, 401);
  const right = await post({ authorization: 'Bearer s3cret-token' });
  t.is(right.status, 200);
  t.deepEqual(await right.json(), { wrote: { a: 1 } });

  const off = await start(t, { routers: [guarded(undefined)] });
  const refused = await fetch(`${off.url}/api/write`, { method: 'POST', headers: { authorization: 'Bearer anything' } });
  t.is(refused.status, 403);
});

/** Reads an SSE body until `done(text)` holds; returns all text read. */
async function readUntil(body: ReadableStream<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (!done(text)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text;
}

const workerJoined: DomainEvent = { type: 'WorkerJoined', cluster: 'crawler', time: 1, worker: 'w9', host: 'h9' };
const workerLeft: DomainEvent = { type: 'WorkerLeft', cluster: 'crawler', time: 2, worker: 'w9', reason: 'crash' };

test('GET /api/events streams domain events in order, as event/data blocks', async (t) => {
  const h = await start(t);
  const abort = new AbortController();
  t.teardown(() => abort.abort());
  const res = await fetch(`${h.url}/api/events`, { signal: abort.signal });
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  t.is(res.headers.get('cache-control'), 'no-cache, no-transform');
  // The server subscribes before it sends the headers, so these are not lost.
  h.events.next(workerJoined);
  h.events.next(workerLeft);
  const text = await readUntil(res.body!, (s) => s.includes('event: WorkerLeft'));
  const blocks = text.split('\n\n').filter((b) => b.startsWith('event:'));
  t.deepEqual(blocks, [
    `event: WorkerJoined\ndata: ${JSON.stringify(workerJoined)}`,
    `event: WorkerLeft\ndata: ${JSON.stringify(workerLeft)}`,
  ]);
});

test('GET /api/events sends heartbeat comments and unsubscribes when the client goes away', async (t) => {
  const subject = new Subject<DomainEvent>();
  let subscribed!: () => void;
  let unsubscribed!: () => void;
  const subscribedP = new Promise<void>((r) => (subscribed = r));
  const unsubscribedP = new Promise<void>((r) => (unsubscribed = r));
  const events$ = new Observable<DomainEvent>((sub) => {
    const inner = subject.subscribe(sub);
    subscribed();
    return () => {
      inner.unsubscribe();
      unsubscribed();
    };
  });
  const { url } = await start(t, { events$, sseHeartbeatMs: 20 });
  const abort = new AbortController();
  const res = await fetch(`${url}/api/events`, { signal: abort.signal });
  await subscribedP;
  const text = await readUntil(res.body!, (s) => s.includes(': heartbeat\n\n'));
  t.true(text.includes(': heartbeat\n\n'));
  t.true(subject.observed);
  abort.abort();
  await unsubscribedP;
  t.false(subject.observed);
});

test('close() ends open SSE streams instead of hanging', async (t) => {
  const events = new Subject<DomainEvent>();
  const metrics = createCollectorMetrics();
  const app = createHttpApp({
    getModels: () => [],
    isConnected: () => ({ ok: true }),
    events$: events,
    registry: metrics.registry,
    now: () => NOW,
  });
  const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  const res = await fetch(`${server.url}/api/events`);
  t.is(res.status, 200);
  await server.close();
  await readUntil(res.body!, () => false).catch(() => '');
  t.false(events.observed);
});

test('startHttpServer: a port in use is one clear error', async (t) => {
  const h = await start(t);
  const port = Number(new URL(h.url).port);
  const app = createHttpApp({
    getModels: () => [],
    isConnected: () => ({ ok: true }),
    events$: new Subject<DomainEvent>(),
    registry: createCollectorMetrics().registry,
    now: () => NOW,
  });
  await t.throwsAsync(startHttpServer(app, { port }), { message: `http: cannot listen on 127.0.0.1:${port}: address already in use` });
});
