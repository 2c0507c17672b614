// The sequence rule of docs/contract.md §8 against ZooKeeper's own formatting: PrepRequestProcessor.pRequest2TxnCreate
// appends String.format(Locale.ENGLISH, "%010d", parentCVersion) (apache/zookeeper 000ce4e7e8bb). The
// expected texts below are what Java 17 prints for that format (checked with `java F.java`).
import test from 'ava';
import { bySequence, compareBySequence, sequenceOf, sequenceSuffix } from '../../contract/layouts/index.ts';

const javaFormat010d: [number, string][] = [
  [0, '0000000000'],
  [7, '0000000007'],
  [2147483647, '2147483647'],
  [-1, '-000000001'],
  [-999999999, '-999999999'],
  [-1000000000, '-1000000000'],
  [-2147483648, '-2147483648'],
];

for (const prefix of ['latch-', '_c_3f0c5a4e-9d1b-4c1e-8a51-6f1b2a3c4d5e-latch-', 'lock-', '0123456789abcdef0123456789abcdef__lock__', '72-127.0.0.1:8983_solr-n_', '__READ__', 'n_']) {
  test(`every value ZooKeeper can append reads back after ${JSON.stringify(prefix)}`, (t) => {
    for (const [value, text] of javaFormat010d) {
      const s = sequenceSuffix(prefix + text);
      t.deepEqual(s, { seq: value, prefix, text }, `${prefix}${text}`);
    }
  });
}

test("a recipe's '-' separator is not a minus sign (latch-0000000005 is 5)", (t) => {
  t.is(sequenceOf('latch-0000000005'), 5);
  t.is(sequenceOf('_c_3f0c5a4e-9d1b-4c1e-8a51-6f1b2a3c4d5e-lock-0000000042'), 42);
  t.is(sequenceOf('latch--0000000005'), -5);
});

test('names without a ZooKeeper sequence have none', (t) => {
  for (const name of ['latch-', 'latch-123', 'worker-1', '', 'x00000001', 'n_-000000000', 'n_9999999999', 'n_--2147483649', 'abc']) {
    t.is(sequenceSuffix(name), null, name);
  }
});

test('no separator needed: a bare prefix and a longer digit run keep the last 10 digits', (t) => {
  t.deepEqual(sequenceSuffix('x0000000003'), { seq: 3, prefix: 'x', text: '0000000003' });
  t.deepEqual(sequenceSuffix('node12000000009'), { seq: 2000000009, prefix: 'node1', text: '2000000009' });
  t.deepEqual(sequenceSuffix('0000000001'), { seq: 1, prefix: '', text: '0000000001' });
});

test('order is by sequence, never by name: UUID prefixes sort randomly', (t) => {
  const names = [
    'ffffffff-aaaa-bbbb-cccc-000000000000-latch-0000000002',
    '_c_00000000-aaaa-bbbb-cccc-000000000000-latch-0000000010',
    '_c_99999999-aaaa-bbbb-cccc-000000000000-latch-0000000001',
    'not-a-candidate',
  ];
  t.deepEqual(bySequence(names), [names[2], names[0], names[1]]);
  t.true(compareBySequence(names[1]!, names[2]!) > 0);
});

test("equal numbers fall back to the name (Solr's joinAtHead copies the head's number)", (t) => {
  const a = '99-b:1_solr-n_0000000004';
  const b = '12-a:1_solr-n_0000000004';
  t.deepEqual(bySequence([a, b]), [b, a]);
  t.true(compareBySequence(a, b) > 0);
});

test('past the wrap the negative (newer) numbers sort first, as the recipes do for their head of line', (t) => {
  t.deepEqual(bySequence(['lock-2147483647', 'lock--2147483648', 'lock--000000001']), ['lock--2147483648', 'lock--000000001', 'lock-2147483647']);
});
