// Every layout decoder takes bytes zkpulse did not write: none may throw, whatever they are, and a failure
// always carries a one-line reason.
import test from 'ava';
import fc from 'fast-check';
import * as layouts from '../../contract/layouts/index.ts';

type Result = { ok: boolean; reason?: string };

const dataDecoders: [string, (d: Uint8Array) => Result][] = [
  ['decodeHBaseMaster', layouts.decodeHBaseMaster],
  ['decodeHBaseRegionServerInfo', layouts.decodeHBaseRegionServerInfo],
  ['decodeHdfsActiveNodeInfo', layouts.decodeHdfsActiveNodeInfo],
  ['decodeYarnActiveRmInfo', layouts.decodeYarnActiveRmInfo],
  ['decodeKafkaBroker', layouts.decodeKafkaBroker],
  ['decodeKafkaController', layouts.decodeKafkaController],
  ['decodeKafkaControllerEpoch', layouts.decodeKafkaControllerEpoch],
  ['decodeKafkaPartitionState', layouts.decodeKafkaPartitionState],
  ['decodeCuratorServiceInstance', layouts.decodeCuratorServiceInstance],
  ['decodeCuratorParticipantId', layouts.decodeCuratorParticipantId],
  ['decodeKazooIdentifier', layouts.decodeKazooIdentifier],
  ['decodeSolrOverseerLeader', layouts.decodeSolrOverseerLeader],
  ['readMessage', layouts.readMessage],
];

const nameParsers: [string, (n: string) => Result][] = [
  ['parseLeaderLatchChild', layouts.parseLeaderLatchChild],
  ['parseLeaderSelectorChild', layouts.parseLeaderSelectorChild],
  ['parseReadWriteLockChild', layouts.parseReadWriteLockChild],
  ['parseKazooLockChild', layouts.parseKazooLockChild],
  ['parseKazooPartyChild', layouts.parseKazooPartyChild],
  ['parseKafkaBrokerId', layouts.parseKafkaBrokerId],
  ['parseKafkaEndpoint', layouts.parseKafkaEndpoint],
  ['parseHBaseServerName', layouts.parseHBaseServerName],
  ['parseSolrElectionNode', layouts.parseSolrElectionNode],
  ['parseSolrLiveNode', layouts.parseSolrLiveNode],
];

const oneLineReason = (r: Result): boolean => r.ok || (typeof r.reason === 'string' && r.reason.length > 0 && !/[\r\n]/.test(r.reason));

// Bytes that start like the real thing make the decoders go deeper than pure noise would.
const prefixes = [[], [0xff, 0, 0, 0, 4, 1, 2, 3, 4], [0x50, 0x42, 0x55, 0x46], [0xff, 0, 0, 0, 0, 0x50, 0x42, 0x55, 0x46], [0x0a], [0x7b]];
const bytes = fc.tuple(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 64 })).map(([p, rest]) => Uint8Array.from([...p, ...rest]));
const jsonish = fc.json().map((s) => new TextEncoder().encode(s));

for (const [name, decode] of dataDecoders) {
  test(`${name} never throws and always gives a one-line reason`, (t) => {
    fc.assert(fc.property(fc.oneof(bytes, jsonish), (d) => oneLineReason(decode(d))), { numRuns: 400 });
    t.pass();
  });
}

for (const [name, parse] of nameParsers) {
  test(`${name} never throws on any name`, (t) => {
    const names = fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[-_a-z0-9:.,%]{0,40}[-_]?-?\d{0,12}$/));
    fc.assert(fc.property(names, (n) => oneLineReason(parse(n))), { numRuns: 400 });
    t.pass();
  });
}

test('sequenceSuffix reads back every int32 ZooKeeper can format, after any separator', (t) => {
  const format010d = (v: number): string => (v < 0 ? '-' + String(-v).padStart(9, '0') : String(v).padStart(10, '0'));
  fc.assert(
    fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), fc.constantFrom('latch-', 'lock-', '__lock__', 'n_', '__READ__'), (v, prefix) => {
      const s = layouts.sequenceSuffix(prefix + format010d(v));
      return s !== null && s.seq === v && s.prefix === prefix;
    }),
    { numRuns: 2000 },
  );
  t.is(format010d(-1), '-000000001');
  t.is(format010d(-2147483648), '-2147483648');
});
