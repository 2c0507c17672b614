/**
 * `zkpulse replay --influx URL` backfills a real InfluxDB at the recording's own times: event
 * points, worker gauges every 10 s of virtual time, and the alert's firing/resolved points.
 */
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runReplay } from '../../cli/replay.ts';
import { queryInflux, rows } from '../../collector/influx/query.ts';
import { recordLine } from '../../collector/record-schema.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import { sharedInfluxDB, uniqueDatabase } from '../support/services.ts';

const T0 = 1_700_000_000_000;
const stat = { czxid: '3', mzxid: '3', ctime: T0, mtime: T0, version: 0, cversion: 0, ephemeralOwner: '00000000000000a1', dataLength: 0, numChildren: 0 };
const data = JSON.stringify({ id: 'w1', heartbeatMs: 1000, state: 'ready' });
const EVENTS: WatchEvent[] = [
  { kind: 'connection', state: 'connected', time: T0, sessionId: '00000000000000aa' },
  { kind: 'added', cluster: 'app', path: 'workers/w1', stat, data, time: T0 + 10 },
  { kind: 'synced', cluster: 'app', time: T0 + 20, nodes: 1 },
  { kind: 'removed', cluster: 'app', path: 'workers/w1', stat, data, time: T0 + 25_000 },
];

test('replay --influx writes points at the original times', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-replay-influx-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'rec.ndjson');
  writeFileSync(file, EVENTS.map(recordLine).join(''));
  const config = join(dir, 'c.yaml');
  writeFileSync(config, 'clusters:\n  app: /app\nalerts:\n  defaults:\n    MasterMissing: { enabled: false }\n    WorkerLost: { resolveAfter: 1m }\n');
  const url = `${await sharedInfluxDB()}/${uniqueDatabase()}`;
  let out = '';
  const sink = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  await runReplay({ files: [file], flags: { config, influx: url, tail: '10m' }, out: sink, err: sink });

  const events = rows(await queryInflux(url, 'SELECT "subject" FROM "event" GROUP BY "kind"'));
  const at = (kind: string) => events.filter((r) => r.kind === kind).map((r) => r.time);
  t.deepEqual(at('WorkerJoined'), [T0 + 10]);
  t.deepEqual(at('WorkerLeft').concat(at('WorkerLost')), [T0 + 25_000]);
  // gauges every 10 s of virtual time from the first event, through the tail
  const ups = rows(await queryInflux(url, `SELECT "up" FROM "worker" WHERE "worker" = 'w1' AND time >= ${T0 + 10_000}ms AND time <= ${T0 + 20_000}ms`));
  t.deepEqual(ups.map((r) => [r.time, r.up]), [[T0 + 10_000, 1], [T0 + 20_000, 1]]);
  const after = rows(await queryInflux(url, `SELECT last("up") FROM "worker" WHERE "worker" = 'w1'`));
  t.is(after[0]?.last, 0);
  const alerts = rows(await queryInflux(url, `SELECT "state" FROM "alert" WHERE "alertname" = 'WorkerLost' ORDER BY time`));
  t.deepEqual(alerts.map((r) => r.state), ['firing', 'resolved']);
  t.true((alerts[0]?.time as number) >= T0 + 25_000 && (alerts[0]?.time as number) < T0 + 27_000, 'firing point at the virtual time of the transition');
  t.is(out.trim().split('\n').length, 2, 'firing and resolved notifications printed');
});
