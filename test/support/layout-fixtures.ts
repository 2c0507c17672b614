/**
 * Znode names and data exactly as the upstream programs write them, for the built-in layouts' tests. The
 * names and bytes are those of contract/layouts' tests (test/unit/layouts-*.test.ts), which cite the sources:
 * - Curator: names written by Debian's Curator 5.4.0 (ProtectedUtils "_c_" + UUID + "-", LeaderLatch
 *   "latch-", InterProcessMutex "lock-"); a ServiceInstance as JsonInstanceSerializer writes it.
 * - kazoo: names written by python3-kazoo 2.8.0 (lock.py uuid4().hex + "__lock__", party.py "__party__",
 *   ShallowParty "<hex>-<id>").
 * - Kafka ZkData.scala: BrokerIdZNode.encode, ControllerZNode.encode (version 2), ControllerEpochZNode
 *   (epoch.toString), TopicPartitionStateZNode.encode.
 * - HBase: 0xFF + int32 id length + id (+ 8-byte salt) (ZKMetadata.appendMetaData), "PBUF", then
 *   `protoc --encode=hbase.pb.Master` / RegionServerInfo of ZooKeeper.proto / HBase.proto.
 * - Hadoop: `protoc --encode=hadoop.hdfs.ActiveNodeInfo HAZKInfo.proto`, YARN ActiveRMInfoProto.
 * - Solr: LeaderElector "<session>-<node>-n_<seq>", OverseerElectionContext {"id": <election node>} pretty-printed.
 */

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Curator (UUID prefixes chosen so that name order differs from sequence order)
export const LATCH_LOW = '_c_f1e2d3c4-b5a6-4789-8abc-def012345678-latch-0000000001';
export const LATCH_HIGH = '_c_0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d-latch-0000000002';
export const LATCH_REAL = '_c_7e9a248a-d102-48cc-b4d2-06642d2a0b4e-latch-0000000003';
export const SELECTOR_CHILD = '_c_4f5b7e9c-d9fa-4670-9492-1dffa64d8c0b-lock-0000000000';
export const SERVICE_INSTANCE =
  '{"name":"svc","id":"inst-9","address":"127.0.0.1","port":8080,"sslPort":8443,"payload":"payload of inst-9","registrationTimeUTC":1796164371447,' +
  '"serviceType":"DYNAMIC","uriSpec":{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},{"value":"address","variable":true},' +
  '{"value":":","variable":false},{"value":"port","variable":true}]}}';

// kazoo
export const KAZOO_LOCK_LOW = 'ff0e4d8c9b9f44a9b35c059370e27d99__lock__0000000000';
export const KAZOO_LOCK_HIGH = '00af08899b9f44a9b35c059370e27d99__lock__0000000001';
export const KAZOO_PARTY = 'b63fbb7a908e43a88dd43df11b1270a9__party__';
export const KAZOO_SHALLOW = 'e53e0bd40ab04ed699399ad38f887043-worker-7';

// Kafka
export const KAFKA_BROKER_V5 =
  '{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://broker-1.example.com:9092"],' +
  '"jmx_port":-1,"port":9092,"host":"broker-1.example.com","version":5,"timestamp":"1700000000000","rack":"dc1"}';
export const kafkaController = (brokerId: number): string => `{"version":2,"brokerid":${brokerId},"timestamp":"1700000000000","kraftControllerEpoch":-1}`;
export const kafkaPartitionState = (leader: number): string =>
  `{"controller_epoch":5,"leader":${leader},"version":1,"leader_epoch":7,"isr":[${leader === -1 ? '' : leader}]}`;

// HBase
export const HBASE_MASTER_SERVER = 'hbase-master-1.example.com,16000,1700000000123';
export const HBASE_RS_SERVER = 'rs-3.example.com,16020,1700000000456';
const MASTER_PB = hex('0a260a1a68626173652d6d61737465722d312e6578616d706c652e636f6d10807d18fbd095ffbc311000188a7d');
const RS_INFO_PB = hex('089e7d122a0a06322e352e313012076769743a2f2f781a03616263220568626173652a034d6f6e3202303038024005');
const PBUF = Buffer.from('PBUF');
/** ZKMetadata.appendMetaData(id, data) with a fixed salt. */
export function withZkMetadata(id: string, data: Buffer): Buffer {
  const idBytes = Buffer.concat([Buffer.from(id), hex('0102030405060708')]);
  const len = Buffer.alloc(4);
  len.writeInt32BE(idBytes.length);
  return Buffer.concat([Buffer.of(0xff), len, idBytes, data]);
}
/** `R/master` (and `R/backup-masters/<server>`) of hbase-master-1.example.com:16000, start code 1700000000123. */
export const HBASE_MASTER_DATA = withZkMetadata('12345@hbase-master-1', Buffer.concat([PBUF, MASTER_PB]));
/** `R/rs/<server>`: RegionServerInfo infoPort 16030, version 2.5.10. */
export const HBASE_RS_DATA = withZkMetadata('7@rs-3', Buffer.concat([PBUF, RS_INFO_PB]));

// Hadoop
/** ActiveNodeInfo{mycluster, nn1, nn1.example.com, 8020, 8019} */
export const HDFS_ACTIVE = hex('0a096d79636c757374657212036e6e311a0f6e6e312e6578616d706c652e636f6d20d43e28d33e');
/** ActiveRMInfoProto{yarn-cluster, rm1} */
export const YARN_ACTIVE = hex('0a0c7961726e2d636c75737465721203726d31');

// Solr
export const SOLR_NODE_LOW = '72057594037927936-127.0.0.1:8983_solr-n_0000000003';
export const SOLR_NODE_HIGH = '72057594037927937-127.0.0.1:7574_solr-n_0000000004';
export const solrLeader = (electionNode: string): string => `{\n  "id":"${electionNode}"}`;
export const SOLR_LIVE = '127.0.0.1:8983_solr';
