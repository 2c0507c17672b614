import type { Stat } from 'node-zookeeper-client';
import type { ZnodeStat } from '../watch/events.ts';

/** 64-bit big-endian buffer → decimal string (zxids). */
export function longToDecimal(buf: Buffer): string {
  return buf.readBigInt64BE(0).toString();
}

/** 64-bit big-endian buffer → 16 hex digits (session ids). */
export function longToHex(buf: Buffer): string {
  return buf.toString('hex').padStart(16, '0');
}

/** The library's Stat (8-byte buffers) → plain JSON. */
export function toZnodeStat(stat: Stat): ZnodeStat {
  return {
    czxid: longToDecimal(stat.czxid),
    mzxid: longToDecimal(stat.mzxid),
    ctime: Number(stat.ctime.readBigInt64BE(0)),
    mtime: Number(stat.mtime.readBigInt64BE(0)),
    version: stat.version,
    cversion: stat.cversion,
    ephemeralOwner: longToHex(stat.ephemeralOwner),
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
  };
}
