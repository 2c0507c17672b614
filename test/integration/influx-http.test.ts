/**
 * InfluxWriter's HTTP behaviour against a real HTTP server that plays a failing InfluxDB:
 * 5xx answers are retried with growing backoff, one request at a time, and URL credentials travel
 * as Basic auth.
 */
import test from 'ava';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { queryInflux } from '../../collector/influx/query.ts';
import { InfluxWriter, type Timers } from '../../collector/influx/writer.ts';
import { pollUntil } from '../../stack/wait.ts';

interface Seen {
  path: string;
  authorization: string | undefined;
  body: string;
}

async function fakeInflux(answer: (seen: Seen, n: number) => number): Promise<{ url: string; seen: Seen[]; maxConcurrent: () => number; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  let active = 0;
  let maxActive = 0;
  const server = http.createServer((req, res) => {
    active++;
    maxActive = Math.max(maxActive, active);
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const s = { path: req.url ?? '', authorization: req.headers.authorization, body };
      seen.push(s);
      const status = answer(s, seen.length);
      res.writeHead(status, { 'content-type': 'application/json' });
      active--;
      res.end(status >= 300 ? '{"error":"overloaded"}' : status === 200 ? '{"results":[{"statement_id":0}]}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    maxConcurrent: () => maxActive,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

test('5xx answers are retried with exponential backoff, one request at a time, with Basic auth', async (t) => {
  let failures = 3;
  const influx = await fakeInflux((s) => (s.path.startsWith('/write') && failures-- > 0 ? 503 : s.path.startsWith('/write') ? 204 : 200));
  t.teardown(influx.close);
  const delays: number[] = [];
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      // backoff waits are shortened; the request timeout (10 s) and close deadline (5 s) are not
      if (ms >= 5000) return setTimeout(fn, ms);
      delays.push(ms);
      return setTimeout(fn, Math.min(ms, 20));
    },
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  const writer = new InfluxWriter({ url: `${influx.url.replace('//', '//bob:s%40cret@')}/metrics?rp=short`, timers, flushIntervalMs: 1000 });
  await writer.start();
  writer.write([
    { measurement: 'm', tags: {}, fields: { v: 1 }, time: 1 },
    { measurement: 'm', tags: {}, fields: { v: 2 }, time: 2 },
  ]);
  await pollUntil(async () => writer.stats().written === 2, { what: 'both points to be written', timeoutMs: 10_000 });
  await writer.close();

  const writes = influx.seen.filter((s) => s.path.startsWith('/write'));
  t.is(writes.length, 4);
  t.true(writes.every((s) => s.body === 'm v=1 1000000\nm v=2 2000000'));
  t.true(writes.every((s) => s.path.includes('db=metrics') && s.path.includes('rp=short') && s.path.includes('precision=ns')));
  t.true(influx.seen.every((s) => s.authorization === `Basic ${Buffer.from('bob:s@cret').toString('base64')}`));
  t.regex(influx.seen[0]?.body ?? '', /q=CREATE\+DATABASE\+%22metrics%22/);
  t.deepEqual(delays.filter((ms) => ms !== 1000), [200, 400, 800], 'backoff doubles from 200 ms');
  t.is(influx.maxConcurrent(), 1);
  t.like(writer.stats(), { written: 2, writeErrors: 3, droppedPoints: 0, buffered: 0 });
});

test('start() keeps creating the database until InfluxDB answers', async (t) => {
  let failures = 2;
  const influx = await fakeInflux(() => (failures-- > 0 ? 500 : 200));
  t.teardown(influx.close);
  const timers: Timers = {
    setTimeout: (fn, ms) => setTimeout(fn, ms >= 5000 ? ms : Math.min(ms, 20)),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  const writer = new InfluxWriter({ url: influx.url, timers });
  await writer.start();
  t.is(influx.seen.length, 3);
  t.true(influx.seen.every((s) => s.path.startsWith('/query') && s.path.includes('db=zkpulse')));
  await writer.close();
});

test('close() ends within its deadline while an error reply trickles in and never ends', async (t) => {
  // node-influx waits for the end of a 4xx body (pool.js RequestError.Create) and has no deadline of its own
  // once the reply has begun: only the writer's abort ends this request
  let started: () => void = () => {};
  const replying = new Promise<void>((resolve) => (started = resolve));
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(400, { 'content-type': 'application/json' });
    const trickle = setInterval(() => res.write(' '), 50);
    res.on('close', () => clearInterval(trickle));
    started();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const writer = new InfluxWriter({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/db` });
  void writer.start();
  writer.write({ measurement: 'm', tags: {}, fields: { v: 1 }, time: 1 });
  await replying;
  const DEADLINE_MS = 300;
  const began = performance.now();
  await writer.close(DEADLINE_MS);
  const took = performance.now() - began;
  // the request timeout (10 s) is the next thing that would end it; the reply itself never does
  t.true(took < 5000, `close() took ${took.toFixed(0)} ms`);
  t.like(writer.stats(), { written: 0, droppedPoints: 1, buffered: 0 });
});

test('queryInflux: Basic auth from user:password, and none without (node-influx would send root:root)', async (t) => {
  const influx = await fakeInflux(() => 200);
  t.teardown(influx.close);
  await queryInflux(`${influx.url}/metrics`, 'SHOW MEASUREMENTS');
  await queryInflux(`${influx.url.replace('//', '//bob:s%40cret@')}/metrics`, 'SHOW MEASUREMENTS');
  t.deepEqual(
    influx.seen.map((s) => s.authorization),
    [undefined, `Basic ${Buffer.from('bob:s@cret').toString('base64')}`],
  );
  t.true(influx.seen.every((s) => s.path.startsWith('/query?') && s.path.includes('db=metrics') && s.path.includes('epoch=ms')));
});
