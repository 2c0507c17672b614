/**
 * Sequence events, config fingerprints and a cluster's lock/config globs in recordings (docs/contract.md §9):
 * validated strictly, written and read back, and replayed without a throw.
 */
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Recorder } from '../../collector/recorder.ts';
import { parseRecordLine, recordLine } from '../../collector/record-schema.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import { clustersInRecordings, loadReplayConfig } from '../../replay/config.ts';
import { BadRecordError, replay } from '../../replay/replay.ts';

const T0 = 1_700_000_000_000;
const DIGEST = 'a'.repeat(64);
const stat = { czxid: '5', mzxid: '6', ctime: T0, mtime: T0, version: 1, cversion: 0, ephemeralOwner: '0', dataLength: 12, numChildren: 0 };

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-rec-locks-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const EVENTS: WatchEvent[] = [
  { kind: 'connection', state: 'connected', time: T0, sessionId: '00000000000000aa' },
  { kind: 'added', cluster: 'app', path: 'app/flags', stat, data: null, config: { digest: DIGEST, fields: { token: '0123456789abcdef' } }, time: T0 + 1 },
  { kind: 'sequence', cluster: 'app', path: 'locks/nightly', cversion: 2_000_000_000, time: T0 + 2 },
  { kind: 'synced', cluster: 'app', time: T0 + 3, nodes: 1 },
  { kind: 'changed', cluster: 'app', path: 'app/flags', stat: { ...stat, mzxid: '7', version: 2 }, data: null, config: { digest: null }, time: T0 + 4, afterBlind: true },
  { kind: 'sequence', cluster: 'app', path: 'locks/nightly', cversion: null, time: T0 + 5, afterBlind: true },
];

test('sequence events and config fingerprints round-trip through a recording line', (t) => {
  for (const event of EVENTS) {
    const parsed = parseRecordLine(recordLine(event));
    if (!parsed.ok) return t.fail(parsed.problem);
    // the fast path keeps "v", the checked one drops it: consumers read only the event's fields
    const { v: _v, ...read } = parsed.event as WatchEvent & { v?: number };
    t.deepEqual({ ...read }, event);
  }
});

const bad: Array<[string, Record<string, unknown>, string]> = [
  ['a short digest', { ...EVENTS[1], config: { digest: 'abc' } }, 'config.digest: expected a sha256 digest (64 lowercase hex digits)'],
  ['a field digest that is not hex', { ...EVENTS[1], config: { digest: DIGEST, fields: { token: 'hunter2' } } }, 'config.fields.token: expected a hex digest per field'],
  ['fields not a map', { ...EVENTS[1], config: { digest: DIGEST, fields: ['a'] } }, 'config.fields: Invalid input: expected record, received array'],
  ['an unknown key in the fingerprint', { ...EVENTS[1], config: { digest: DIGEST, value: 'x' } }, 'config: Unrecognized key: "value"'],
  ['data beside a fingerprint', { ...EVENTS[1], data: 'the secret' }, 'config: a configuration key carries its fingerprint only: data must be null and dataBase64 absent'],
  ['a cversion that is no number', { ...EVENTS[2], cversion: '5' }, 'cversion: Invalid input: expected number, received string'],
  ['a fractional cversion', { ...EVENTS[2], cversion: 1.5 }, 'cversion: Invalid input: expected int, received number'],
  ['a sequence without a path', { kind: 'sequence', cluster: 'app', cversion: 5, time: T0 }, 'path: Invalid input: expected string, received undefined'],
];
for (const [name, event, problem] of bad) {
  test(`a recorded line with ${name} is refused, naming the field`, (t) => {
    t.deepEqual(parseRecordLine(JSON.stringify({ v: 1, ...event })), { ok: false, problem });
  });
}

test('the recorder writes a cluster\'s locks/config globs beside its root; the replay reads the cluster with them', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'rec.ndjson');
  const recipes = { locks: ['locks/*'], config: ['app/*', { path: 'app2/flags', diff: true }] };
  const recorder = new Recorder(file, { roots: { app: '/apps/x' }, layouts: { app: 'kafka' }, recipes: { app: recipes } });
  for (const e of EVENTS) recorder.record(e);
  await recorder.close();
  const [cluster] = clustersInRecordings([file]);
  t.deepEqual(cluster, { name: 'app', root: '/apps/x', layout: 'kafka', recipes });
  const config = loadReplayConfig(undefined, () => clustersInRecordings([file]));
  t.deepEqual(config.collect.layouts?.app?.recipes, recipes);
  t.deepEqual(config.collect.layouts?.app?.layout.classify('app/flags'), { role: 'config', key: 'app/flags' });
  // the model may not reduce sequences yet: nothing throws, every event is read
  const result = await replay({ files: [file], config, tailMs: 1000 });
  t.is(result.events, EVENTS.length);
});

test('a replay whose config gives other globs than the recording is refused, naming the cluster', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'rec.ndjson');
  const recorder = new Recorder(file, { roots: { app: '/apps/x' }, recipes: { app: { locks: ['mylocks/*'] } } });
  for (const e of EVENTS) recorder.record(e);
  await recorder.close();
  const yaml = join(dir, 'c.yaml');
  writeFileSync(yaml, 'clusters:\n  app: {root: /apps/x, locks: ["otherlocks/*"]}\n');
  const error = await t.throwsAsync(replay({ files: [file], config: loadReplayConfig(yaml, () => []) }), { instanceOf: BadRecordError });
  t.regex(error?.message ?? '', /rec\.ndjson:2: cluster "app" was recorded with other locks\/config globs than the config gives/);
});
