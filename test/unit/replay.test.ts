/**
 * zkpulse replay: line validation, determinism (same input, same bytes), bad lines through the CLI
 * (file:line, exit 2), --skip-bad, and the recorder's rotation read back by the replayer.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Recorder, rotatedPath } from '../../collector/recorder.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import { clustersInRecordings, loadReplayConfig } from '../../replay/config.ts';
import { parseRecordLine, recordLine } from '../../collector/record-schema.ts';
import { readLines } from '../../replay/lines.ts';
import { BadRecordError, replay } from '../../replay/replay.ts';
import { syntheticEvents, writeSyntheticRecording } from '../../bench/replay/synthetic.ts';

const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-replay-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const T0 = 1_700_000_000_000;
const stat = (czxid: string, owner = '00000000000000a1') => ({ czxid, mzxid: czxid, ctime: T0, mtime: T0, version: 0, cversion: 0, ephemeralOwner: owner, dataLength: 0, numChildren: 0 });
/** a worker that joins and crashes: WorkerLost fires, and resolves after resolveAfter (5 min) */
const CRASH: WatchEvent[] = [
  { kind: 'connection', state: 'connected', time: T0, sessionId: '00000000000000aa' },
  { kind: 'added', cluster: 'app', path: 'workers/w1', stat: stat('3'), data: JSON.stringify({ id: 'w1', heartbeatMs: 1000, state: 'ready' }), time: T0 + 10 },
  { kind: 'synced', cluster: 'app', time: T0 + 20, nodes: 1 },
  { kind: 'removed', cluster: 'app', path: 'workers/w1', stat: stat('3'), data: JSON.stringify({ id: 'w1', heartbeatMs: 1000, state: 'ready' }), time: T0 + 5000 },
];

/** the cluster "app" with MasterMissing off (the test recordings have no master) */
function appConfig(dir: string): string {
  const file = join(dir, 'app.yaml');
  writeFileSync(file, 'clusters:\n  app: /app\nalerts:\n  defaults:\n    MasterMissing: { enabled: false }\n');
  return file;
}

function runCli(args: string[]) {
  return spawnSync(process.execPath, [BIN, 'replay', ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('parseRecordLine: names what is wrong', (t) => {
  for (const e of CRASH) {
    const parsed = parseRecordLine(recordLine(e));
    t.true(parsed.ok);
    if (parsed.ok) t.like(parsed.event, e);
  }
  // a field of the wrong type on the fast path still goes to zod, which names it
  const wrong = parseRecordLine(recordLine(CRASH[1]!).replace('"version":0', '"version":"0"'));
  t.deepEqual(wrong, { ok: false, problem: 'stat.version: Invalid input: expected number, received string' });
  const bad = (text: string) => {
    const r = parseRecordLine(text);
    return r.ok ? 'ok' : r.problem;
  };
  t.regex(bad('{"v":1,"kind":"conn'), /^not JSON: /);
  t.is(bad('{"v":1,"kind":"x","time":1}'), 'unknown kind "x"');
  t.is(bad('{"v":2,"kind":"connection","state":"connected","time":1}'), 'unsupported schema version 2');
  t.is(bad('{"kind":"connection","state":"connected","time":1}'), 'missing schema version "v"');
  t.is(bad('[1,2]'), 'not a JSON object');
  t.regex(bad('{"v":1,"kind":"added","cluster":"app","path":"workers/w1","data":null,"time":1}'), /^stat: /);
  t.regex(bad('{"v":1,"kind":"connection","state":"sleepy","time":1}'), /^state: /);
});

test('readLines: numbers lines, handles CRLF, long lines and an unterminated last line', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'f.ndjson');
  const long = 'x'.repeat(9 * 1024 * 1024);
  writeFileSync(file, `a\r\n\n${long}\nlast`);
  const lines = [...readLines(file)];
  t.deepEqual(lines.map((l) => [l.number, l.text.length, l.unterminated]), [[1, 1, false], [2, 0, false], [3, long.length, false], [4, 4, true]]);
});

test('replay: a crash gives WorkerLost firing then resolved, at virtual times from the recording', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'crash.ndjson');
  writeFileSync(file, CRASH.map(recordLine).join(''));
  const result = await replay({ files: [file], config: loadReplayConfig(appConfig(dir), () => []) });
  t.deepEqual(result.notifications.map((n) => [n.receiver, n.status, n.alerts[0]?.labels.alertname, n.alerts[0]?.labels.worker]), [
    ['replay', 'firing', 'WorkerLost', 'w1'],
    ['replay', 'resolved', 'WorkerLost', 'w1'],
  ]);
  const [firing, resolved] = result.notifications;
  // evaluated each second from T0, group_wait 30 s; resolved 5 min after the crash
  t.is(Date.parse(firing!.alerts[0]!.startsAt), T0 + 6000);
  t.is(Date.parse(firing!.at), T0 + 36_000);
  t.is(Date.parse(resolved!.alerts[0]!.endsAt), T0 + 5000 + 5 * 60_000);
  t.is(result.events, 4);
  t.is(result.endTime, T0 + 5000 + 10 * 60_000);
});

test('replay is deterministic: the same recording twice gives the same bytes', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'synthetic.ndjson');
  await writeSyntheticRecording(file, { events: 20_000, workers: 100, seed: 3 });
  const config = loadReplayConfig(undefined, () => ['bench']);
  const run = async () => (await replay({ files: [file], config, tailMs: 60_000 })).notifications.map((n) => JSON.stringify(n) + '\n').join('');
  const first = await run();
  const second = await run();
  t.true(first.length > 0, 'the synthetic recording has crashes: something is notified');
  t.is(first, second);
});

test('replay: a bad line throws BadRecordError naming file and line; skipBad reports it and goes on', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'bad.ndjson');
  const lines = CRASH.map(recordLine);
  lines.splice(2, 0, '{"v":1,"kind":"x","time":1}\n');
  writeFileSync(file, lines.join(''));
  const config = loadReplayConfig(appConfig(dir), () => []);
  const err = await t.throwsAsync(replay({ files: [file], config }), { instanceOf: BadRecordError });
  t.is(err?.message, `${file}:3: unknown kind "x"`);
  const reported: string[] = [];
  const result = await replay({ files: [file], config, skipBad: true, onBadLine: (m) => reported.push(m) });
  t.deepEqual(reported, [`${file}:3: unknown kind "x"`]);
  t.is(result.badLines, 1);
  t.is(result.events, 4);
  t.is(result.notifications.length, 2);
});

test('CLI: a truncated last line → "file:N: truncated line: not JSON", exit 2, nothing on stdout', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cut.ndjson');
  const text = CRASH.map(recordLine).join('');
  writeFileSync(file, text.slice(0, text.length - 40));
  const r = runCli([file]);
  t.is(r.status, 2, r.stderr);
  t.regex(r.stderr.trim(), new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: truncated line: not JSON: `));
  t.is(r.stdout, '');
});

test('CLI: an unsupported schema version → exit 2 with the line number; --skip-bad goes on and prints', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'v2.ndjson');
  const lines = CRASH.map(recordLine);
  lines[1] = lines[1]!.replace('"v":1', '"v":2');
  writeFileSync(file, lines.join(''));
  const r = runCli([file]);
  t.is(r.status, 2);
  t.is(r.stderr.trim(), `${file}:2: unsupported schema version 2`);
  const skip = runCli([file, '--skip-bad', '--tail', '1m', '--config', appConfig(dir)]);
  t.is(skip.status, 0, skip.stderr);
  t.is(skip.stderr.trim(), `${file}:2: unsupported schema version 2`);
  // w1's "added" was the bad line: its removal alone changes nothing, so nothing is notified
  t.is(skip.stdout, '');
  const good = join(dir, 'good.ndjson');
  writeFileSync(good, CRASH.map(recordLine).join(''));
  const ok = runCli([good, '--tail', '6m', '--config', appConfig(dir)]);
  t.is(ok.status, 0, ok.stderr);
  const out = ok.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string; receiver: string });
  t.deepEqual(out.map((n) => n.status), ['firing', 'resolved']);
});

test('CLI: a bad --config value is one line naming the key, exit 2', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'f.ndjson');
  writeFileSync(file, CRASH.map(recordLine).join(''));
  const config = join(dir, 'c.yaml');
  writeFileSync(config, 'alerts:\n  evalInterval: soon\n');
  const r = runCli([file, '--config', config]);
  t.is(r.status, 2);
  t.regex(r.stderr.trim(), /^alerts\.evalInterval: /);
});

test('Recorder: rotates by size (f.ndjson → f.1.ndjson ...), keeps N files, and replaying them oldest first gives every event', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'rec.ndjson');
  const recorder = new Recorder(path, { maxBytes: 20_000, keep: 3 });
  const events = [...syntheticEvents({ events: 400, workers: 10, seed: 5 })];
  for (const e of events) recorder.record(e);
  await recorder.close();
  t.is(rotatedPath(path, 2), join(dir, 'rec.2.ndjson'));
  const files = [3, 2, 1].map((n) => rotatedPath(path, n)).concat(path);
  for (const f of files) t.true(existsSync(f), f);
  t.false(existsSync(rotatedPath(path, 4)), 'older files are deleted');
  for (const f of files) t.true(readFileSync(f).length <= 20_000, `${f} is within maxBytes`);
  // what is kept is the newest events, whole lines, in order
  const kept = files.flatMap((f) => [...readLines(f)].map((l) => l.text));
  t.true(kept.length > 0 && kept.length < events.length);
  t.deepEqual(kept, events.slice(events.length - kept.length).map((e) => recordLine(e).trimEnd()));
  const result = await replay({ files, config: loadReplayConfig(undefined, () => ['bench']), tailMs: 0 });
  t.is(result.events, kept.length);
});

test('Recorder: an unwritable path never throws; the error is reported once and recording stops', async (t) => {
  const errors: Error[] = [];
  const recorder = new Recorder('/nonexistent-dir/rec.ndjson', { onError: (e) => errors.push(e) });
  t.notThrows(() => recorder.record(CRASH[0]!));
  await recorder.close();
  t.is(errors.length, 1);
  t.truthy(recorder.error);
});

/** the master of cluster "x" comes and goes: MasterMissing fires, its description names the master znode */
const MASTER_GONE: WatchEvent[] = [
  { kind: 'connection', state: 'connected', time: T0, sessionId: '00000000000000aa' },
  { kind: 'added', cluster: 'x', path: 'master', stat: stat('7'), data: JSON.stringify({ id: 'm1', since: T0 }), time: T0 + 10 },
  { kind: 'synced', cluster: 'x', time: T0 + 20, nodes: 1 },
  { kind: 'removed', cluster: 'x', path: 'master', stat: stat('7'), data: JSON.stringify({ id: 'm1', since: T0 }), time: T0 + 1000 },
];

test('Recorder writes each cluster\'s root; replay without --config names the real master path', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'x.ndjson');
  const recorder = new Recorder(file, { roots: { x: '/apps/x' } });
  for (const e of MASTER_GONE) recorder.record(e);
  await recorder.close();
  const lines = [...readLines(file)].map((l) => JSON.parse(l.text) as { root?: string });
  t.deepEqual(lines.map((l) => l.root), [undefined, '/apps/x', undefined, undefined], 'the first line of the cluster carries the root');
  const r = runCli([file, '--tail', '2m']);
  t.is(r.status, 0, r.stderr);
  const missing = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { alerts: { labels: Record<string, string>; annotations: Record<string, string> }[] })
    .flatMap((n) => n.alerts).find((a) => a.labels.alertname === 'MasterMissing');
  t.is(missing?.annotations.description, '/apps/x/master does not exist: no process holds the master role.');
});

test('a recording without roots (older files) replays with "/<name>"; a bad recorded root names the line', (t) => {
  const dir = tempDir(t);
  const old = join(dir, 'old.ndjson');
  writeFileSync(old, MASTER_GONE.map(recordLine).join(''));
  const r = runCli([old, '--tail', '2m']);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /"description":"\/x\/master does not exist/);
  const bad = join(dir, 'bad.ndjson');
  writeFileSync(bad, MASTER_GONE.map((e, i) => (i === 1 ? recordLine(e).replace('{"v":1,', '{"v":1,"root":"apps/x",') : recordLine(e))).join(''));
  const b = runCli([bad]);
  t.is(b.status, 2);
  t.is(b.stderr.trim(), `${bad}:2: root: root must start with "/"`);
});

test('Recorder with roots: after every rotation the first line of each cluster in the new file carries its root', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'rec.ndjson');
  const recorder = new Recorder(path, { maxBytes: 20_000, keep: 3, roots: { bench: '/apps/bench' } });
  const events = [...syntheticEvents({ events: 400, workers: 10, seed: 5 })];
  for (const e of events) recorder.record(e);
  await recorder.close();
  const files = [3, 2, 1].map((n) => rotatedPath(path, n)).concat(path);
  for (const f of files) {
    const parsed = [...readLines(f)].map((l) => JSON.parse(l.text) as { cluster?: string; root?: string });
    const first = parsed.findIndex((p) => p.cluster === 'bench');
    t.true(first >= 0, f);
    t.is(parsed[first]?.root, '/apps/bench', `${f}: the first line of the cluster`);
    t.true(parsed.every((p, i) => i === first || p.root === undefined), `${f}: only that line`);
    t.true(readFileSync(f).length <= 20_000, `${f} is within maxBytes`);
  }
  const result = await replay({ files: [path], config: loadReplayConfig(undefined, () => clustersInRecordings([path])), tailMs: 0 });
  t.true(result.events > 0);
  t.deepEqual(clustersInRecordings([path]), [{ name: 'bench', root: '/apps/bench' }]);
});
