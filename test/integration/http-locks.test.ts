/** GET /api/clusters/:name `locks` and `config` (docs/contract.md §9), and the lock/config events on /api/events. */
import test from 'ava';
import { Subject } from 'rxjs';
import { createCollectorMetrics } from '../../collector/metrics.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { createHttpApp, startHttpServer } from '../../collector/http/server.ts';
import { DIGEST, lockedModel } from '../support/lock-events.ts';

const NOW = 10_000;
const S1 = '00000000000000a1';
const S2 = '00000000000000a2';
const S3 = '00000000000000a3';

async function start(t: { teardown(fn: () => Promise<void>): void }) {
  const events = new Subject<DomainEvent>();
  const metrics = createCollectorMetrics();
  const models = [lockedModel()];
  const app = createHttpApp({ getModels: () => models, isConnected: () => ({ ok: true }), events$: events, registry: metrics.registry, now: () => NOW });
  const server = await startHttpServer(app, { port: 0 });
  t.teardown(() => server.close());
  return { url: server.url, events };
}

test('GET /api/clusters/:name lists each lock (holder by sequence, waiters, held for by the injected clock) and each config key', async (t) => {
  const { url } = await start(t);
  const body = (await (await fetch(`${url}/api/clusters/crawler`)).json()) as Record<string, unknown>;
  t.deepEqual(body.locks, [
    {
      lock: 'locks/nightly',
      holder: '_c_zzz-lock-0000000001',
      holders: ['_c_zzz-lock-0000000001'],
      session: S1,
      owner: '10.0.0.1',
      waiters: 2,
      heldMs: NOW - 2000,
      contenders: [
        { node: '_c_zzz-lock-0000000001', mode: 'exclusive', session: S1, owner: '10.0.0.1', waiting: false },
        { node: '_c_aaa-lock-0000000002', mode: 'exclusive', session: S2, owner: null, waiting: true },
        { node: '_c_bbb-lock-0000000003', mode: 'exclusive', session: S3, owner: '10.0.0.3', waiting: true },
      ],
    },
  ]);
  t.deepEqual(body.config, [{ key: 'config/db-url', version: 2, bytes: 31, digest: DIGEST, changedAt: 900 }]);
});

test('GET /api/events carries LockAcquired, LockReleased and ConfigChanged as they are', async (t) => {
  const { url, events } = await start(t);
  const controller = new AbortController();
  t.teardown(() => controller.abort());
  const res = await fetch(`${url}/api/events`, { signal: controller.signal });
  const reader = res.body!.getReader();
  const sent: DomainEvent[] = [
    { type: 'LockAcquired', cluster: 'crawler', time: 1, lock: 'locks/nightly', node: 'lock-0000000001', owner: 'a', session: S1, waiters: 2 },
    { type: 'LockReleased', cluster: 'crawler', time: 2, lock: 'locks/nightly', node: 'lock-0000000001', owner: 'a', heldMs: 1 },
    { type: 'ConfigChanged', cluster: 'crawler', time: 3, key: 'config/db-url', version: 3, bytes: 9, digest: DIGEST, changedFields: ['url'] },
  ];
  let text = '';
  const decoder = new TextDecoder();
  // the stream is subscribed once its first bytes (": connected") arrive
  while (!text.includes(': connected')) text += decoder.decode((await reader.read()).value);
  for (const e of sent) events.next(e);
  while ((text.match(/\n\n/g) ?? []).length < 4) text += decoder.decode((await reader.read()).value);
  const blocks = text.split('\n\n').filter((b) => b.startsWith('event: '));
  t.deepEqual(blocks.map((b) => b.split('\n')[0]), ['event: LockAcquired', 'event: LockReleased', 'event: ConfigChanged']);
  t.deepEqual(blocks.map((b) => JSON.parse(b.split('\n')[1]!.slice('data: '.length)) as DomainEvent), sent);
});
