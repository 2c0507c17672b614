/** Pure decoders of the znode names and data of §8's layouts (see README.md for the upstream sources). */
export { ok, fail, jsonOf, utf8Text, type Decoded, type ZnodeData, type ZnodeText } from './decoded.ts';
export { readMessage, readVarint, decodeMessage, Message, type ProtoField } from './protobuf.ts';
export { sequenceSuffix, sequenceOf, compareBySequence, bySequence, type SequenceSuffix } from './sequence.ts';
export {
  CURATOR_PROTECTED_PREFIX,
  CURATOR_LATCH_LOCK_NAME,
  CURATOR_MUTEX_LOCK_NAME,
  CURATOR_READ_LOCK_NAME,
  CURATOR_WRITE_LOCK_NAME,
  curatorProtectedId,
  curatorNormalize,
  parseCuratorChild,
  parseLeaderLatchChild,
  parseLeaderSelectorChild,
  parseReadWriteLockChild,
  decodeCuratorParticipantId,
  type CuratorChild,
} from './curator.ts';
export { decodeCuratorServiceInstance, type CuratorServiceInstance, type CuratorServiceType } from './curator-discovery.ts';
export {
  KAZOO_LOCK_NODE,
  KAZOO_READ_LOCK_NODE,
  KAZOO_PARTY_NODE,
  parseKazooLockChild,
  parseKazooPartyChild,
  decodeKazooIdentifier,
  type KazooLockChild,
  type KazooPartyMember,
} from './kazoo.ts';
export {
  KAFKA_NO_LEADER,
  parseKafkaBrokerId,
  parseKafkaEndpoint,
  decodeKafkaBroker,
  decodeKafkaController,
  decodeKafkaControllerEpoch,
  decodeKafkaPartitionState,
  type KafkaBroker,
  type KafkaEndpoint,
  type KafkaController,
  type KafkaPartitionState,
} from './kafka.ts';
export {
  HBASE_META_MAGIC,
  HBASE_PB_MAGIC,
  stripHBaseZkMetadata,
  stripPbMagic,
  decodeHBaseMaster,
  decodeHBaseRegionServerInfo,
  parseHBaseServerName,
  type HBaseMaster,
  type HBaseServerName,
  type HBaseRegionServerInfo,
  type HBaseZkMetadata,
} from './hbase.ts';
export {
  HADOOP_LOCK_NODE,
  HADOOP_BREADCRUMB_NODE,
  decodeHdfsActiveNodeInfo,
  decodeYarnActiveRmInfo,
  type HdfsActiveNodeInfo,
  type YarnActiveRmInfo,
} from './hadoop-ha.ts';
export {
  parseSolrElectionNode,
  parseSolrLiveNode,
  decodeSolrOverseerLeader,
  type SolrElectionNode,
  type SolrLiveNode,
  type SolrOverseerLeader,
} from './solr.ts';
