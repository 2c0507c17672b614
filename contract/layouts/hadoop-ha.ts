/**
 * Hadoop HA: the ZKFC's ActiveStandbyElector lock for HDFS NameNodes, and YARN's embedded elector for
 * ResourceManagers. Both are ActiveStandbyElector: `<parent>/ActiveStandbyElectorLock` (EPHEMERAL, the
 * active's data) and `<parent>/ActiveBreadCrumb` (PERSISTENT, the last active's data, for fencing).
 *
 * Upstream read (apache/hadoop, trunk as stored by the code index, 2025):
 * - hadoop-common-project/hadoop-common/src/main/java/org/apache/hadoop/ha/ActiveStandbyElector.java
 *   (00e37c8ed9aa): LOCK_FILENAME "ActiveStandbyElectorLock", BREADCRUMB_FILENAME "ActiveBreadCrumb",
 *   znodeWorkingDir = the parent znode given by the caller. Data is the caller's bytes, no framing.
 * - HDFS: DFSZKFailoverController.targetToData writes ActiveNodeInfo; parent `ha.zookeeper.parent-znode`
 *   (default /hadoop-ha) + "/" + nameservice. hadoop-hdfs-project/hadoop-hdfs/src/main/proto/HAZKInfo.proto
 *   (35e59f0475ec): message ActiveNodeInfo { required string nameserviceId = 1; required string namenodeId = 2;
 *   required string hostname = 3; required int32 port = 4; required int32 zkfcPort = 5; }
 * - YARN: ActiveStandbyElectorBasedElectorService.createActiveNodeInfo writes a *different* message,
 *   YarnServerResourceManagerServiceProtos.ActiveRMInfoProto{clusterId = 1, rmId = 2} (both optional since
 *   YARN-1579); parent `yarn.resourcemanager.ha.automatic-failover.zk-base-path` (default
 *   /yarn-leader-election) + "/" + cluster id.
 */
import { fail, type Decoded, type ZnodeData } from './decoded.ts';
import { decodeMessage, Message } from './protobuf.ts';

export const HADOOP_LOCK_NODE = 'ActiveStandbyElectorLock';
export const HADOOP_BREADCRUMB_NODE = 'ActiveBreadCrumb';

export interface HdfsActiveNodeInfo {
  nameserviceId: string;
  namenodeId: string;
  hostname: string;
  port: number;
  zkfcPort: number;
}

export function decodeHdfsActiveNodeInfo(data: ZnodeData): Decoded<HdfsActiveNodeInfo> {
  if (!data || data.length === 0) return fail('no data (expected an ActiveNodeInfo protobuf)');
  return decodeMessage(data, 'ActiveNodeInfo', (m) => ({
    nameserviceId: Message.required(m.string(1, 'nameserviceId'), 1, 'nameserviceId'),
    namenodeId: Message.required(m.string(2, 'namenodeId'), 2, 'namenodeId'),
    hostname: Message.required(m.string(3, 'hostname'), 3, 'hostname'),
    port: Message.required(m.int32(4, 'port'), 4, 'port'),
    zkfcPort: Message.required(m.int32(5, 'zkfcPort'), 5, 'zkfcPort'),
  }));
}

export interface YarnActiveRmInfo {
  clusterId: string | null;
  rmId: string | null;
}

export function decodeYarnActiveRmInfo(data: ZnodeData): Decoded<YarnActiveRmInfo> {
  if (!data || data.length === 0) return fail('no data (expected an ActiveRMInfoProto protobuf)');
  return decodeMessage(data, 'ActiveRMInfoProto', (m) => ({
    clusterId: m.string(1, 'clusterId') ?? null,
    rmId: m.string(2, 'rmId') ?? null,
  }));
}
