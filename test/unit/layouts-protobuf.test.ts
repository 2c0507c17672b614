// The protobuf wire-format reader. Byte strings are from `protoc --encode` (protobuf-compiler 3.21.12) on
// the upstream messages; see layouts-hbase-hadoop.test.ts for those. Garbage must give a reason, not a throw.
import test from 'ava';
import { Message, decodeMessage, readMessage, readVarint } from '../../contract/layouts/index.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function reasonOf(r: { ok: boolean; reason?: string }): string {
  if (r.ok) throw new Error('expected a failure');
  return r.reason!;
}

test('varints: 1 byte, multi-byte, 64-bit, and what is refused', (t) => {
  t.deepEqual(readVarint(hex('01'), 0), { ok: true, value: [1n, 1] });
  t.deepEqual(readVarint(hex('807d'), 0), { ok: true, value: [16000n, 2] });
  t.deepEqual(readVarint(hex('ffffffffffffffffff01'), 0), { ok: true, value: [2n ** 64n - 1n, 10] });
  t.regex(reasonOf(readVarint(hex('8080'), 0)), /truncated varint at byte 0/);
  t.regex(reasonOf(readVarint(hex('ffffffffffffffffff02'), 0)), /longer than 64 bits/);
  t.regex(reasonOf(readVarint(hex('ffffffffffffffffff8001'), 0)), /longer than 64 bits/);
});

test('fields by number with their wire types; unknown fields kept', (t) => {
  // field 1 varint 150 (the protobuf docs' example 08 96 01), field 2 string "hi", field 9 fixed32, field 10 fixed64
  const r = readMessage(hex('089601 12026869 4d01000000 510200000000000000'));
  t.true(r.ok);
  if (!r.ok) return;
  t.deepEqual(
    r.value.map((f) => [f.field, f.wire]),
    [
      [1, 0],
      [2, 2],
      [9, 5],
      [10, 1],
    ],
  );
  const m = new Message(r.value);
  t.is(m.uint32(1, 'a'), 150);
  t.is(m.string(2, 'b'), 'hi');
  t.is(m.string(3, 'absent'), undefined);
});

test('the last occurrence of a scalar wins; int32 -1 arrives as 10 bytes', (t) => {
  const r = readMessage(hex('0801 0802 10ffffffffffffffffff01'));
  t.true(r.ok);
  if (!r.ok) return;
  const m = new Message(r.value);
  t.is(m.uint32(1, 'a'), 2);
  t.is(m.int32(2, 'b'), -1);
});

test('truncated and malformed messages give one-line reasons', (t) => {
  t.regex(reasonOf(readMessage(hex('0a05616263'))), /field 1 at byte 0 claims 5 bytes, only 3 left/);
  t.regex(reasonOf(readMessage(hex('0a'))), /truncated varint at byte 1/);
  t.regex(reasonOf(readMessage(hex('0d0102'))), /truncated 32-bit field 1/);
  t.regex(reasonOf(readMessage(hex('0901020304'))), /truncated 64-bit field 1/);
  t.regex(reasonOf(readMessage(hex('0b'))), /unsupported start-group/);
  t.regex(reasonOf(readMessage(hex('0f'))), /unsupported wire type 7/);
  t.regex(reasonOf(readMessage(hex('0001'))), /invalid field number 0/);
  t.regex(reasonOf(readMessage(Buffer.from('{"json":true}'))), /./);
});

test('a wrong wire type for a known field is named', (t) => {
  const r = decodeMessage(hex('0801'), 'Thing', (m) => m.string(1, 'name'));
  t.deepEqual(r, { ok: false, reason: 'Thing: field 1 (name): expected length-delimited, got varint' });
  const missing = decodeMessage(hex(''), 'Thing', (m) => Message.required(m.string(1, 'name'), 1, 'name'));
  t.deepEqual(missing, { ok: false, reason: 'Thing: required field 1 (name) is missing' });
  const badUtf8 = decodeMessage(hex('0a02c328'), 'Thing', (m) => m.string(1, 'name'));
  t.deepEqual(badUtf8, { ok: false, reason: 'Thing: field 1 (name): not valid UTF-8' });
});
