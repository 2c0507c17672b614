/**
 * Clusters on several ensembles (issue 18, docs/contract.md §10), the pure parts: `clusters.<name>.ensemble` in
 * the config, a connection event applying to its own ensemble's clusters only (stepEvent), CollectorDisconnected
 * and blindness judged per ensemble (evaluate), the `ensemble` tag of points, and the recording's lines.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Recorder } from '../../collector/recorder.ts';
import { clustersInRecordings, loadReplayConfig } from '../../replay/config.ts';
import { replay } from '../../replay/replay.ts';
import { ConfigError, clusterRootsOf, collectConfigSchema, ensembleOfCluster, loadConfig } from '../../collector/config.ts';
import { ensemblesOf, initialModels, stepEvent } from '../../collector/pipeline.ts';
import type { ConnectionEvent, SyncEvent } from '../../collector/watch/events.ts';
import { withEnsembleTags } from '../../collector/influx/ensemble-tags.ts';
import { encodePoint, type Point } from '../../collector/influx/line-protocol.ts';
import { parseRecordLine, recordLine, recordedEnsembleOf, withRoot } from '../../collector/record-schema.ts';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { evaluate, type EvaluationInput } from '../../alerts/engine/state-machine.ts';
import { emptyEngineState } from '../../alerts/engine/state.ts';
import { healthyCluster } from '../support/alerts-fixtures.ts';

const base = { zk: '127.0.0.1:2181', instance: 'i', ensembles: { b: '127.0.0.2:2181', c: '127.0.0.3:2181' } };

test('clusters.<name>.ensemble: default or a key of ensembles; ensembleOf holds only the named ones', (t) => {
  const config = collectConfigSchema.parse({
    ...base,
    clusters: { a: '/a', a2: { root: '/a2', ensemble: 'default' }, b1: { root: '/b1', ensemble: 'b' }, c1: { root: '/c1', layout: 'kafka', ensemble: 'c' } },
  });
  t.deepEqual(config.ensembleOf, { b1: 'b', c1: 'c' });
  t.deepEqual([ensembleOfCluster(config, 'a'), ensembleOfCluster(config, 'a2'), ensembleOfCluster(config, 'b1')], ['default', 'default', 'b']);
  t.deepEqual(
    clusterRootsOf(config).map((c) => `${c.name}@${c.ensemble ?? '-'}:${c.layout?.name ?? '-'}`),
    ['a@-:-', 'a2@-:-', 'b1@b:-', 'c1@c:kafka'],
  );
  const plain = collectConfigSchema.parse({ ...base, clusters: { a: '/a', a2: { root: '/a2', ensemble: 'default' } } });
  t.false('ensembleOf' in plain, 'every cluster on default: the config keeps its old shape');
});

const bad: [string, Record<string, unknown>, string][] = [
  ['an unknown ensemble', { clusters: { b1: { root: '/b1', ensemble: 'x' } } }, 'config: clusters.b1.ensemble: unknown ensemble "x" (known: default, b, c; name another in "ensembles")'],
  ['no ensembles at all', { ensembles: undefined, clusters: { b1: { root: '/b1', ensemble: 'b' } } }, 'config: clusters.b1.ensemble: unknown ensemble "b" (known: default; name another in "ensembles")'],
  ['not a name', { clusters: { b1: { root: '/b1', ensemble: 3 } } }, 'config: clusters.b1.ensemble: expected an ensemble name (default or a key of ensembles)'],
  ['an unknown key names ensemble among the known', { clusters: { b1: { root: '/b1', ensembel: 'b' } } }, 'config: clusters.b1.ensembel: unknown key (expected root, layout, locks, config and ensemble)'],
];

for (const [title, values, message] of bad) {
  test(`one clear line: ${title}`, (t) => {
    const error = t.throws(() => loadConfig({ recorded: { ...base, ...values } }), { instanceOf: ConfigError });
    t.is(error?.message.replace(/^recording: /, 'config: '), message);
  });
}

const CLUSTERS = [
  { name: 'a', root: '/a' },
  { name: 'b1', root: '/b1', ensemble: 'b' },
  { name: 'b2', root: '/b2', ensemble: 'b' },
  { name: 'c1', root: '/c1', ensemble: 'c' },
];
const ctx = { now: 2000, ensembles: ensemblesOf(CLUSTERS) };

function synced() {
  let models = initialModels(CLUSTERS);
  for (const c of CLUSTERS) {
    const e: SyncEvent = { kind: 'synced', cluster: c.name, time: 1000, nodes: 0 };
    models = stepEvent(models, e, ctx).models;
  }
  return models;
}

test('a connection event blinds the clusters of its own ensemble only (absent ensemble: default)', (t) => {
  const lostB: ConnectionEvent = { kind: 'connection', state: 'disconnected', time: 2000, ensemble: 'b' };
  const afterB = stepEvent(synced(), lostB, ctx).models;
  t.deepEqual([...afterB.values()].map((m) => `${m.name}:${m.blind}`), ['a:false', 'b1:true', 'b2:true', 'c1:false']);
  const lostDefault: ConnectionEvent = { kind: 'connection', state: 'disconnected', time: 2000 };
  const afterDefault = stepEvent(synced(), lostDefault, ctx).models;
  t.deepEqual([...afterDefault.values()].map((m) => `${m.name}:${m.blind}`), ['a:true', 'b1:false', 'b2:false', 'c1:false']);
  // without an ensembles map (every recording made before): every cluster, as ever
  const all = stepEvent(synced(), lostDefault, { now: 2000 }).models;
  t.true([...all.values()].every((m) => m.blind));
});

test('CollectorDisconnected per ensemble: only the clusters of the lost session, labelled with its ensemble; blindness follows', (t) => {
  const config = parseAlertsConfig({ defaults: { CollectorDisconnected: { for: 0 } } });
  const T0 = 1_000_000;
  const a = healthyCluster(T0, 2, 'a').model;
  const b1 = healthyCluster(T0, 2, 'b1').model;
  const input: EvaluationInput = {
    models: [a, b1],
    connected: true,
    disconnectedSince: null,
    ensembleConnections: new Map([['b', { connected: false, disconnectedSince: T0 - 5000 }]]),
    clusterEnsembles: new Map([['b1', 'b']]),
    now: T0 + 1000,
  };
  const e = evaluate(emptyEngineState(), input, config);
  const cd = e.alerts.filter((x) => x.labels.alertname === 'CollectorDisconnected');
  t.deepEqual(cd.map((x) => [x.labels.cluster, x.labels.ensemble, x.state]), [['b1', 'b', 'firing']]);
  t.is(cd[0]?.annotations.since, new Date(T0 - 5000).toISOString());
  // the default session lost: a's alert has no ensemble label (as before), b1 stays seen
  const e2 = evaluate(emptyEngineState(), { ...input, connected: false, disconnectedSince: T0, ensembleConnections: new Map([['b', { connected: true, disconnectedSince: null }]]) }, config);
  t.deepEqual(
    e2.alerts.filter((x) => x.labels.alertname === 'CollectorDisconnected').map((x) => [x.labels.cluster, x.labels.ensemble ?? null]),
    [['a', null]],
  );
});

test('the ensemble tag: points of clusters on a named ensemble get it, the others keep their bytes', (t) => {
  const points: Point[] = [
    { measurement: 'cluster', tags: { cluster: 'a' }, fields: { workers: 1 }, time: 1 },
    { measurement: 'cluster', tags: { cluster: 'b1' }, fields: { workers: 1 }, time: 1 },
    { measurement: 'collector', tags: { instance: 'i' }, fields: { events: 1 }, time: 1 },
  ];
  const tagged = withEnsembleTags(points, new Map([['b1', 'b']]));
  t.deepEqual(tagged.map((p) => encodePoint(p)), [encodePoint(points[0]!), 'cluster,cluster=b1,ensemble=b workers=1 1000000', encodePoint(points[2]!)]);
  t.is(points[1]!.tags.ensemble, undefined, 'the input is not changed');
  t.is(withEnsembleTags(points, new Map()), points, 'no named ensemble: the same array');
});

test('recordings: a named ensemble on the cluster first line and on its connection events; both parse back', (t) => {
  const sync: SyncEvent = { kind: 'synced', cluster: 'b1', time: 5, nodes: 0 };
  const first = withRoot(recordLine(sync), '/b1', undefined, undefined, 'b');
  t.is(first, '{"v":1,"root":"/b1","ensemble":"b","kind":"synced","cluster":"b1","time":5,"nodes":0}\n');
  const parsed = parseRecordLine(first);
  t.true(parsed.ok);
  if (parsed.ok) t.is(recordedEnsembleOf(parsed.event), 'b');
  const conn = parseRecordLine(recordLine({ kind: 'connection', state: 'expired', time: 6, ensemble: 'b' }));
  t.true(conn.ok && conn.event.kind === 'connection' && conn.event.ensemble === 'b');
  const bad = parseRecordLine('{"v":1,"kind":"connection","state":"expired","time":6,"ensemble":"b\\nx"}');
  t.false(bad.ok);
});

test('a recording of two ensembles replays per ensemble: B lost raises CollectorDisconnected for B\'s cluster only, labelled', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-ensembles-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'rec.ndjson');
  const T = 1_700_000_000_000;
  const recorder = new Recorder(file, { roots: { a1: '/a1', b1: '/b1' }, ensembles: { b1: 'B' } });
  const events: (ConnectionEvent | SyncEvent)[] = [
    { kind: 'connection', state: 'connected', time: T, sessionId: '00000000000000aa' },
    { kind: 'connection', state: 'connected', time: T + 1, sessionId: '00000000000000bb', ensemble: 'B' },
    { kind: 'synced', cluster: 'a1', time: T + 10, nodes: 0 },
    { kind: 'synced', cluster: 'b1', time: T + 11, nodes: 0 },
    { kind: 'connection', state: 'disconnected', time: T + 1000, reason: 'connection lost', ensemble: 'B' },
  ];
  for (const e of events) recorder.record(e);
  await recorder.close();
  t.regex(readFileSync(file, 'utf8'), /"root":"\/b1","ensemble":"B"/);
  const clusters = clustersInRecordings([file]);
  t.deepEqual(clusters.map((c) => `${c.name}@${c.ensemble ?? 'default'}`), ['a1@default', 'b1@B']);
  const config = loadReplayConfig(undefined, () => clusters);
  t.deepEqual(config.collect.ensembleOf, { b1: 'B' });
  const result = await replay({ files: [file], config, tailMs: 60_000 });
  const alerts = result.notifications.flatMap((n) => n.alerts).filter((a) => a.labels.alertname === 'CollectorDisconnected');
  t.deepEqual([...new Set(alerts.map((a) => `${a.labels.cluster}:${a.labels.ensemble}:${a.status}`))], ['b1:B:firing']);
});
