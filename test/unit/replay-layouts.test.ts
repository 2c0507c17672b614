/**
 * A cluster's layout through record and replay: the recorder writes a non-zkpulse layout beside the
 * cluster's root, and a replay without --config reads the recording with that same layout.
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Recorder } from '../../collector/recorder.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import { clustersInRecordings, loadReplayConfig } from '../../replay/config.ts';
import { readLines } from '../../replay/lines.ts';
import { BadRecordError, replay } from '../../replay/replay.ts';
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../../collector/config.ts';

const T0 = 1_700_000_000_000;
const stat = (czxid: string) => ({ czxid, mzxid: czxid, ctime: T0, mtime: T0, version: 0, cversion: 0, ephemeralOwner: '00000000000000a1', dataLength: 3, numChildren: 0 });
const SPEC = { members: { path: 'pool/members', pattern: 'm-*' }, data: 'text' as const };
/** a member of the in-house layout joins and its node goes: WorkerLost, only if the replay knows the layout */
const EVENTS: WatchEvent[] = [
  { kind: 'connection', state: 'connected', time: T0, sessionId: '00000000000000aa' },
  { kind: 'added', cluster: 'inhouse', path: 'pool/members/m-1', stat: stat('3'), data: 'm-1', time: T0 + 10 },
  { kind: 'synced', cluster: 'inhouse', time: T0 + 20, nodes: 1 },
  { kind: 'removed', cluster: 'inhouse', path: 'pool/members/m-1', stat: stat('3'), data: 'm-1', time: T0 + 5000 },
];

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-replay-layouts-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function record(file: string, layouts?: Record<string, string | object>): Promise<void> {
  const recorder = new Recorder(file, { roots: { inhouse: '/inhouse' }, ...(layouts ? { layouts } : {}) });
  for (const e of EVENTS) recorder.record(e);
  await recorder.close();
}

test('the recorder writes a custom layout beside the root, on the cluster\'s first line only', async (t) => {
  const file = join(tempDir(t), 'r.ndjson');
  await record(file, { inhouse: SPEC });
  const lines = [...readLines(file)].map((l) => JSON.parse(l.text) as { root?: string; layout?: unknown });
  t.deepEqual(lines.map((l) => l.layout), [undefined, SPEC, undefined, undefined]);
  t.deepEqual(clustersInRecordings([file]), [{ name: 'inhouse', root: '/inhouse', layout: SPEC }]);
});

test('a replay without --config uses the recorded layout: the member\'s loss is WorkerLost', async (t) => {
  const dir = tempDir(t);
  const withLayout = join(dir, 'with.ndjson');
  await record(withLayout, { inhouse: SPEC });
  const config = loadReplayConfig(undefined, () => clustersInRecordings([withLayout]));
  t.is(config.collect.layouts?.inhouse?.layout.name, 'custom');
  const result = await replay({ files: [withLayout], config });
  t.deepEqual(result.notifications.map((n) => [n.status, n.alerts[0]?.labels.alertname, n.alerts[0]?.labels.worker]), [
    ['firing', 'WorkerLost', 'm-1'],
    ['resolved', 'WorkerLost', 'm-1'],
  ]);

  // the same events recorded without the layout are read as zkpulse: pool/members/m-1 is nothing to it
  const without = join(dir, 'without.ndjson');
  await record(without);
  const plain = await replay({ files: [without], config: loadReplayConfig(undefined, () => clustersInRecordings([without])) });
  t.deepEqual(plain.notifications, []);
});

test('a bad layout in a recording is one line naming it as the recording\'s', (t) => {
  const err = t.throws(() => loadReplayConfig(undefined, () => [{ name: 'inhouse', root: '/inhouse', layout: { members: { path: '/abs' } } }]), { instanceOf: ConfigError });
  t.is(err?.message, 'recording: clusters.inhouse.layout.members.path: must be relative to the cluster root (no leading "/"), got "/abs"');
});

test('a --config that gives a cluster another layout than the recording had is refused, naming the line', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'r.ndjson');
  await record(file, { inhouse: SPEC });
  const yaml = join(dir, 'zkpulse.yaml');
  writeFileSync(yaml, 'clusters:\n  inhouse: /inhouse\n');
  const err = await t.throwsAsync(replay({ files: [file], config: loadReplayConfig(yaml, () => []) }), { instanceOf: BadRecordError });
  t.is(err?.message, `${file}:2: cluster "inhouse" was recorded with the layout custom (inline), the config gives zkpulse: replay with the collector's config, or without --config`);

  // the collector's own config (the same inline layout) replays
  writeFileSync(yaml, 'clusters:\n  inhouse:\n    root: /inhouse\n    layout: {members: {path: pool/members, pattern: "m-*"}, data: text}\n');
  const same = await replay({ files: [file], config: loadReplayConfig(yaml, () => []) });
  t.is(same.notifications.length, 2);
});
