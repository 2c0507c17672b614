// Binary znode data in recordings (docs/contract.md §7, §8): a node event whose data is not UTF-8 carries the
// exact bytes as `dataBase64`, validated when read back; UTF-8 data is recorded exactly as before.
import test from 'ava';
import { parseRecordLine, recordLine } from '../../collector/record-schema.ts';
import type { NodeEvent } from '../../collector/watch/events.ts';
import { layoutNamed } from '../../contract/index.ts';
import { foldWith } from '../support/layout-events.ts';
import { HBASE_MASTER_DATA, HBASE_MASTER_SERVER } from '../support/layout-fixtures.ts';

const stat = { czxid: '5', mzxid: '5', ctime: 1, mtime: 1, version: 0, cversion: 0, ephemeralOwner: '00000000000000a1', dataLength: 3, numChildren: 0 };
const utf8Event: NodeEvent = { kind: 'added', cluster: 'c', path: 'workers/w1', stat, data: '{"id":"w1"}', time: 7 };

test('a UTF-8 event is recorded byte for byte as before (no dataBase64 key)', (t) => {
  t.is(
    recordLine(utf8Event),
    '{"v":1,"kind":"added","cluster":"c","path":"workers/w1","stat":{"czxid":"5","mzxid":"5","ctime":1,"mtime":1,"version":0,"cversion":0,' +
      '"ephemeralOwner":"00000000000000a1","dataLength":3,"numChildren":0},"data":"{\\"id\\":\\"w1\\"}","time":7}\n',
  );
});

test('binary data round-trips through a recording and still decodes (HBase PBUF master)', (t) => {
  const event: NodeEvent = {
    kind: 'added',
    cluster: 'c',
    path: 'master',
    stat: { ...stat, dataLength: HBASE_MASTER_DATA.length },
    data: HBASE_MASTER_DATA.toString('utf8'),
    time: 7,
    dataBase64: HBASE_MASTER_DATA.toString('base64'),
  };
  const parsed = parseRecordLine(recordLine(event).trimEnd());
  t.true(parsed.ok);
  if (!parsed.ok || parsed.event.kind !== 'added') return;
  t.is(parsed.event.dataBase64, event.dataBase64);
  const { model } = foldWith(layoutNamed('hbase')!, [parsed.event]);
  t.like(model.master, { id: HBASE_MASTER_SERVER, invalid: null });
  // the same event without its bytes (an older recording): the lossy text does not decode, and says so
  const { dataBase64: _, ...lossy } = parsed.event;
  const old = foldWith(layoutNamed('hbase')!, [lossy as NodeEvent]);
  t.not(old.model.master?.invalid ?? null, null);
});

test('dataBase64 that is not base64 is a clear problem of the line', (t) => {
  const line = recordLine({ ...utf8Event, dataBase64: 'not base64!' }).trimEnd();
  t.deepEqual(parseRecordLine(line), { ok: false, problem: 'dataBase64: expected base64 data' });
  const wrongType = JSON.stringify({ v: 1, ...utf8Event, dataBase64: 5 });
  t.false(parseRecordLine(wrongType).ok);
});
