/**
 * Locks and configuration in the contract (docs/contract.md §9): the zkpulse layout's `locks/` and `config/`,
 * the path globs of `clusters.<name>.locks`/`.config` and the layout wrapper they make, the watch plan's
 * `match` filter, and the config fingerprint.
 */
import test from 'ava';
import { createHash } from 'node:crypto';
import { zkpulseLayout } from '../../contract/zkpulse/layout.ts';
import { zkpulsePaths } from '../../contract/zkpulse/paths.ts';
import { decodeLockContender, encodeLockContender } from '../../contract/zkpulse/data.ts';
import { layoutNamed } from '../../contract/layouts.ts';
import { checkLocksAndConfig, withLocksAndConfig } from '../../contract/locks-and-config.ts';
import { compilePathGlob } from '../../contract/path-glob.ts';
import { indexWatchPlan } from '../../contract/paths.ts';
import { configFingerprint, FIELD_DIGEST_HEX } from '../../contract/config-digest.ts';
import type { Layout } from '../../contract/layout.ts';

const latch = layoutNamed('curator-leader-latch') as Layout;
const kafka = layoutNamed('kafka') as Layout;

test('zkpulse layout: lock contenders, their lock and the config keys are classified', (t) => {
  t.deepEqual(zkpulseLayout.classify('locks'), { role: 'container', holds: 'lock-contender' });
  t.deepEqual(zkpulseLayout.classify('locks/nightly'), { role: 'container', holds: 'lock-contender', group: 'locks/nightly' });
  t.deepEqual(zkpulseLayout.classify('locks/nightly/lock-0000000007'), { role: 'lock-contender', lock: 'locks/nightly', node: 'lock-0000000007', seq: 7, mode: 'exclusive' });
  // names the lock recipe does not make are not contenders
  t.deepEqual(zkpulseLayout.classify('locks/nightly/leases'), { role: 'other' });
  t.deepEqual(zkpulseLayout.classify('config'), { role: 'container', holds: 'config' });
  t.deepEqual(zkpulseLayout.classify('config/db-url'), { role: 'config', key: 'config/db-url' });
  t.deepEqual(zkpulseLayout.classify('config/a/b'), { role: 'other' });
  t.like(zkpulseLayout.capabilities, { locks: true, config: true });
  const plan = indexWatchPlan(zkpulseLayout.watch);
  t.true(plan.isContainer('locks/nightly'));
  t.false(plan.isContainer('locks/nightly/lock-0000000007'));
  t.true(plan.isWatchedLeaf('locks/nightly/lock-0000000007'));
  t.true(plan.isWatchedLeaf('config/db-url'));
});

test('zkpulse paths and the lock contender data: writers and the lenient reader agree', (t) => {
  const p = zkpulsePaths('/apps/x');
  t.is(p.lockPrefix('nightly'), '/apps/x/locks/nightly/lock-');
  t.is(p.configKey('db-url'), '/apps/x/config/db-url');
  const text = encodeLockContender({ owner: 'cron-7' });
  t.deepEqual(JSON.parse(text), { owner: 'cron-7' });
  t.deepEqual(decodeLockContender(text, text.length), { ok: true, value: { owner: 'cron-7' } });
  t.deepEqual(decodeLockContender('{"owner":"a","extra":1}', 23), { ok: true, value: { owner: 'a' } });
  t.deepEqual(decodeLockContender('', 0), { ok: true, value: { owner: null } });
  t.false(decodeLockContender('{"owner":5}', 11).ok);
  t.throws(() => encodeLockContender({ owner: 'a', extra: 1 } as never));
});

test('path globs match segment for segment, never across levels', (t) => {
  const g = compilePathGlob('jobs/*/lock');
  if (!g.ok) return t.fail(g.reason);
  t.true(g.glob.matches(['jobs', 'a', 'lock']));
  t.false(g.glob.matches(['jobs', 'a', 'b', 'lock']));
  t.false(g.glob.matches(['jobs', 'lock']));
  t.is(g.glob.literalPrefix, 1);
});

const badGlobs: Array<[string, string]> = [
  ['', 'must not be empty: give a path relative to the cluster root, e.g. "locks/*"'],
  ['/locks/*', 'must be relative to the cluster root (no leading "/"), got "/locks/*"'],
  ['locks//x', 'has an empty segment ("locks//x"): no "//" and no trailing "/"'],
  ['locks/', 'has an empty segment ("locks/"): no "//" and no trailing "/"'],
  ['locks/../x', 'segment 2 is "..": ZooKeeper paths have no relative segments'],
  ['locks/**', 'segment 2 "**" "**" is not supported: a pattern matches one child name, "*" is any run of characters'],
  ['app/{a,b}', 'segment 2 "{a,b}" braces {a,b} are not supported: use one pattern per alternative or a class [ab]'],
];
for (const [pattern, reason] of badGlobs) {
  test(`path glob ${JSON.stringify(pattern)} is refused with a reason`, (t) => {
    t.deepEqual(compilePathGlob(pattern), { ok: false, reason });
  });
}

test('a hostile path glob costs one linear pass per segment', (t) => {
  const hostile = `${'*a'.repeat(40)}*b`;
  const g = compilePathGlob(`x/${hostile}/${hostile}`);
  if (!g.ok) return t.fail(g.reason);
  const name = 'a'.repeat(5000);
  const started = process.hrtime.bigint();
  t.false(g.glob.matches(['x', name, name]));
  t.true(g.glob.matches(['x', `${name}b`, `${name}b`]));
  const layout = withLocksAndConfig(latch, { config: [`x/${hostile}/${hostile}`] });
  t.deepEqual(layout.classify(`x/${name}b/${name}b`), { role: 'config', key: `x/${name}b/${name}b` });
  t.deepEqual(layout.classify(`x/${name}/${name}`), { role: 'other' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  t.true(ms < 2000, `took ${ms} ms`);
});

test('withLocksAndConfig: a lock glob on a latch classifies its contenders before the latch does', (t) => {
  const layout = withLocksAndConfig(latch, { locks: ['locks/*', 'jobs/*/lock'] });
  t.deepEqual(layout.classify('locks/nightly'), { role: 'container', holds: 'lock-contender', group: 'locks/nightly' });
  t.deepEqual(layout.classify('locks/nightly/_c_8f7e-lock-0000000003'), { role: 'lock-contender', lock: 'locks/nightly', node: '_c_8f7e-lock-0000000003', seq: 3, mode: 'exclusive' });
  t.deepEqual(layout.classify('jobs/j1/lock/lock-0000000001'), { role: 'lock-contender', lock: 'jobs/j1/lock', node: 'lock-0000000001', seq: 1, mode: 'exclusive' });
  t.deepEqual(layout.classify('jobs/j1/other/lock-0000000001'), { role: 'other' });
  // the latch's own nodes are untouched
  t.deepEqual(layout.classify('_c_1-latch-0000000004'), latch.classify('_c_1-latch-0000000004'));
  t.like(layout.capabilities, { locks: true, config: false, heartbeat: latch.capabilities.heartbeat });
  t.is(layout.name, latch.name);
  // only what the globs can match is watched: jobs/<j>/lock/<contender>, not jobs/<j>/other
  const plan = indexWatchPlan(layout.watch);
  t.true(plan.isContainer('locks'));
  t.true(plan.isContainer('locks/nightly'));
  t.true(plan.isWatchedLeaf('locks/nightly/lock-0000000001'));
  t.true(plan.isContainer('jobs/j1'));
  t.true(plan.isContainer('jobs/j1/lock'));
  t.false(plan.isContainer('jobs/j1/other'));
  t.false(plan.isWatchedLeaf('jobs/j1/other'));
  t.false(plan.isWatchedLeaf('jobs/j1/other/lock-0000000001'));
  // the plan is data: a recording or a log can hold it
  t.deepEqual(JSON.parse(JSON.stringify(layout.watch)), layout.watch);
});

test('withLocksAndConfig: config globs are config keys, with diff where asked', (t) => {
  const layout = withLocksAndConfig(kafka, { config: ['app/config/*', { path: 'app/flags', diff: true }, 'tenants/*/settings'] });
  t.deepEqual(layout.classify('app/config/db'), { role: 'config', key: 'app/config/db' });
  t.deepEqual(layout.classify('app/flags'), { role: 'config', key: 'app/flags' });
  t.deepEqual(layout.classify('tenants/t1/settings'), { role: 'config', key: 'tenants/t1/settings' });
  t.deepEqual(layout.classify('brokers/ids/1'), kafka.classify('brokers/ids/1'));
  t.true(layout.configDiff?.('app/flags'));
  t.false(layout.configDiff?.('app/config/db'));
  t.true(layout.watch.leaves.includes('app/flags'));
  const plan = indexWatchPlan(layout.watch);
  t.true(plan.isWatchedLeaf('app/config/db'));
  t.true(plan.isContainer('tenants/t1'));
  t.true(plan.isWatchedLeaf('tenants/t1/settings'));
  t.false(plan.isWatchedLeaf('tenants/t1/other'));
  t.like(layout.capabilities, { config: true, locks: false, partitions: true });
});

test('withLocksAndConfig on zkpulse: a config glob inside config/ only adds the diff', (t) => {
  t.is(checkLocksAndConfig(zkpulseLayout, { config: [{ path: 'config/flags', diff: true }] }), null);
  const layout = withLocksAndConfig(zkpulseLayout, { config: [{ path: 'config/flags', diff: true }] });
  t.true(layout.configDiff?.('config/flags'));
  t.false(layout.configDiff?.('config/db'));
  t.is(zkpulseLayout.configDiff, undefined);
});

const overlaps: Array<[string, Layout, Parameters<typeof checkLocksAndConfig>[1], { key: (string | number)[]; reason: string }]> = [
  ['a lock on the election', zkpulseLayout, { locks: ['election'] }, { key: ['locks', 0], reason: '"election" would match "election", a node of the zkpulse layout: give a path the layout does not use' }],
  ['config on a worker', zkpulseLayout, { config: ['workers/w1'] }, { key: ['config', 0], reason: '"workers/w1" would match "workers/w1", a node of the zkpulse layout: give a path the layout does not use' }],
  ['config on the master', zkpulseLayout, { config: [{ path: 'mas*' }] }, { key: ['config', 0, 'path'], reason: '"mas*" would match "master", a node of the zkpulse layout: give a path the layout does not use' }],
  ['config on every child of a latch', latch, { locks: ['locks/*'], config: ['*'] }, { key: ['config', 0], reason: '"*" may match children of the cluster root, watched by the curator-leader-latch layout: give a path the layout does not use' }],
  ['kafka broker ids', kafka, { config: ['brokers/ids/*'] }, { key: ['config', 0], reason: '"brokers/ids/*" may match children of "brokers/ids", watched by the kafka layout: give a path the layout does not use' }],
  ['a config glob over a lock', latch, { locks: ['locks/*'], config: ['locks/*/*'] }, { key: ['config', 0], reason: '"locks/*/*" may match the same nodes as the lock glob "locks/*" or its contenders: give each a path of its own' }],
  ['a bad glob', latch, { locks: ['ok/*', 'locks/[a-'] }, { key: ['locks', 1], reason: 'segment 2 "[a-" has a "[" without its "]"' }],
];
for (const [name, base, spec, problem] of overlaps) {
  test(`checkLocksAndConfig: ${name} is refused naming the key`, (t) => {
    t.deepEqual(checkLocksAndConfig(base, spec), problem);
  });
}

test('configFingerprint: sha256 of the exact bytes, nothing of the data; null over the limit', (t) => {
  const bytes = Buffer.from('{"password":"hunter2","port":5432}');
  const fp = configFingerprint(bytes, { diff: false });
  t.deepEqual(fp, { digest: createHash('sha256').update(bytes).digest('hex') });
  t.false(JSON.stringify(fp).includes('hunter2'));
  t.deepEqual(configFingerprint(bytes, { diff: true, maxBytes: bytes.length - 1 }), { digest: null });
  t.deepEqual(configFingerprint(null, { diff: true }), { digest: null });
  t.is(configFingerprint(Buffer.alloc(0), { diff: false }).digest, createHash('sha256').update('').digest('hex'));
});

test('configFingerprint with diff: one short digest per top-level field, key order inside values ignored', (t) => {
  const a = configFingerprint(Buffer.from('{"password":"hunter2","pool":{"min":1,"max":5},"__proto__":1}'), { diff: true });
  const b = configFingerprint(Buffer.from('{"password":"hunter3","pool":{"max":5,"min":1},"__proto__":1}'), { diff: true });
  t.deepEqual(Object.keys(a.fields ?? {}).sort(), ['__proto__', 'password', 'pool']);
  for (const v of Object.values(a.fields ?? {})) t.regex(v, new RegExp(`^[0-9a-f]{${FIELD_DIGEST_HEX}}$`));
  t.not(a.fields?.password, b.fields?.password);
  t.is(a.fields?.pool, b.fields?.pool);
  t.false(JSON.stringify(a).includes('hunter2'));
  // not a JSON object: the digest only
  t.deepEqual(Object.keys(configFingerprint(Buffer.from('[1,2]'), { diff: true })), ['digest']);
  t.deepEqual(Object.keys(configFingerprint(Buffer.from('db=x'), { diff: true })), ['digest']);
  t.deepEqual(Object.keys(configFingerprint(Buffer.from([0xff, 0xfe]), { diff: true })), ['digest']);
  // nesting deeper than the stack gives no diff instead of throwing
  const deep = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  t.notThrows(() => configFingerprint(Buffer.from(deep), { diff: true }));
});
