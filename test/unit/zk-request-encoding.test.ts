/**
 * The direct encoding of exists/getData/getChildren2 requests (collector/zk/harden.ts) is byte for byte
 * what node-zookeeper-client's generic jute serializer produces, for any path and watch flag.
 */
import test from 'ava';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { encodePathWatchRequest } from '../../zk/harden.ts';

const require = createRequire(import.meta.url);
interface JuteRecord {
  byteLength(): number;
  serialize(buf: Buffer, offset: number): number;
  [field: string]: unknown;
}
const jute = require('node-zookeeper-client/lib/jute/index.js') as { protocol: Record<string, new () => JuteRecord> };

/** What the library's Request.toBuffer does, with its generic Record.serialize (left unpatched). */
function generic(type: number, xid: number, path: string, watch: boolean): Buffer {
  const header = new jute.protocol.RequestHeader!();
  header.xid = xid;
  header.type = type;
  const Payload = { 3: jute.protocol.ExistsRequest, 4: jute.protocol.GetDataRequest, 12: jute.protocol.GetChildren2Request }[type]!;
  const payload = new Payload();
  payload.path = path;
  payload.watch = watch;
  const size = header.byteLength() + payload.byteLength();
  const buf = Buffer.alloc(size + 4);
  buf.writeInt32BE(size, 0);
  const off = 4 + header.serialize(buf, 4);
  payload.serialize(buf, off);
  return buf;
}

test('direct request encoding equals the generic jute encoding', (t) => {
  fc.assert(
    fc.property(fc.constantFrom(3, 4, 12), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), fc.boolean(), (type, xid, name, watch) => {
      const path = `/${name.replace(/\//g, '_')}`;
      t.deepEqual(encodePathWatchRequest(xid, type, path, watch), generic(type, xid, path, watch));
    }),
    { numRuns: 300 },
  );
});
