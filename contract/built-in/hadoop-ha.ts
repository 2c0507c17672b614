/**
 * `hdfs-ha` and `yarn-ha` (docs/contract.md §8): Hadoop's ActiveStandbyElector. Root = the elector's parent
 * znode (`/hadoop-ha/<nameservice>`, `/yarn-leader-election/<cluster>`); the leader is
 * `R/ActiveStandbyElectorLock` (EPHEMERAL), its data a protobuf: HDFS ActiveNodeInfo (nameservice, namenode,
 * host, port, zkfc port), YARN ActiveRMInfoProto (cluster id, rm id). Standbys write no node: no candidates,
 * no members. Follows apache/hadoop ActiveStandbyElector.java 00e37c8ed9aa, HAZKInfo.proto 35e59f0475ec, YARN
 * ActiveStandbyElectorBasedElectorService.createActiveNodeInfo, as read in contract/layouts/hadoop-ha.ts.
 */
import type { Decoded, Layout, LeaderData, NodeClass } from '../layout.ts';
import { decodeHdfsActiveNodeInfo, decodeYarnActiveRmInfo, HADOOP_LOCK_NODE } from '../layouts/hadoop-ha.ts';
import { decodeRaw, layoutPaths, NO_BEAT_NO_TASKS, NO_CANDIDATE, NO_MEMBER, NO_STATUS, NO_TASK } from './common.ts';

const ROOT: NodeClass = { role: 'root' };
const OTHER: NodeClass = { role: 'other' };
const LEADER: NodeClass = { role: 'leader' };

const classify = (rel: string): NodeClass => (rel === HADOOP_LOCK_NODE ? LEADER : rel === '' ? ROOT : OTHER);

function electorLayout(name: string, leader: Layout['decode']['leader']): Layout {
  return {
    name,
    watch: { containers: [], leaves: [HADOOP_LOCK_NODE] },
    classify,
    paths: layoutPaths({ leader: HADOOP_LOCK_NODE }),
    decode: { leader, candidate: NO_CANDIDATE, member: NO_MEMBER, status: NO_STATUS, task: NO_TASK },
    capabilities: { ...NO_BEAT_NO_TASKS, splitBrain: false },
    leaderRule: 'node',
  };
}

/** HDFS: the active NameNode's id (namenodeId; host and port are in the data). */
const hdfsLeader = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<LeaderData> =>
  decodeRaw(data, dataLength, bytes, decodeHdfsActiveNodeInfo, (n) => ({ id: n.namenodeId, since: null }));
/** YARN: the active ResourceManager's rmId. */
const yarnLeader = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<LeaderData> =>
  decodeRaw(data, dataLength, bytes, decodeYarnActiveRmInfo, (r) => ({ id: r.rmId, since: null }));

export const hdfsHaLayout = electorLayout('hdfs-ha', hdfsLeader);
export const yarnHaLayout = electorLayout('yarn-ha', yarnLeader);
