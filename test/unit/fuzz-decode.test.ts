/**
 * Fuzzing the znode data decoders (docs/contract.md §2: bad data is tracked, counted and shown, never a crash):
 * any string or byte soup, and JSON documents of any shape, decode to ok or to a one-line reason.
 */
import test from 'ava';
import fc from 'fast-check';
import { decodeCandidate, decodeMaster, decodeStatus, decodeTaskData, decodeWorker, type Decoded } from '../../contract/index.ts';

const decoders = { decodeWorker, decodeMaster, decodeCandidate, decodeStatus } as const;

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  // worker-ish documents with fields of the wrong type
  fc.record(
    { id: fc.anything(), host: fc.anything(), pid: fc.anything(), startedAt: fc.anything(), heartbeatMs: fc.anything(), state: fc.anything(), meta: fc.anything(), done: fc.anything(), total: fc.anything(), since: fc.anything() },
    { requiredKeys: [] },
  ).map((o) => {
    try {
      return JSON.stringify(o) ?? 'null';
    } catch {
      return '{}';
    }
  }),
  fc.constant(null),
);

function wellFormed<T>(r: Decoded<T>): boolean {
  return r.ok ? r.value !== undefined : typeof r.reason === 'string' && r.reason.length > 0 && !/[\r\n]/.test(r.reason);
}

for (const [name, decode] of Object.entries(decoders)) {
  test(`${name}: never throws; a failure is a one-line reason`, (t) => {
    fc.assert(
      fc.property(text, fc.nat({ max: 2_000_000 }), (data, length) => {
        const r = (decode as (d: string | null, l?: number) => Decoded<unknown>)(data, length);
        return wellFormed(r);
      }),
      { numRuns: 500 },
    );
    t.pass();
  });
}

test('decodeTaskData: never throws; JSON when it parses, the text otherwise, null when empty', (t) => {
  fc.assert(
    fc.property(text, (data) => {
      const value = decodeTaskData(data);
      if (data === null || data === '') return value === null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        return value === data;
      }
      return JSON.stringify(value) === JSON.stringify(parsed);
    }),
    { numRuns: 500 },
  );
  t.pass();
});
