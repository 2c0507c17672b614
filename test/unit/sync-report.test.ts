/** The "synced" log line (collector/sync-report.ts): its text and fields from the event, the connect time and the model. */
import test from 'ava';
import { syncReport } from '../../collector/sync-report.ts';
import { emptyCluster } from '../../collector/model/reducer.ts';

const model = emptyCluster('crawler', '/apps/crawler');

test('a first sync: znodes, workers up of all, ms after connect, thousands separated', (t) => {
  const r = syncReport({ kind: 'synced', cluster: 'crawler', time: 5_402, nodes: 10_024 }, 4_000, model);
  t.is(r.message, 'cluster crawler synced: 10,024 znodes, 0 of 0 workers up, 1,402 ms after connect');
  t.deepEqual(r.fields, { cluster: 'crawler', nodes: 10_024, workers: 0, workersUp: 0, syncMs: 1_402, resync: false });
});

test('a resync after a blind period says so', (t) => {
  const r = syncReport({ kind: 'synced', cluster: 'crawler', time: 100, nodes: 3, afterBlind: true }, 90, model);
  t.is(r.message, 'cluster crawler resynced: 3 znodes, 0 of 0 workers up, 10 ms after connect');
  t.true(r.fields.resync);
});

test('no connection seen (a replayed or hand-fed stream): no duration, no model: no workers', (t) => {
  const r = syncReport({ kind: 'synced', cluster: 'other', time: 100, nodes: 1 }, null, undefined);
  t.is(r.message, 'cluster other synced: 1 znode, 0 of 0 workers up');
  t.is(r.fields.syncMs, null);
});
