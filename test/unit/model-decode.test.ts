import test from 'ava';
import fc from 'fast-check';
import {
  decodeCandidate,
  decodeMaster,
  decodeStatus,
  decodeTaskData,
  decodeWorker,
  type Decoded,
} from '../../contract/index.ts';

function reasonOf<T>(r: Decoded<T>): string {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r.value)}`);
  return r.reason;
}

test('a full worker document decodes, extra fields ignored', (t) => {
  const data = JSON.stringify({
    id: 'w1',
    host: 'h1',
    pid: 42,
    startedAt: 1000,
    heartbeatMs: 5000,
    state: 'busy',
    meta: { zone: 'a' },
    extra: [1, 2],
  });
  t.deepEqual(decodeWorker(data, data.length), {
    ok: true,
    value: { id: 'w1', host: 'h1', pid: 42, startedAt: 1000, heartbeatMs: 5000, state: 'busy', meta: { zone: 'a' } },
  });
});

test('missing or null optional worker fields become null; empty data is an empty document', (t) => {
  const nulls = { id: null, host: null, pid: null, startedAt: null, heartbeatMs: null, state: null, meta: null };
  t.deepEqual(decodeWorker('{"host":"h1","pid":null}', 24), { ok: true, value: { ...nulls, host: 'h1' } });
  t.deepEqual(decodeWorker(null, 0), { ok: true, value: nulls });
  t.deepEqual(decodeWorker('', 0), { ok: true, value: nulls });
  t.deepEqual(decodeMaster(null, 0), { ok: true, value: { id: null, since: null } });
  t.deepEqual(decodeCandidate('{}', 2), { ok: true, value: { id: null } });
});

const failures: [string, () => Decoded<unknown>, string | RegExp][] = [
  ['wrong type', () => decodeWorker('{"heartbeatMs":"5s"}', 20), 'field heartbeatMs: expected a number, got string'],
  ['wrong enum', () => decodeWorker('{"state":"paused"}', 18), 'field state: expected one of "ready", "busy", "leaving", got "paused"'],
  ['too large', () => decodeWorker(null, 1048576), 'data too large (1048576 bytes)'],
  ['not JSON', () => decodeWorker('{"id":\n oops}', 13), /^not JSON: Unexpected token/],
  ['array', () => decodeMaster('[1,2]', 5), 'expected a JSON object, got array'],
  ['number', () => decodeCandidate('42', 2), 'expected a JSON object, got number'],
  ['two problems', () => decodeWorker('{"pid":"x","host":3}', 20), /^field (pid|host): expected a (number|string), got (string|number) \(\+1 more\)$/],
  ['master since', () => decodeMaster('{"id":"m1","since":"yesterday"}', 31), 'field since: expected a number, got string'],
  ['candidate id', () => decodeCandidate('{"id":7}', 8), 'field id: expected a string, got number'],
  ['status missing done', () => decodeStatus('{"total":3,"state":"running"}', 29), 'field done: required (number)'],
  ['status bad state', () => decodeStatus('{"done":1,"total":3,"state":"paused"}', 37), /^field state: expected one of "running", "done", "failed"/],
  ['status without data', () => decodeStatus(null, 0), 'no data'],
];

for (const [title, run, expected] of failures) {
  test(`decode failure: ${title}`, (t) => {
    const reason = reasonOf(run());
    if (typeof expected === 'string') t.is(reason, expected);
    else t.regex(reason, expected);
    t.false(reason.includes('\n'));
  });
}

test('a status document decodes with optional fields as null', (t) => {
  t.deepEqual(decodeStatus('{"done":3,"total":10,"state":"running","x":1}', 44), {
    ok: true,
    value: { worker: null, done: 3, total: 10, state: 'running', message: null, updatedAt: null },
  });
  t.deepEqual(decodeStatus('{"worker":"w1","done":10,"total":10,"state":"done","message":"ok","updatedAt":5}', 80), {
    ok: true,
    value: { worker: 'w1', done: 10, total: 10, state: 'done', message: 'ok', updatedAt: 5 },
  });
});

test('task data is JSON when it parses, else text, else null', (t) => {
  t.deepEqual(decodeTaskData('{"url":"x"}'), { url: 'x' });
  t.is(decodeTaskData('crawl http://x'), 'crawl http://x');
  t.is(decodeTaskData(null), null);
  t.is(decodeTaskData(''), null);
});

test('decoders never throw and always give a one-line reason', (t) => {
  const decoders = [decodeWorker, decodeMaster, decodeCandidate, decodeStatus];
  const text = fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.constant(null));
  t.notThrows(() =>
    fc.assert(
      fc.property(text, fc.nat(3_000_000), fc.nat(decoders.length - 1), (data, length, which) => {
        const r = decoders[which]!(data, length);
        return r.ok ? typeof r.value === 'object' : r.reason.length > 0 && !/[\n\r]/.test(r.reason);
      }),
    ),
  );
});
