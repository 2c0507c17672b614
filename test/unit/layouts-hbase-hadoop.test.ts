// HBase and Hadoop HA data in the exact bytes their code writes.
// - HBase: MasterAddressTracker.toByteArray = ProtobufUtil.prependPBMagic(Master.toByteArray()), and
//   RecoverableZooKeeper.create then prepends ZKMetadata.appendMetaData: 0xFF, int32 BE id length, id + 8-byte
//   salt (apache/hbase hbase-zookeeper/.../ZKMetadata.java). The Master bytes are
//   `protoc --encode=hbase.pb.Master` of ZooKeeper.proto/HBase.proto's messages (protobuf-compiler 3.21.12):
//   echo 'master { host_name: "hbase-master-1.example.com" port: 16000 start_code: 1700000000123 }
//         rpc_version: 0 info_port: 16010' | protoc --encode=hbase.pb.Master hbase.proto
// - Hadoop: DFSZKFailoverController.targetToData = ActiveNodeInfo.toByteArray (HAZKInfo.proto), no framing;
//   YARN's ActiveStandbyElectorBasedElectorService writes ActiveRMInfoProto{clusterId, rmId}.
import test from 'ava';
import {
  decodeHBaseMaster,
  decodeHBaseRegionServerInfo,
  decodeHdfsActiveNodeInfo,
  decodeYarnActiveRmInfo,
  parseHBaseServerName,
  stripHBaseZkMetadata,
} from '../../contract/layouts/index.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const MASTER_PB = hex('0a260a1a68626173652d6d61737465722d312e6578616d706c652e636f6d10807d18fbd095ffbc311000188a7d');
const PBUF = Buffer.from('PBUF');

/** ZKMetadata.appendMetaData(id, data) with a fixed salt. */
function withZkMetadata(id: string, data: Buffer): Buffer {
  const idBytes = Buffer.concat([Buffer.from(id), hex('0102030405060708')]);
  const len = Buffer.alloc(4);
  len.writeInt32BE(idBytes.length);
  return Buffer.concat([Buffer.of(0xff), len, idBytes, data]);
}

function reasonOf(r: { ok: boolean; reason?: string }): string {
  if (r.ok) throw new Error('expected a failure');
  return r.reason!;
}

const master = {
  host: 'hbase-master-1.example.com',
  port: 16000,
  startCode: 1700000000123,
  rpcVersion: 0,
  infoPort: 16010,
};

test('the active master as HBase stores it: 0xFF + metadata + PBUF + Master', (t) => {
  const data = withZkMetadata('12345@hbase-master-1', Buffer.concat([PBUF, MASTER_PB]));
  t.deepEqual(decodeHBaseMaster(data), { ok: true, value: { ...master, writer: '12345@hbase-master-1' } });
});

test('data without the 0xFF metadata passes through (ZKMetadata.removeMetaData)', (t) => {
  t.deepEqual(decodeHBaseMaster(Buffer.concat([PBUF, MASTER_PB])), { ok: true, value: { ...master, writer: null } });
});

test('truncated metadata, a missing PBUF and a truncated Master are reasons', (t) => {
  const full = withZkMetadata('1@h', Buffer.concat([PBUF, MASTER_PB]));
  t.regex(reasonOf(decodeHBaseMaster(full.subarray(0, 3))), /HBase metadata truncated: 3 bytes/);
  const lying = Buffer.from(full);
  lying.writeInt32BE(10_000, 1);
  t.regex(reasonOf(decodeHBaseMaster(lying)), /claims a 10000-byte id/);
  lying.writeInt32BE(-1, 1);
  t.regex(reasonOf(decodeHBaseMaster(lying)), /claims a -1-byte id/);
  t.regex(reasonOf(decodeHBaseMaster(withZkMetadata('1@h', MASTER_PB))), /no "PBUF" magic/);
  t.regex(reasonOf(decodeHBaseMaster(full.subarray(0, full.length - 2))), /HBase Master: truncated varint/);
  t.regex(reasonOf(decodeHBaseMaster(Buffer.concat([PBUF, hex('1000')]))), /required field 1 \(master\) is missing/);
  t.regex(reasonOf(decodeHBaseMaster(null)), /no data/);
  t.regex(reasonOf(decodeHBaseMaster(Buffer.from('hbase-master-1,16000,1700000000123'))), /no "PBUF" magic/);
});

test('a region server: the name is the ServerName, the data PBUF + RegionServerInfo', (t) => {
  t.deepEqual(parseHBaseServerName('rs-3.example.com,16020,1700000000456'), {
    ok: true,
    value: { host: 'rs-3.example.com', port: 16020, startCode: 1700000000456 },
  });
  t.regex(reasonOf(parseHBaseServerName('rs-3.example.com:16020')), /not host,port,startcode/);
  t.regex(reasonOf(parseHBaseServerName('h,99999,1')), /port 99999 out of range/);
  // protoc --encode=hbase.pb.RegionServerInfo: infoPort 16030, version_info { version "2.5.10" … version_major 2 version_minor 5 }
  const info = hex('089e7d122a0a06322e352e313012076769743a2f2f781a03616263220568626173652a034d6f6e3202303038024005');
  t.deepEqual(decodeHBaseRegionServerInfo(withZkMetadata('7@rs-3', Buffer.concat([PBUF, info]))), {
    ok: true,
    value: { infoPort: 16030, version: '2.5.10' },
  });
  // infoServer == null → setInfoPort(-1): an int32 -1 is ten bytes on the wire
  t.deepEqual(decodeHBaseRegionServerInfo(Buffer.concat([PBUF, hex('08ffffffffffffffffff01')])), { ok: true, value: { infoPort: -1, version: null } });
  t.deepEqual(decodeHBaseRegionServerInfo(Buffer.alloc(0)), { ok: true, value: { infoPort: null, version: null } });
});

test('metadata of an empty payload stays empty', (t) => {
  t.deepEqual(stripHBaseZkMetadata(Buffer.alloc(0)), { ok: true, value: { writer: null, payload: new Uint8Array(0) } });
});

test('an HDFS ActiveStandbyElectorLock: ActiveNodeInfo', (t) => {
  // protoc --encode=hadoop.hdfs.ActiveNodeInfo HAZKInfo.proto <<< 'nameserviceId: "mycluster" namenodeId: "nn1"
  //   hostname: "nn1.example.com" port: 8020 zkfcPort: 8019'
  const data = hex('0a096d79636c757374657212036e6e311a0f6e6e312e6578616d706c652e636f6d20d43e28d33e');
  t.deepEqual(decodeHdfsActiveNodeInfo(data), {
    ok: true,
    value: { nameserviceId: 'mycluster', namenodeId: 'nn1', hostname: 'nn1.example.com', port: 8020, zkfcPort: 8019 },
  });
  // zkfcPort -1 (a target without a ZKFC address) is a 10-byte varint
  const negative = hex('0a026e7312036e6e321a016820d43e28ffffffffffffffffff01');
  t.is((decodeHdfsActiveNodeInfo(negative) as { value: { zkfcPort: number } }).value.zkfcPort, -1);
  t.regex(reasonOf(decodeHdfsActiveNodeInfo(data.subarray(0, 20))), /ActiveNodeInfo: field 3 at byte 16 claims 15 bytes/);
  t.regex(reasonOf(decodeHdfsActiveNodeInfo(data.subarray(0, 16))), /required field 3 \(hostname\) is missing/);
  t.regex(reasonOf(decodeHdfsActiveNodeInfo(Buffer.alloc(0))), /no data/);
  t.regex(reasonOf(decodeHdfsActiveNodeInfo(Buffer.from('nn1.example.com:8020'))), /ActiveNodeInfo: /);
});

test('a YARN ActiveStandbyElectorLock: ActiveRMInfoProto, not ActiveNodeInfo', (t) => {
  const data = hex('0a0c7961726e2d636c75737465721203726d31');
  t.deepEqual(decodeYarnActiveRmInfo(data), { ok: true, value: { clusterId: 'yarn-cluster', rmId: 'rm1' } });
  t.regex(reasonOf(decodeHdfsActiveNodeInfo(data)), /required field 3 \(hostname\) is missing/);
});
