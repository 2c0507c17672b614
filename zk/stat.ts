import type { Stat } from 'node-zookeeper-client';
import type { ZnodeStat } from './events.ts';
import { STAT_OFFSET, statBytes } from './lean-jute.ts';

const TWO_32 = 4294967296;
/** below this high word a 64-bit value is exact as a double (< 2^53) */
const SAFE_HIGH = 0x200000;

/** The signed 64-bit big-endian value at `at` as a decimal string; BigInt only beyond 2^53. */
function decimalAt(buf: Buffer, at: number): string {
  const hi = buf.readInt32BE(at);
  if (hi >= 0 && hi < SAFE_HIGH) return String(hi * TWO_32 + buf.readUInt32BE(at + 4));
  return buf.readBigInt64BE(at).toString();
}

/** The signed 64-bit value at `at` as a number, rounded like Number(BigInt) (one rounding of the exact sum). */
function numberAt(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4);
}

/** 64-bit big-endian buffer → decimal string (zxids). */
export function longToDecimal(buf: Buffer): string {
  return decimalAt(buf, 0);
}

/** 64-bit big-endian buffer → 16 hex digits (session ids). */
export function longToHex(buf: Buffer): string {
  return buf.toString('hex').padStart(16, '0');
}

/** `fresh`, or `kept` when equal: a string we already hold outlives a new copy of it for free. */
const same = (kept: string | undefined, fresh: string): string => (kept === fresh ? kept : fresh);

/**
 * The library's Stat (8-byte buffers) → plain JSON. With `previous` (the last stat of the same
 * path), strings that did not change (czxid, the session) are that stat's own: a re-read per
 * heartbeat then keeps no new copies of them.
 */
export function toZnodeStat(stat: Stat, previous?: ZnodeStat): ZnodeStat {
  const raw = statBytes(stat);
  if (raw !== null) {
    // the lean record (lean-jute.ts): read the wire bytes, no Buffer per field
    return {
      czxid: same(previous?.czxid, decimalAt(raw, STAT_OFFSET.czxid)),
      mzxid: decimalAt(raw, STAT_OFFSET.mzxid),
      ctime: numberAt(raw, STAT_OFFSET.ctime),
      mtime: numberAt(raw, STAT_OFFSET.mtime),
      version: stat.version,
      cversion: stat.cversion,
      ephemeralOwner: same(previous?.ephemeralOwner, raw.toString('hex', STAT_OFFSET.ephemeralOwner, STAT_OFFSET.ephemeralOwner + 8)),
      dataLength: stat.dataLength,
      numChildren: stat.numChildren,
    };
  }
  return {
    czxid: longToDecimal(stat.czxid),
    mzxid: longToDecimal(stat.mzxid),
    ctime: numberAt(stat.ctime, 0),
    mtime: numberAt(stat.mtime, 0),
    version: stat.version,
    cversion: stat.cversion,
    ephemeralOwner: longToHex(stat.ephemeralOwner),
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
  };
}
