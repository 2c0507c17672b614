import test from 'ava';
import fc from 'fast-check';
import { encodePoint, escapeKey, int, sanitizeText, type Point } from '../../collector/influx/line-protocol.ts';

const point = (p: Partial<Point>): Point => ({ measurement: 'm', tags: {}, fields: { v: 1 }, time: 1000, ...p });
const NS = '000000';

test('integers, 64-bit epochs from decimal strings, floats, strings and booleans', (t) => {
  const line = encodePoint(
    point({
      measurement: 'worker',
      tags: { cluster: 'c1', worker: 'w1' },
      fields: { up: int(1), epoch: int('123456789012'), beat_age_ms: 12.5, big: 2n ** 62n, s: 'x', ok: true },
      time: 1_700_000_000_123,
    }),
  );
  t.is(
    line,
    `worker,cluster=c1,worker=w1 up=1i,epoch=123456789012i,beat_age_ms=12.5,big=4611686018427387904i,s="x",ok=true 1700000000123${NS}`,
  );
});

test('int keeps an epoch beyond 2^53 exact and truncates fractional numbers', (t) => {
  t.is(encodePoint(point({ fields: { e: int('9007199254740993') } })), `m e=9007199254740993i 1000${NS}`);
  t.is(encodePoint(point({ fields: { n: int(3.9), b: int(false) } })), `m n=3i,b=0i 1000${NS}`);
});

test('NaN, Infinity, out-of-range and unparsable integers are dropped; no field left → null', (t) => {
  t.is(encodePoint(point({ fields: { a: Number.NaN, b: Infinity, c: int('12x'), d: 2n ** 63n, e: 1 } })), `m e=1 1000${NS}`);
  t.is(encodePoint(point({ fields: { a: Number.NaN, b: null, c: undefined } })), null);
  t.is(encodePoint(point({ time: Number.NaN })), null);
});

test('tags are sorted, empty keys/values and the key "time" are dropped', (t) => {
  t.is(encodePoint(point({ tags: { z: '1', a: '2', empty: '', '': 'x', time: 't' } })), `m,a=2,z=1 v=1 1000${NS}`);
});

test('escaping of measurement, tag keys/values, field keys and string values', (t) => {
  t.is(
    encodePoint(point({ measurement: 'my m,x', tags: { 'k y': 'a,b=c d' }, fields: { 'f=1 x': 'say "hi" \\o/' } })),
    `my\\ m\\,x,k\\ y=a\\,b\\=c\\ d f\\=1\\ x="say \\"hi\\" \\\\o/" 1000${NS}`,
  );
});

test('a hostile tag value cannot start a new record', (t) => {
  const line = encodePoint(point({ tags: { host: 'evil\nm,host=evil v=666 1' } }));
  t.is(line, `m,host=evil\uFFFDm\\,host\\=evil\\ v\\=666\\ 1 v=1 1000${NS}`);
  t.false(/[\n\r]/.test(line ?? '\n'));
});

test('a backslash before an escaped character or at the end cannot escape the separator', (t) => {
  t.is(escapeKey('dir\\'), 'dir\uFFFD');
  t.is(escapeKey('a\\,b'), 'a\uFFFD\\,b');
  t.is(escapeKey('a\\b'), 'a\\b');
  t.is(encodePoint(point({ fields: { s: 'ends with \\' } })), `m s="ends with \\\\" 1000${NS}`);
});

test('control characters and lone surrogates become U+FFFD', (t) => {
  t.is(sanitizeText('a\r\n\t\u0000\u007fb\ud800c😀'), 'a\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDb\uFFFDc😀');
});

test('a sub-millisecond offset goes into the nanosecond timestamp', (t) => {
  t.is(encodePoint(point({}), 7), 'm v=1 1000000007');
});

// ---- property: whatever the text, one line whose structure both InfluxDB escape readings agree on

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('\n', '\r', '\\', ',', '=', ' ', '"', '#', 'a', '\t', '\0', '\u2028'), maxLength: 20 }),
);

/** Splits at unescaped `sep`; `consume`: a backslash escapes the next byte; else: a separator after a backslash is escaped. */
function split(s: string, sep: string, consume: boolean): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (consume && s[i] === '\\') {
      i++;
      continue;
    }
    if (s[i] === sep && (consume || s[i - 1] !== '\\')) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

const unescape = (s: string): string => s.replace(/\\([,= ])/g, '$1');

test('property: hostile tags and strings give one line with the expected tags', (t) => {
  t.notThrows(() =>
  fc.assert(
    fc.property(fc.dictionary(hostile, hostile, { maxKeys: 4 }), hostile, (tags, text) => {
      const line = encodePoint({ measurement: 'event', tags, fields: { text }, time: 1 });
      if (line === null) return false;
      if (/[\n\r]/.test(line)) return false;
      const expected = Object.entries(tags)
        .filter(([k, v]) => k !== 'time' && k !== '' && v !== '')
        .map(([k, v]) => `${sanitizeText(k)}=${sanitizeText(v)}`.replace(/\\(?=[,= ]|$)/g, '\uFFFD'));
      for (const consume of [true, false]) {
        const series = split(line, ' ', consume)[0] ?? '';
        const [measurement, ...pairs] = split(series, ',', consume);
        if (measurement !== 'event') return false;
        const kv = pairs.map((pair) => split(pair, '=', consume));
        if (kv.some((parts) => parts.length !== 2)) return false;
        const read = kv.map((parts) => parts.map(unescape).join('='));
        if (read.sort().join('\n') !== expected.sort().join('\n')) return false;
      }
      return true;
    }),
  ));
});
