/**
 * InfluxWriter while its InfluxDB is down: a private InfluxDB (not the shared one) is SIGKILLed and
 * restarted. Points written meanwhile arrive afterwards with their original timestamps, and the
 * buffer keeps only the newest maxBuffer points.
 */
import test from 'ava';
import { queryInflux, rows } from '../../collector/influx/query.ts';
import type { Point } from '../../collector/influx/line-protocol.ts';
import { InfluxWriter } from '../../collector/influx/writer.ts';
import { startInfluxDB, type RunningInfluxDB } from '../../stack/index.ts';
import { pollUntil } from '../../stack/wait.ts';
import { uniqueDatabase } from '../support/services.ts';

const T0 = Date.UTC(2024, 0, 1);
let influx: RunningInfluxDB | undefined;

test.before(async () => {
  influx = await startInfluxDB();
});

test.after.always(async () => {
  await influx?.stop();
});

function server(): RunningInfluxDB {
  if (influx === undefined) throw new Error('InfluxDB did not start');
  return influx;
}

const points = (from: number, n: number): Point[] =>
  Array.from({ length: n }, (_, i) => ({ measurement: 'm', tags: { cluster: 'c' }, fields: { v: { int: from + i } }, time: T0 + from + i }));

async function times(url: string): Promise<number[]> {
  return rows(await queryInflux(url, 'SELECT v FROM m')).map((r) => r.time as number);
}

async function untilCount(url: string, n: number): Promise<void> {
  await pollUntil(async () => (await times(url)).length === n, { what: `${n} points in ${url}`, timeoutMs: 60_000 });
}

test.serial('points written while InfluxDB is down arrive after it is back, with their original times', async (t) => {
  const url = `${server().url}/${uniqueDatabase()}`;
  const writer = new InfluxWriter({ url, maxBackoffMs: 500, flushIntervalMs: 100 });
  await writer.start();
  writer.write(points(0, 10));
  await pollUntil(async () => writer.stats().written === 10, { what: 'the first 10 points to be acknowledged' });

  await server().kill('SIGKILL');
  writer.write(points(10, 490));
  await pollUntil(async () => writer.stats().writeErrors > 0, { what: 'the writer to notice the outage' });
  t.is(writer.stats().buffered, 490);

  await server().start();
  await untilCount(url, 500);
  t.deepEqual(await times(url), points(0, 500).map((p) => p.time));
  await writer.close();
  t.like(writer.stats(), { written: 500, droppedPoints: 0, buffered: 0 });
});

test.serial('with maxBuffer=100 and InfluxDB down, 150 points drop the oldest 50 and the newest 100 arrive', async (t) => {
  const url = `${server().url}/${uniqueDatabase()}`;
  const writer = new InfluxWriter({ url, maxBuffer: 100, maxBackoffMs: 500, flushIntervalMs: 100 });
  await writer.start();

  await server().kill('SIGKILL');
  writer.write(points(0, 150));
  t.like(writer.stats(), { droppedPoints: 50, buffered: 100 });

  await server().start();
  await untilCount(url, 100);
  t.deepEqual(await times(url), points(50, 100).map((p) => p.time));
  await writer.close();
  t.like(writer.stats(), { written: 100, droppedPoints: 50, buffered: 0 });
});

test.serial('close() gives up at its deadline while InfluxDB is down and counts what it could not send', async (t) => {
  const url = `${server().url}/${uniqueDatabase()}`;
  const writer = new InfluxWriter({ url, maxBackoffMs: 500 });
  await writer.start();
  await server().kill('SIGKILL');
  writer.write(points(0, 20));
  await writer.close(300);
  t.like(writer.stats(), { written: 0, droppedPoints: 20, buffered: 0 });
  writer.write(points(20, 1));
  t.is(writer.stats().droppedPoints, 21, 'writes after close are dropped');
  await server().start();
});
