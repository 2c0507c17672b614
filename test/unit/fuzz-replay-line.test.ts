/**
 * Fuzzing the replay reader's line parser: any line (text, JSON of any shape, near-miss records) is an
 * event or a one-line problem; it never throws.
 */
import test from 'ava';
import fc from 'fast-check';
import { parseRecordLine } from '../../collector/record-schema.ts';

const nearMiss = fc
  .record(
    {
      v: fc.oneof(fc.constant(1), fc.anything()),
      kind: fc.oneof(fc.constantFrom('added', 'changed', 'removed', 'connection', 'synced'), fc.anything()),
      cluster: fc.oneof(fc.string({ maxLength: 8 }), fc.anything()),
      time: fc.oneof(fc.integer(), fc.anything()),
      path: fc.anything(),
      stat: fc.anything(),
      data: fc.anything(),
      state: fc.anything(),
      nodes: fc.anything(),
    },
    { requiredKeys: [] },
  )
  .map((o) => {
    try {
      return JSON.stringify(o) ?? 'null';
    } catch {
      return '{}';
    }
  });

// the reader splits the file on "\n", so a line never holds one ("\r" it may: CRLF files)
const line = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), nearMiss)
  .filter((text) => !text.includes('\n'));

test('parseRecordLine: never throws; a problem is a non-empty text without a newline', (t) => {
  fc.assert(
    fc.property(line, (text) => {
      const r = parseRecordLine(text);
      // (a "\r" inside a line is echoed by JSON.parse's message; the reader strips only a trailing one)
      return r.ok ? typeof r.event.kind === 'string' : r.problem.length > 0 && !r.problem.includes('\n');
    }),
    { numRuns: 1000 },
  );
  t.pass();
});
