/** Configuration keys and sequence counters in the model (docs/contract.md §9): ConfigChanged, never the data. */
import test from 'ava';
import { fieldDiff } from '../../collector/model/reduce-config.ts';
import { SEQUENCE_REPORT_FLOOR } from '../../contract/sequence-floor.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import { CLUSTER, disconnected, fold, lockEvents, node, synced } from '../support/lock-events.ts';

const K = 'config/db-url';
const D1 = 'a'.repeat(64);
const D2 = 'b'.repeat(64);
/** a key as the watch layer reports it: data dropped, fingerprint instead */
const key = (kind: 'added' | 'changed' | 'removed', version: number, digest: string | null, o: { time?: number; bytes?: number; fields?: Record<string, string>; afterBlind?: true } = {}) =>
  node(kind, K, null, {
    czxid: 50,
    version,
    time: o.time ?? 1000 + version,
    dataLength: o.bytes ?? 20 + version,
    config: o.fields === undefined ? { digest } : { digest, fields: o.fields },
    ...(o.afterBlind ? { afterBlind: true as const } : {}),
  });

test('keys found by the first sync did not change: no ConfigChanged, but the model knows them', (t) => {
  const { model, events } = fold([key('added', 3, D1, { time: 900 }), synced(1000)]);
  t.deepEqual(lockEvents(events), []);
  t.deepEqual(model.config.get(K), { key: K, version: 3, bytes: 23, digest: D1, changedAt: 900 });
});

test('a change after the sync: ConfigChanged with version, bytes and digest; the same stat again is no change', (t) => {
  const { model, events } = fold([key('added', 0, D1), synced(1000), key('changed', 1, D2, { time: 2000 }), key('changed', 1, D2, { time: 2000 })]);
  t.deepEqual(lockEvents(events), [{ type: 'ConfigChanged', key: K, version: 1, bytes: 21, digest: D2 }]);
  t.is(model.config.get(K)!.changedAt, 2000);
  t.is(model.config.get(K)!.changedSinceSync, true, 'a version seen arriving after the sync (the ConfigChanged rule notices it)');
});

test('a key created, and deleted (version -1), after the sync', (t) => {
  const { model, events } = fold([synced(1000), key('added', 0, D1, { time: 2000 }), key('removed', 0, D1, { time: 3000 })]);
  t.deepEqual(lockEvents(events), [
    { type: 'ConfigChanged', key: K, version: 0, bytes: 20, digest: D1 },
    { type: 'ConfigChanged', key: K, version: -1, bytes: 0, digest: null },
  ]);
  t.false(model.config.has(K));
});

test('a resync after a blind period announces a changed version (afterBlind), not an unchanged one', (t) => {
  // the same stat found again by the resync (a watch layer may report every node it lists)
  const other = (kind: 'added' | 'changed', time: number, afterBlind?: true) =>
    node(kind, 'config/flags', null, { czxid: 60, version: 4, time, mtime: 900, dataLength: 5, config: { digest: D1 }, ...(afterBlind ? { afterBlind } : {}) });
  const { events } = fold([
    key('added', 1, D1),
    other('added', 900),
    synced(1000),
    disconnected(2000),
    key('changed', 2, D2, { time: 5000, afterBlind: true }),
    other('changed', 5001, true),
    synced(5002, true),
  ]);
  t.deepEqual(lockEvents(events), [{ type: 'ConfigChanged', key: K, version: 2, bytes: 22, digest: D2, afterBlind: true }]);
});

test('keys that opt in to a diff: the names whose field digests differ, added or removed, sorted', (t) => {
  const { events } = fold([
    key('added', 1, D1, { fields: { url: 'u1', pool: 'p1', old: 'o1' } }),
    synced(1000),
    key('changed', 2, D2, { time: 2000, fields: { url: 'u2', pool: 'p1', added: 'x' } }),
  ]);
  t.deepEqual(lockEvents(events), [{ type: 'ConfigChanged', key: K, version: 2, bytes: 22, digest: D2, changedFields: ['added', 'old', 'url'] }]);
  t.deepEqual(fieldDiff({ __proto__x: 'a' }, JSON.parse('{"__proto__":"b"}') as Record<string, string>), ['__proto__', '__proto__x']);
});

test('a ConfigChanged never carries data: only key, version, bytes, digest, field names', (t) => {
  const secret = 'postgres://admin:hunter2@db';
  // a watch layer that forgot to drop the data: the model still keeps none of it
  const leaky = { ...key('changed', 2, D2, { time: 2000 }), data: secret };
  const { model, events } = fold([key('added', 1, D1), synced(1000), leaky]);
  t.true(events.some((e) => e.type === 'ConfigChanged'));
  t.false(JSON.stringify(events).includes('hunter2'));
  t.false(JSON.stringify(model.config.toJS()).includes('hunter2'));
  for (const e of events) if (e.type === 'ConfigChanged') t.deepEqual(Object.keys(e).sort(), ['bytes', 'cluster', 'digest', 'key', 'time', 'type', 'version']);
});

test('the config container or the root removed: every key deleted', (t) => {
  const start = fold([key('added', 1, D1), node('added', 'config/b', null, { czxid: 70, config: { digest: D2 } }), synced(1000)]).model;
  const gone = fold([node('removed', 'config', null, { time: 3000 })], start);
  t.deepEqual(lockEvents(gone.events).map((e) => [(e as { key: string }).key, (e as { version: number }).version]), [[K, -1], ['config/b', -1]]);
  t.is(gone.model.config.size, 0);
  t.is(fold([node('removed', '', null, { time: 3000 })], start).model.config.size, 0);
});

test('sequence counters: kept from the report floor up, forgotten when null or below; other clusters ignored', (t) => {
  const seq = (path: string, cversion: number | null, cluster = CLUSTER): WatchEvent => ({ kind: 'sequence', cluster, path, cversion, time: 1000 });
  const high = SEQUENCE_REPORT_FLOOR + 5;
  const a = fold([seq('locks/nightly', high), seq('election', high + 1), seq('locks/x', high, 'other')]);
  t.deepEqual(a.model.sequences.toJS(), { 'locks/nightly': high, election: high + 1 });
  t.deepEqual(a.events, []);
  const b = fold([seq('locks/nightly', null), seq('election', SEQUENCE_REPORT_FLOOR - 1)], a.model);
  t.is(b.model.sequences.size, 0);
  const bad = fold([{ kind: 'sequence', cluster: CLUSTER, path: 'p', cversion: Number.NaN, time: 1 } as WatchEvent], a.model);
  t.is(bad.model.sequences.size, 2);
});
