/**
 * A minimal protocol-buffers wire-format reader (https://protobuf.dev/programming-guides/encoding/): enough
 * for the few fixed messages ZooKeeper users store in znodes (HBase's Master/ServerName/RegionServerInfo,
 * Hadoop's ActiveNodeInfo and ActiveRMInfoProto). No schema compiler, no dependency: fields by number.
 *
 * Refuses, with a reason: a truncated varint or field, a varint longer than 10 bytes (or a 10th byte above 1,
 * i.e. more than 64 bits), field number 0 or above 2^29-1, the deprecated group wire types 3/4 and the
 * unassigned 6/7, and a length that runs past the end. Unknown fields are kept (and ignored by the readers).
 */
import { fail, ok, type Decoded } from './decoded.ts';

/** Wire types this reader accepts. */
export const Wire = { Varint: 0, Fixed64: 1, Bytes: 2, Fixed32: 5 } as const;
export type WireType = (typeof Wire)[keyof typeof Wire];

export type ProtoField =
  | { field: number; wire: typeof Wire.Varint; value: bigint }
  | { field: number; wire: typeof Wire.Fixed64; value: bigint }
  | { field: number; wire: typeof Wire.Fixed32; value: number }
  | { field: number; wire: typeof Wire.Bytes; value: Uint8Array };

const MAX_FIELD = 2 ** 29 - 1;
const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'start-group', 'end-group', '32-bit', 'wire type 6', 'wire type 7'];

/** Reads one varint at `pos`: [value, next position] or a reason. */
export function readVarint(buf: Uint8Array, pos: number): Decoded<[bigint, number]> {
  let result = 0n;
  for (let i = 0; i < 10; i++) {
    const at = pos + i;
    if (at >= buf.length) return fail(`truncated varint at byte ${pos}`);
    const byte = buf[at]!;
    if (i === 9 && byte > 1) return fail(`varint at byte ${pos} is longer than 64 bits`);
    result |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return ok([result, at + 1]);
  }
  return fail(`varint at byte ${pos} is longer than 10 bytes`);
}

/** Splits a message into its fields, in wire order. */
export function readMessage(buf: Uint8Array): Decoded<ProtoField[]> {
  const fields: ProtoField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const keyAt = pos;
    const key = readVarint(buf, pos);
    if (!key.ok) return key;
    const [tag, afterKey] = key.value;
    pos = afterKey;
    const wire = Number(tag & 7n);
    const fieldNumber = tag >> 3n;
    if (fieldNumber === 0n || fieldNumber > BigInt(MAX_FIELD)) return fail(`invalid field number ${fieldNumber} at byte ${keyAt}`);
    const field = Number(fieldNumber);
    switch (wire) {
      case Wire.Varint: {
        const v = readVarint(buf, pos);
        if (!v.ok) return v;
        fields.push({ field, wire: Wire.Varint, value: v.value[0] });
        pos = v.value[1];
        break;
      }
      case Wire.Fixed64: {
        if (pos + 8 > buf.length) return fail(`truncated 64-bit field ${field} at byte ${keyAt}`);
        const view = new DataView(buf.buffer, buf.byteOffset + pos, 8);
        fields.push({ field, wire: Wire.Fixed64, value: view.getBigUint64(0, true) });
        pos += 8;
        break;
      }
      case Wire.Fixed32: {
        if (pos + 4 > buf.length) return fail(`truncated 32-bit field ${field} at byte ${keyAt}`);
        const view = new DataView(buf.buffer, buf.byteOffset + pos, 4);
        fields.push({ field, wire: Wire.Fixed32, value: view.getUint32(0, true) });
        pos += 4;
        break;
      }
      case Wire.Bytes: {
        const len = readVarint(buf, pos);
        if (!len.ok) return len;
        const [length, start] = len.value;
        if (length > BigInt(buf.length - start)) {
          return fail(`field ${field} at byte ${keyAt} claims ${length} bytes, only ${buf.length - start} left (truncated?)`);
        }
        const end = start + Number(length);
        fields.push({ field, wire: Wire.Bytes, value: buf.subarray(start, end) });
        pos = end;
        break;
      }
      default:
        return fail(`field ${field} at byte ${keyAt} has unsupported ${WIRE_NAMES[wire]} (not a protobuf message?)`);
    }
  }
  return ok(fields);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Typed access to a message's fields. As in protobuf, the last occurrence of a scalar field wins. Each
 * getter throws ProtoFieldError (caught by `decodeMessage`) when the field has the wrong wire type.
 */
export class ProtoFieldError extends Error {}

export class Message {
  constructor(readonly fields: readonly ProtoField[]) {}

  private last(n: number): ProtoField | undefined {
    for (let i = this.fields.length - 1; i >= 0; i--) if (this.fields[i]!.field === n) return this.fields[i];
    return undefined;
  }

  private expect<W extends WireType>(n: number, name: string, wire: W): Extract<ProtoField, { wire: W }> | undefined {
    const f = this.last(n);
    if (f === undefined) return undefined;
    if (f.wire !== wire) throw new ProtoFieldError(`field ${n} (${name}): expected ${WIRE_NAMES[wire]}, got ${WIRE_NAMES[f.wire]}`);
    return f as Extract<ProtoField, { wire: W }>;
  }

  string(n: number, name: string): string | undefined {
    const f = this.expect(n, name, Wire.Bytes);
    if (f === undefined) return undefined;
    try {
      return utf8.decode(f.value);
    } catch {
      throw new ProtoFieldError(`field ${n} (${name}): not valid UTF-8`);
    }
  }

  bytes(n: number, name: string): Uint8Array | undefined {
    return this.expect(n, name, Wire.Bytes)?.value;
  }

  /** `uint32`: the low 32 bits of the varint, as protobuf-java's readUInt32 keeps them. */
  uint32(n: number, name: string): number | undefined {
    const f = this.expect(n, name, Wire.Varint);
    return f === undefined ? undefined : Number(BigInt.asUintN(32, f.value));
  }

  /** `int32`: negative values arrive sign-extended to 10 bytes; keep the low 32 bits, signed. */
  int32(n: number, name: string): number | undefined {
    const f = this.expect(n, name, Wire.Varint);
    return f === undefined ? undefined : Number(BigInt.asIntN(32, f.value));
  }

  /** `uint64` / `int64` as a number when it is a safe integer (start codes are millisecond times), else a reason. */
  uint64(n: number, name: string): number | undefined {
    const f = this.expect(n, name, Wire.Varint);
    if (f === undefined) return undefined;
    if (f.value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtoFieldError(`field ${n} (${name}): ${f.value} is beyond 2^53`);
    return Number(f.value);
  }

  message(n: number, name: string): Decoded<Message> | undefined {
    const raw = this.bytes(n, name);
    if (raw === undefined) return undefined;
    const inner = readMessage(raw);
    return inner.ok ? ok(new Message(inner.value)) : fail(`field ${n} (${name}): ${inner.reason}`);
  }

  /** A required field: throws the "required" reason when absent. */
  static required<T>(value: T | undefined, n: number, name: string): T {
    if (value === undefined) throw new ProtoFieldError(`required field ${n} (${name}) is missing`);
    return value;
  }
}

/** Parse `buf` as a message and read it with `read`; wrong wire types and missing required fields become the reason. */
export function decodeMessage<T>(buf: Uint8Array, what: string, read: (m: Message) => T): Decoded<T> {
  const parsed = readMessage(buf);
  if (!parsed.ok) return fail(`${what}: ${parsed.reason}`);
  try {
    return ok(read(new Message(parsed.value)));
  } catch (err) {
    return fail(`${what}: ${err instanceof ProtoFieldError ? err.message : `could not read (${String(err)})`}`);
  }
}
