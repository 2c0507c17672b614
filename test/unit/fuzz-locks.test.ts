/**
 * Fuzzing contract/locks.ts (the collector reads lock children it did not write): any name, any contender
 * list, never a throw; holders are a subset of the contenders, sorted, and a non-empty lock has a holder.
 */
import test from 'ava';
import fc from 'fast-check';
import { lockHolders, parseLockContender, type Contender } from '../../contract/locks.ts';

const seqText = fc.oneof(fc.integer({ min: -2147483648, max: 2147483647 }).map((n) => (n < 0 ? '-' + String(-n).padStart(9, '0') : String(n).padStart(10, '0'))), fc.stringMatching(/^-?\d{0,12}$/));
const prefix = fc.constantFrom('lock-', '__READ__', '__WRIT__', 'lease-', '__lock__', '__rlock__', '_c_c8475295-3e6c-478a-9345-04d797c4a2f7-lock-', '70f2c9da304648c98ec5ac21e4fd3616__rlock__', 'latch-', '', '-', '_');
const names = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.tuple(fc.string({ maxLength: 8 }), prefix, seqText).map(([a, b, c]) => a + b + c));

test('parseLockContender: never throws; a contender has a signed 32-bit sequence and a known mode', (t) => {
  fc.assert(
    fc.property(names, (name) => {
      const r = parseLockContender(name);
      return r === null || (Number.isInteger(r.seq) && r.seq >= -2147483648 && r.seq <= 2147483647 && ['exclusive', 'read', 'write', 'lease'].includes(r.mode));
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

const contender = fc.record({ node: fc.string({ maxLength: 12 }), seq: fc.integer({ min: -5, max: 20 }), mode: fc.constantFrom('exclusive', 'read', 'write', 'lease') as fc.Arbitrary<Contender['mode']> });
const anything = fc.array(fc.oneof(contender, fc.anything() as fc.Arbitrary<unknown>), { maxLength: 12 });

test('lockHolders: never throws; holders are contenders, lowest first, and a lock with contenders has a holder', (t) => {
  fc.assert(
    fc.property(anything, (list) => {
      const holders = lockHolders(list as Contender[]);
      const valid = (list as unknown[]).filter((c): c is Contender => contenderLike(c));
      if (valid.length > 0 && holders.length === 0) return false;
      for (let i = 1; i < holders.length; i++) if (holders[i - 1]!.seq > holders[i]!.seq) return false;
      return holders.every((h) => valid.includes(h)) && new Set(holders.map((h) => h.node)).size === holders.length;
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

test('lockHolders: at most one exclusive or write holder, never beside a reader of another sequence', (t) => {
  fc.assert(
    fc.property(fc.array(contender, { maxLength: 12 }), (list) => {
      const holders = lockHolders(list).filter((h) => h.mode !== 'lease');
      const excl = holders.filter((h) => h.mode === 'exclusive' || h.mode === 'write');
      if (excl.length > 1) return false;
      return excl.length === 0 || holders.every((h) => h === excl[0] || (h.mode === 'read' && h.seq === excl[0]!.seq && excl[0]!.mode === 'write'));
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

function contenderLike(c: unknown): boolean {
  if (c === null || typeof c !== 'object') return false;
  const { node, seq, mode } = c as Record<string, unknown>;
  return typeof node === 'string' && typeof seq === 'number' && Number.isFinite(seq) && typeof mode === 'string' && ['exclusive', 'read', 'write', 'lease'].includes(mode);
}
