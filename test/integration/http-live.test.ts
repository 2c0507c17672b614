/**
 * GET /api/clusters/:name/live over real HTTP (the app of collector/http/server.ts on a real socket): a bad or
 * unknown name is refused with the reason, the stream starts with a snapshot under the same security headers,
 * a change of the model is the next delta (with the cluster's events for the log, heartbeats left out), and the
 * Host check guards it like every route.
 */
import { request } from 'node:http';
import test from 'ava';
import { Map as IMap } from 'immutable';
import { Subject } from 'rxjs';
import { createCollectorMetrics } from '../../collector/metrics.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { emptyCluster } from '../../collector/model/reducer.ts';
import type { ClusterModel, WorkerState } from '../../collector/model/types.ts';
import { createHttpApp, startHttpServer } from '../../collector/http/server.ts';
import { CONTENT_SECURITY_POLICY } from '../../collector/http/security.ts';
import type { LiveDelta, LiveSnapshot } from '../../collector/http/live-view.ts';

const NOW = 1_700_000_100_000;

function worker(id: string, extra: Partial<WorkerState> = {}): WorkerState {
  return { id, host: `h-${id}`, pid: 1, startedAt: NOW, heartbeatMs: 600_000, state: 'ready', meta: null, up: true, lastBeat: NOW - 1_000, session: '1', leftAt: null, leftReason: null, invalid: null, node: `workers/${id}`, ...extra };
}

async function start(t: { teardown(fn: () => Promise<void>): void }) {
  const events = new Subject<DomainEvent>();
  const base = emptyCluster('crawler', '/apps/crawler');
  const models: ClusterModel[] = [{ ...base, synced: true, workers: IMap([['w1', worker('w1')], ['w2', worker('w2', { invalid: 'not JSON' })]]) }];
  const app = createHttpApp({
    getModels: () => models,
    isConnected: () => ({ ok: true }),
    events$: events,
    registry: createCollectorMetrics().registry,
    now: () => NOW,
    liveStream: { intervalMs: 50 },
  });
  const server = await startHttpServer(app, { port: 0 });
  t.teardown(() => server.close());
  return { url: server.url, events, models };
}

/** SSE blocks (`event:` + parsed `data:`) as they come, until `done` says enough. */
async function readEvents(body: ReadableStream<Uint8Array>, done: (blocks: Array<{ event: string; data: unknown }>) => boolean) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const blocks: Array<{ event: string; data: unknown }> = [];
  while (!done(blocks)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) blocks.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return blocks;
}

test('a bad name is a 400 with the reason, an unknown one a 404', async (t) => {
  const { url } = await start(t);
  const bad = await fetch(`${url}/api/clusters/${encodeURIComponent('no spaces')}/live`);
  t.is(bad.status, 400);
  t.regex(((await bad.json()) as { error: string }).error, /^cluster name: only letters/);
  const unknown = await fetch(`${url}/api/clusters/nope/live`);
  t.is(unknown.status, 404);
  t.deepEqual(await unknown.json(), { error: 'no cluster named "nope"' });
});

test('a snapshot first (security headers as everywhere), then the change as a delta with the log, no heartbeats in it', async (t) => {
  const { url, events, models } = await start(t);
  const abort = new AbortController();
  t.teardown(() => abort.abort());
  const res = await fetch(`${url}/api/clusters/crawler/live`, { signal: abort.signal });
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  t.is(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  t.is(res.headers.get('x-content-type-options'), 'nosniff');
  const reading = readEvents(res.body!, (blocks) => blocks.some((b) => b.event === 'delta' && (b.data as LiveDelta).log.length > 0));
  // the crash: the model changes, its events come; a heartbeat of another worker too
  setTimeout(() => {
    models[0] = { ...models[0]!, workers: models[0]!.workers.update('w1', (w) => ({ ...w!, up: false, leftAt: NOW, leftReason: 'crash' })) };
    events.next({ type: 'HeartbeatSeen', cluster: 'crawler', time: NOW, worker: 'w2', beat: NOW });
    events.next({ type: 'WorkerLeft', cluster: 'crawler', time: NOW, worker: 'w1', reason: 'crash' } as DomainEvent);
    events.next({ type: 'WorkerLeft', cluster: 'etl', time: NOW, worker: 'x', reason: 'crash' } as DomainEvent);
  }, 200);
  const blocks = await reading;
  const snapshot = blocks[0]!.data as LiveSnapshot;
  t.is(blocks[0]!.event, 'snapshot');
  t.is(snapshot.seq, 1);
  t.is(snapshot.at, NOW);
  t.deepEqual(snapshot.counts, { down: 0, stale: 0, leaving: 0, invalid: 1, up: 1 });
  t.deepEqual(snapshot.workers.map((w) => [w.id, w.health]), [['w1', 'up'], ['w2', 'invalid']]);
  t.is(snapshot.header.name, 'crawler');
  const delta = blocks.find((b) => b.event === 'delta')!.data as LiveDelta;
  t.is(delta.seq, 2);
  t.deepEqual(delta.upsert.map((w) => [w.id, w.health, w.leftReason]), [['w1', 'down', 'crash']]);
  t.deepEqual(delta.counts, { down: 1, stale: 0, leaving: 0, invalid: 1, up: 0 });
  // the delta may come before the events: then they are in the next one
  const logged = blocks.filter((b) => b.event === 'delta').flatMap((b) => (b.data as LiveDelta).log);
  t.deepEqual(logged.map((e) => `${e.cluster} ${e.type}`), ['crawler WorkerLeft'], 'the cluster\'s own events, no heartbeat');
});

test('the Host check guards the stream as every route (a foreign name is a 403)', async (t) => {
  const { url } = await start(t);
  const { port } = new URL(url);
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/clusters/crawler/live', headers: { host: 'evil.example' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  t.is(status, 403);
});
