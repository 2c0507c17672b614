/**
 * Znode names and data in exactly the bytes the upstream programs write, for the programs that have no server
 * here (the golden cases of scripts/cases/ and the demo's `--layout`). The same formats as
 * test/support/layout-fixtures.ts (test/unit/upstream-bytes.test.ts checks they agree), which cites the sources:
 * - Curator LeaderLatch: `ZKPaths.makePath(latchPath, "latch-")` created withProtection() (ProtectedUtils:
 *   "_c_" + UUID + "-"), EPHEMERAL_SEQUENTIAL, data = the participant id's UTF-8 bytes.
 * - kazoo Party (party.py): `uuid4().hex + "__party__"`, ephemeral, data = the identifier.
 * - Kafka ZkData.scala: BrokerIdZNode.encode (version 5), ControllerZNode.encode (version 2),
 *   ControllerEpochZNode (epoch.toString), TopicPartitionStateZNode.encode.
 * - HBase: ZKMetadata.appendMetaData (0xFF, int32 length, id + 8-byte salt), "PBUF", protobuf
 *   hbase.pb.Master (ZooKeeper.proto) / RegionServerInfo (HBase.proto).
 * - Solr: LeaderElector `<sessionId>-<nodeName>-n_<seq>` (EPHEMERAL_SEQUENTIAL, no data), live nodes
 *   `<host>:<port>_<context>` (no data), OverseerElectionContext `{"id": <election node>}` (Utils.toJSON).
 * - Curator LeaderSelector (InterProcessMutex "lock-", withProtection), ServiceDiscoveryImpl
 *   `R/<service>/<id>` (EPHEMERAL) with JsonInstanceSerializer's ServiceInstance JSON.
 * - kazoo Election (election.py → lock.py): `uuid4().hex + "__lock__"`, EPHEMERAL_SEQUENTIAL, data = identifier.
 * - Hadoop ActiveStandbyElector: `ActiveStandbyElectorLock` (EPHEMERAL) holding HDFS's ActiveNodeInfo
 *   (HAZKInfo.proto) or YARN's ActiveRMInfoProto, protobuf.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { MultiOp } from './plain-zk.ts';

// Curator
/** The name LeaderLatch asks ZooKeeper for (EPHEMERAL_SEQUENTIAL appends the 10-digit sequence). */
export const curatorLatchPrefix = (): string => `_c_${randomUUID()}-latch-`;

/** The name LeaderSelector's InterProcessMutex asks ZooKeeper for (EPHEMERAL_SEQUENTIAL, withProtection). */
export const curatorSelectorPrefix = (): string => `_c_${randomUUID()}-lock-`;

/** A ServiceInstance as JsonInstanceSerializer writes it (Jackson, field order of ServiceInstance), uriSpec omitted. */
export function curatorServiceInstance(name: string, id: string, address: string, port: number, registrationTimeUTC: number): string {
  return (
    `{"name":"${name}","id":"${id}","address":"${address}","port":${port},"sslPort":null,"payload":null,` +
    `"registrationTimeUTC":${registrationTimeUTC},"serviceType":"DYNAMIC","uriSpec":null}`
  );
}

// kazoo
/** The name a kazoo Election contender asks for (lock.py: uuid4().hex + "__lock__", EPHEMERAL_SEQUENTIAL). */
export const kazooElectionPrefix = (): string => `${randomBytes(16).toString('hex')}__lock__`;
/** A Party member's node name (ephemeral, not sequential). */
export const kazooPartyName = (): string => `${randomBytes(16).toString('hex')}__party__`;

// Kafka
/** BrokerIdZNode.encode of a PLAINTEXT broker (version 5). */
export function kafkaBroker(host: string, port = 9092, timestamp = 1_700_000_000_000, rack: string | null = null): string {
  return (
    `{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://${host}:${port}"],` +
    `"jmx_port":-1,"port":${port},"host":"${host}","version":5,"timestamp":"${timestamp}"${rack === null ? '' : `,"rack":"${rack}"`}}`
  );
}
/** ControllerZNode.encode (version 2). */
export const kafkaController = (brokerId: number, timestamp = 1_700_000_000_000): string =>
  `{"version":2,"brokerid":${brokerId},"timestamp":"${timestamp}","kraftControllerEpoch":-1}`;
/** ControllerEpochZNode.encode: the epoch in decimal. */
export const kafkaControllerEpoch = (epoch: number): string => String(epoch);
/**
 * KafkaZkClient.registerControllerAndIncrementControllerEpoch: one multi that creates `R/controller` (EPHEMERAL,
 * the broker's session) and sets `R/controller_epoch` to `epoch`, conditional on its version (epoch - 1: the
 * node was created with the initial epoch 0 and each election sets it once).
 */
export const kafkaControllerElection = (root: string, brokerId: number, epoch: number, timestamp?: number): MultiOp[] => [
  { op: 'create', path: `${root}/controller`, data: kafkaController(brokerId, timestamp), mode: 'ephemeral' },
  { op: 'set', path: `${root}/controller_epoch`, data: kafkaControllerEpoch(epoch), version: epoch - 1 },
];
/** TopicPartitionStateZNode.encode. */
export const kafkaPartitionState = (leader: number, isr: readonly number[], leaderEpoch: number, controllerEpoch: number): string =>
  `{"controller_epoch":${controllerEpoch},"leader":${leader},"version":1,"leader_epoch":${leaderEpoch},"isr":[${isr.join(',')}]}`;
/** TopicZNode.encode (version 3): the topic's replica assignment. */
export const kafkaTopic = (assignment: Readonly<Record<string, readonly number[]>>): string =>
  `{"partitions":{${Object.entries(assignment).map(([p, r]) => `"${p}":[${r.join(',')}]`).join(',')}},"adding_replicas":{},"removing_replicas":{},"version":3}`;

// protobuf wire format (HBase, Hadoop): field number << 3 | wire type; varints, length-delimited bytes
function varint(n: bigint): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
const vField = (field: number, n: number | bigint): Buffer => Buffer.concat([varint(BigInt(field << 3)), varint(BigInt(n))]);
const bField = (field: number, bytes: Buffer): Buffer => Buffer.concat([varint(BigInt((field << 3) | 2)), varint(BigInt(bytes.length)), bytes]);

export interface HBaseServer {
  host: string;
  port: number;
  startCode: number;
}
/** ServerName.toString(): the node name of a server under backup-masters/ and rs/. */
export const hbaseServerName = (s: HBaseServer): string => `${s.host},${s.port},${s.startCode}`;

/** ZKMetadata.appendMetaData(id, data): 0xFF, the id's length (with its 8-byte salt), the id, the salt, the data. */
export function withZkMetadata(id: string, data: Buffer, salt = Buffer.from('0102030405060708', 'hex')): Buffer {
  const idBytes = Buffer.concat([Buffer.from(id), salt]);
  const len = Buffer.alloc(4);
  len.writeInt32BE(idBytes.length);
  return Buffer.concat([Buffer.of(0xff), len, idBytes, data]);
}
const PBUF = Buffer.from('PBUF');

/** MasterAddressTracker.toByteArray: `R/master` and `R/backup-masters/<server>` of a master (rpc version 0). */
export function hbaseMaster(s: HBaseServer, infoPort: number, processId: string): Buffer {
  const serverName = Buffer.concat([bField(1, Buffer.from(s.host)), vField(2, s.port), vField(3, BigInt(s.startCode))]);
  return withZkMetadata(processId, Buffer.concat([PBUF, bField(1, serverName), vField(2, 0), vField(3, infoPort)]));
}

/** HRegionServer.createMyEphemeralNode: RegionServerInfo{infoPort, VersionInfo} of `R/rs/<server>`. */
export function hbaseRegionServer(infoPort: number, version: string, processId: string): Buffer {
  const [major, minor] = version.split('.').map(Number);
  const info = Buffer.concat([
    bField(1, Buffer.from(version)),
    bField(2, Buffer.from('git://x')),
    bField(3, Buffer.from('abc')),
    bField(4, Buffer.from('hbase')),
    bField(5, Buffer.from('Mon')),
    bField(6, Buffer.from('00')),
    vField(7, major ?? 0),
    vField(8, minor ?? 0),
  ]);
  return withZkMetadata(processId, Buffer.concat([PBUF, vField(1, infoPort), bField(2, info)]));
}

// Solr
/** LeaderElector's election node prefix (EPHEMERAL_SEQUENTIAL appends the sequence): `<sessionId>-<nodeName>-n_`. */
export const solrElectionPrefix = (sessionId: Buffer, nodeName: string): string => `${sessionId.readBigInt64BE(0)}-${nodeName}-n_`;
/** OverseerElectionContext.runLeaderProcess: `R/overseer_elect/leader`, pretty-printed by Utils.toJSON. */
export const solrOverseerLeader = (electionNode: string): string => `{\n  "id":"${electionNode}"}`;

// Hadoop (protobuf, with the HBase helpers' field encoders)
const pbString = (field: number, text: string): Buffer => bField(field, Buffer.from(text, 'utf8'));
const pbInt = (field: number, n: number): Buffer => vField(field, n);

/** HDFS ActiveNodeInfo{nameserviceId 1, namenodeId 2, hostname 3, port 4, zkfcPort 5} (HAZKInfo.proto). */
export const hdfsActiveNodeInfo = (nameservice: string, namenode: string, host: string, port: number, zkfcPort: number): Buffer =>
  Buffer.concat([pbString(1, nameservice), pbString(2, namenode), pbString(3, host), pbInt(4, port), pbInt(5, zkfcPort)]);

/** YARN ActiveRMInfoProto{clusterId 1, rmId 2} (yarn_server_resourcemanager_service_protos.proto). */
export const yarnActiveRmInfo = (clusterId: string, rmId: string): Buffer => Buffer.concat([pbString(1, clusterId), pbString(2, rmId)]);
