/**
 * HBase: the active master, backup masters and region servers under `zookeeper.znode.parent` (default /hbase).
 *
 * Upstream read (apache/hbase, master branch as stored by the code index, 2025):
 * - hbase-client/.../zookeeper/ZNodePaths.java (02dd2567037f): masterAddressZNode `<parent>/master`,
 *   backupMasterAddressesZNode `<parent>/backup-masters`, rsZNode `<parent>/rs`, drainingZNode `<parent>/draining`.
 * - hbase-zookeeper/.../zookeeper/MasterAddressTracker.java (07739e11d67c): toByteArray writes
 *   `ProtobufUtil.prependPBMagic(Master{master: ServerName{host_name, port, start_code}, rpc_version, info_port})`,
 *   for `<parent>/master` and for `<parent>/backup-masters/<ServerName>` alike.
 * - HRegionServer.createMyEphemeralNode: `<parent>/rs/<ServerName>` holds PBUF + RegionServerInfo{infoPort,
 *   version_info}; the server itself is the node *name*, ServerName.toString() = "host,port,startcode".
 * - ZKMetadata.java: RecoverableZooKeeper.create prepends to all data: 0xFF, a 4-byte big-endian id length,
 *   the id (the process identifier + an 8-byte random salt), then the data. removeMetaData passes data that
 *   does not start with 0xFF through unchanged (backward compatibility); so do we.
 * - ProtobufMagic: PB_MAGIC = "PBUF" (0x50 0x42 0x55 0x46).
 * - hbase-protocol-shaded/src/main/protobuf/ZooKeeper.proto (2333596279b6): message Master { required
 *   ServerName master = 1; optional uint32 rpc_version = 2; optional uint32 info_port = 3; }
 *   HBase.proto (000e4d12ba60): message ServerName { required string host_name = 1; optional uint32 port = 2;
 *   optional uint64 start_code = 3; } message RegionServerInfo { optional int32 infoPort = 1; optional
 *   VersionInfo version_info = 2; } message VersionInfo { required string version = 1; … }
 */
import { fail, ok, utf8Text, type Decoded, type ZnodeData } from './decoded.ts';
import { decodeMessage, Message, ProtoFieldError } from './protobuf.ts';

export const HBASE_META_MAGIC = 0xff;
export const HBASE_PB_MAGIC = Uint8Array.of(0x50, 0x42, 0x55, 0x46); // "PBUF"
const SALT_BYTES = 8;

export interface HBaseZkMetadata {
  /** The writing process's identifier (the id without its 8-byte salt) when it is UTF-8 text, else null. */
  writer: string | null;
  /** The data after the metadata. */
  payload: Uint8Array;
}

/** ZKMetadata.removeMetaData, checked: the metadata must fit inside the data. */
export function stripHBaseZkMetadata(data: ZnodeData): Decoded<HBaseZkMetadata> {
  if (!data || data.length === 0) return ok({ writer: null, payload: new Uint8Array(0) });
  if (data[0] !== HBASE_META_MAGIC) return ok({ writer: null, payload: data });
  if (data.length < 5) return fail(`HBase metadata truncated: ${data.length} bytes, the header alone is 5`);
  const idLength = new DataView(data.buffer, data.byteOffset + 1, 4).getInt32(0, false);
  if (idLength < 0 || 5 + idLength > data.length) {
    return fail(`HBase metadata claims a ${idLength}-byte id but only ${data.length - 5} bytes follow`);
  }
  const id = data.subarray(5, 5 + idLength);
  const named = id.length >= SALT_BYTES ? utf8Text(id.subarray(0, id.length - SALT_BYTES)) : undefined;
  return ok({ writer: named?.ok && named.value !== '' ? named.value : null, payload: data.subarray(5 + idLength) });
}

/** ProtobufUtil.isPBMagicPrefix + the slice after it. */
export function stripPbMagic(payload: Uint8Array): Decoded<Uint8Array> {
  if (payload.length < 4 || !HBASE_PB_MAGIC.every((b, i) => payload[i] === b)) {
    return fail('no "PBUF" magic (not HBase protobuf data, or from HBase before 0.96)');
  }
  return ok(payload.subarray(4));
}

export interface HBaseServerName {
  host: string;
  port: number | null;
  startCode: number | null;
}

export interface HBaseMaster extends HBaseServerName {
  rpcVersion: number | null;
  infoPort: number | null;
  writer: string | null;
}

function serverName(m: Message): HBaseServerName {
  return {
    host: Message.required(m.string(1, 'host_name'), 1, 'host_name'),
    port: m.uint32(2, 'port') ?? null,
    startCode: m.uint64(3, 'start_code') ?? null,
  };
}

/** `<parent>/master` and `<parent>/backup-masters/<server>` data: 0xFF+meta, PBUF, Master. */
export function decodeHBaseMaster(data: ZnodeData): Decoded<HBaseMaster> {
  const meta = stripHBaseZkMetadata(data);
  if (!meta.ok) return meta;
  if (meta.value.payload.length === 0) return fail('no data (expected an HBase Master record)');
  const pb = stripPbMagic(meta.value.payload);
  if (!pb.ok) return pb;
  return decodeMessage(pb.value, 'HBase Master', (m) => {
    const inner = Message.required(m.message(1, 'master'), 1, 'master');
    if (!inner.ok) throw new ProtoFieldError(inner.reason);
    return { ...serverName(inner.value), rpcVersion: m.uint32(2, 'rpc_version') ?? null, infoPort: m.uint32(3, 'info_port') ?? null, writer: meta.value.writer };
  });
}

export interface HBaseRegionServerInfo {
  infoPort: number | null;
  version: string | null;
}

/** `<parent>/rs/<server>` data: 0xFF+meta, PBUF, RegionServerInfo (may be empty: every field is optional). */
export function decodeHBaseRegionServerInfo(data: ZnodeData): Decoded<HBaseRegionServerInfo> {
  const meta = stripHBaseZkMetadata(data);
  if (!meta.ok) return meta;
  if (meta.value.payload.length === 0) return ok({ infoPort: null, version: null });
  const pb = stripPbMagic(meta.value.payload);
  if (!pb.ok) return pb;
  return decodeMessage(pb.value, 'HBase RegionServerInfo', (m) => {
    const versionInfo = m.message(2, 'version_info');
    if (versionInfo && !versionInfo.ok) throw new ProtoFieldError(versionInfo.reason);
    return { infoPort: m.int32(1, 'infoPort') ?? null, version: versionInfo?.ok ? (versionInfo.value.string(1, 'version') ?? null) : null };
  });
}

/** ServerName.parseServerName of a znode name "host,port,startcode" (rs/, backup-masters/, draining/). */
export function parseHBaseServerName(name: string): Decoded<HBaseServerName> {
  const m = /^([^,]+),(\d{1,5}),(-?\d{1,19})$/.exec(name);
  if (!m) return fail(`server node ${JSON.stringify(name)} is not host,port,startcode`);
  const port = Number(m[2]);
  const startCode = Number(m[3]);
  if (port > 65535) return fail(`server node ${JSON.stringify(name)}: port ${port} out of range`);
  if (!Number.isSafeInteger(startCode)) return fail(`server node ${JSON.stringify(name)}: start code beyond 2^53`);
  return ok({ host: m[1]!, port, startCode });
}
