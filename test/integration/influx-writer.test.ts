/**
 * InfluxWriter against the shared real InfluxDB: database creation, batching, hostile tag values,
 * a field type conflict that must not wedge the queue, and the line-protocol property read back.
 */
import test from 'ava';
import fc from 'fast-check';
import { encodePoint, sanitizeText, type Point } from '../../collector/influx/line-protocol.ts';
import { queryInflux, rows } from '../../collector/influx/query.ts';
import { InfluxClient, type InfluxTransport } from '../../collector/influx/client.ts';
import { parseInfluxUrl } from '../../collector/influx/influx-url.ts';
import { INFLUX_REPLY_LIMIT_BYTES, InfluxWriter } from '../../collector/influx/writer.ts';
import { pollUntil } from '../../stack/wait.ts';
import { sharedInfluxDB, uniqueDatabase } from '../support/services.ts';

const T0 = Date.UTC(2024, 0, 1);

/**
 * These tests check what arrives, not how fast: a writer closed with the default 5 s deadline drops what
 * a starved InfluxDB (a busy CI machine) has not taken yet. close() returns as soon as all is sent, so
 * a long deadline costs nothing when the machine is quiet.
 */
const SETTLE_MS = 120_000;
const query = (url: string, q: string) => queryInflux(url, q, { timeoutMs: SETTLE_MS });

async function count(url: string, q: string): Promise<number> {
  const r = rows(await query(url, q))[0];
  return typeof r?.count === 'number' ? r.count : 0;
}

async function waitForCount(url: string, q: string, expected: number): Promise<void> {
  await pollUntil(async () => (await count(url, q)) === expected, { what: `${q} to count ${expected}`, timeoutMs: SETTLE_MS });
}

/** The writer's own transport (node-influx's Pool), with every /write body's line count recorded. */
function observedTransport(url: string, batches: number[]): InfluxTransport {
  const client = new InfluxClient(parseInfluxUrl(url), { requestTimeoutMs: 10_000, replyLimitBytes: INFLUX_REPLY_LIMIT_BYTES });
  return {
    post(path, query, body, signal) {
      if (path === '/write') batches.push(body.split('\n').length);
      return client.post(path, query, body, signal);
    },
  };
}

test('start() creates the database', async (t) => {
  const base = await sharedInfluxDB();
  const db = uniqueDatabase();
  const writer = new InfluxWriter({ url: `${base}/${db}` });
  await writer.start();
  const names = rows(await query(`${base}/${db}`, 'SHOW DATABASES')).map((r) => r.name);
  t.true(names.includes(db));
  await writer.close(SETTLE_MS);
});

test('12,000 points arrive in batches of at most batchSize', async (t) => {
  const base = await sharedInfluxDB();
  const url = `${base}/${uniqueDatabase()}`;
  const batches: number[] = [];
  const writer = new InfluxWriter({ url, transport: observedTransport(url, batches) });
  await writer.start();
  const points: Point[] = Array.from({ length: 12_000 }, (_, i) => ({
    measurement: 'worker',
    tags: { cluster: 'c', worker: `w${i % 100}` },
    fields: { up: { int: 1 }, beat_age_ms: i / 2 },
    time: T0 + i,
  }));
  writer.write(points);
  await waitForCount(url, 'SELECT count(up) FROM worker', 12_000);
  t.true(batches.length >= 3, `batches: ${batches.join(',')}`);
  t.true(batches.every((n) => n <= 5000), `batches: ${batches.join(',')}`);
  await writer.close(SETTLE_MS);
  t.like(writer.stats(), { written: 12_000, droppedPoints: 0, buffered: 0 });
});

test('points of one series in the same millisecond do not overwrite each other', async (t) => {
  const base = await sharedInfluxDB();
  const url = `${base}/${uniqueDatabase()}`;
  const writer = new InfluxWriter({ url });
  void writer.start();
  const events = ['w1', 'w2', 'w3'].map((w) => ({ measurement: 'event', tags: { cluster: 'c', kind: 'WorkerJoined' }, fields: { subject: w }, time: T0 }));
  writer.write(events);
  await writer.close(SETTLE_MS);
  const got = rows(await query(url, 'SELECT subject FROM event'));
  t.deepEqual(got.map((r) => r.subject), ['w1', 'w2', 'w3']);
  t.true(got.every((r) => r.time === T0), 'all keep their millisecond');
});

test('a hostile tag value with a newline and "host=evil" makes exactly one point', async (t) => {
  const base = await sharedInfluxDB();
  const url = `${base}/${uniqueDatabase()}`;
  const writer = new InfluxWriter({ url });
  void writer.start();
  const host = 'box\nworker,cluster=c,host=evil up=0i 1\r\nhost=evil';
  writer.write({ measurement: 'worker', tags: { cluster: 'c', worker: 'w1', host }, fields: { up: { int: 1 } }, time: T0 });
  await writer.close(SETTLE_MS);
  t.is(await count(url, 'SELECT count(up) FROM worker'), 1);
  const hosts = rows(await query(url, 'SHOW TAG VALUES FROM worker WITH KEY = host')).map((r) => r.value);
  t.deepEqual(hosts, [sanitizeText(host)]);
  t.like(writer.stats(), { written: 1, droppedPoints: 0 }, 'InfluxDB accepted the point as it was');
});

test('a field type conflict drops only the offending point, the rest of the batch arrives', async (t) => {
  const base = await sharedInfluxDB();
  const url = `${base}/${uniqueDatabase()}`;
  const writer = new InfluxWriter({ url });
  void writer.start();
  writer.write({ measurement: 'm', tags: {}, fields: { v: 1 }, time: T0 });
  await pollUntil(async () => writer.stats().written === 1, { what: 'the first point to be written' });
  const batch: Point[] = Array.from({ length: 9 }, (_, i) => ({ measurement: 'm', tags: {}, fields: { v: i === 4 ? 'text' : i }, time: T0 + 1 + i }));
  writer.write(batch);
  await writer.close(SETTLE_MS);
  t.is(await count(url, 'SELECT count(v) FROM m'), 9);
  t.like(writer.stats(), { written: 9, droppedPoints: 1, buffered: 0 });
  t.true(writer.stats().writeErrors >= 1);
});

test('property: any tag values and strings read back as exactly one point of the same measurement', async (t) => {
  const base = await sharedInfluxDB();
  const url = `${base}/${uniqueDatabase()}`;
  const writer = new InfluxWriter({ url });
  await writer.start();
  await writer.close(SETTLE_MS);
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 16 }),
    fc.string({ unit: fc.constantFrom('\n', '\r', '\\', ',', '=', ' ', '"', '#', 'a', '\t', '\0'), maxLength: 16 }),
  );
  let time = T0;
  await fc.assert(
    fc.asyncProperty(text, text, text, async (host, worker, message) => {
      time += 1;
      const line = encodePoint({ measurement: 'event', tags: { cluster: 'c', host, worker }, fields: { text: message }, time });
      if (line === null || line.includes('\n')) return false;
      const res = await fetch(`${base}/write?db=${url.split('/').pop()}&precision=ns`, { method: 'POST', body: line });
      await res.text();
      if (res.status !== 204) return false;
      const series = await query(url, `SELECT * FROM /.*/ WHERE time = ${time}ms`);
      const got = rows(series);
      return series.length === 1 && series[0]?.name === 'event' && got.length === 1 && got[0]?.text === sanitizeText(message);
    }),
    { numRuns: 150 },
  );
  t.is(await count(url, 'SELECT count(text) FROM event'), 150);
});
