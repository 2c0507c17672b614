/**
 * The lean jute records (collector/zk/lean-jute.ts) decode a getData reply exactly like the
 * library's generic ones, and toZnodeStat gives the same ZnodeStat from either.
 */
import test from 'ava';
import { createRequire } from 'node:module';
import { installLeanJute, type JuteModule } from '../../zk/lean-jute.ts';
import { toZnodeStat } from '../../zk/stat.ts';
import type { Stat } from 'node-zookeeper-client';

const require = createRequire(import.meta.url);
type Rec = { deserialize(b: Buffer, o: number): number; data?: Buffer; stat: Stat };
type Ctor = new () => Rec;
const jute = require('node-zookeeper-client/lib/jute/index.js') as { data: Record<string, Ctor>; protocol: Record<string, Ctor> };
// the generic records, whether or not another test of this process installed the lean ones
const generic = { data: { Stat: jute.data.Stat! }, protocol: { GetDataResponse: jute.protocol.GetDataResponse! } };
const lean = { data: { ...generic.data }, protocol: { ...generic.protocol } };
installLeanJute(lean as unknown as JuteModule);

function long(hi: number, lo: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(hi, 0);
  b.writeUInt32BE(lo >>> 0, 4);
  return b;
}

function reply(data: Buffer | null, longs: Buffer[], ints: number[]): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32BE(data === null ? -1 : data.length);
  const int = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const [czxid, mzxid, ctime, mtime, owner, pzxid] = longs as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
  const [version, cversion, aversion, dataLength, numChildren] = ints as [number, number, number, number, number];
  // a prefix and a suffix: the record is read from the middle of a packet
  return Buffer.concat([Buffer.from([9, 9, 9]), len, data ?? Buffer.alloc(0), czxid, mzxid, ctime, mtime, int(version), int(cversion), int(aversion), owner, int(dataLength), int(numChildren), pzxid, Buffer.from([7])]);
}

const cases: [string, Buffer | null, Buffer[], number[]][] = [
  ['a heartbeat', Buffer.from('{"id":"w1"}'), [long(0, 4_000_000_123), long(1, 17), long(395, 1_234_567_890), long(395, 4_000_000_000), long(0x0100_0000, 0xabcdef), long(0, 5)], [7, 0, 0, 11, 0]],
  ['no data, zxids beyond 2^53, a negative time', null, [long(0x7fff_ffff, 0xffff_ffff), long(0x0020_0000, 0), long(-1, 5), long(-2, 0), long(-1, 0xffff_ffff), long(0, 0)], [-1, 2, 3, 0, 4]],
  ['empty data', Buffer.alloc(0), [long(0, 1), long(0, 2), long(0, 3), long(0, 4), long(0, 0), long(0, 6)], [0, 0, 0, 0, 0]],
];

for (const [name, data, longs, ints] of cases) {
  test(`lean GetDataResponse decodes ${name} like the generic record`, (t) => {
    const buf = reply(data, longs, ints);
    const g = new generic.protocol.GetDataResponse();
    const l = new lean.protocol.GetDataResponse();
    t.is(l.deserialize(buf, 3), g.deserialize(buf, 3));
    t.deepEqual(l.data, g.data);
    t.deepEqual(toZnodeStat(l.stat), toZnodeStat(g.stat));
    for (const f of ['czxid', 'mzxid', 'ctime', 'mtime', 'ephemeralOwner', 'pzxid', 'version', 'cversion', 'aversion', 'dataLength', 'numChildren'] as const) {
      t.deepEqual((l.stat as unknown as Record<string, unknown>)[f], (g.stat as unknown as Record<string, unknown>)[f], f);
    }
    t.true(l.stat instanceof generic.data.Stat);
  });
}

test('a lean Stat whose long field is replaced reports the new value', (t) => {
  const buf = reply(null, cases[0]![2], cases[0]![3]);
  const l = new lean.protocol.GetDataResponse();
  l.deserialize(buf, 3);
  (l.stat as { mzxid: Buffer }).mzxid = long(0, 99);
  t.is(toZnodeStat(l.stat).mzxid, '99');
  t.is(toZnodeStat(l.stat).czxid, '4000000123');
});

test('a truncated reply throws like the generic record', (t) => {
  const buf = reply(Buffer.from('xy'), cases[0]![2], cases[0]![3]).subarray(0, 40);
  t.throws(() => new generic.protocol.GetDataResponse().deserialize(buf, 3));
  t.throws(() => new lean.protocol.GetDataResponse().deserialize(buf, 3));
});

test('toZnodeStat with the previous stat of the path gives the same values, whether or not they changed', (t) => {
  const l = new lean.protocol.GetDataResponse();
  l.deserialize(reply(null, cases[0]![2], cases[0]![3]), 3);
  const fresh = toZnodeStat(l.stat);
  t.deepEqual(toZnodeStat(l.stat, fresh), fresh, 'nothing changed');
  const other = { ...fresh, czxid: '1', mzxid: '2', ephemeralOwner: '00000000000000ff' };
  t.deepEqual(toZnodeStat(l.stat, other), fresh, 'a previous stat with other values does not leak into the new one');
});
