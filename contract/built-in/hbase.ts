/**
 * `hbase` (docs/contract.md §8): Apache HBase under `zookeeper.znode.parent` (/hbase). Leader `R/master`,
 * candidates `R/backup-masters/<server>`, members (region servers) `R/rs/<server>`; a server is named
 * `host,port,startcode`, the data is binary: 0xFF + metadata + `PBUF` + protobuf. Split brain: the active
 * master still listed under backup-masters. Follows apache/hbase ZNodePaths.java 02dd2567037f,
 * MasterAddressTracker.java 07739e11d67c, ZKMetadata.java, ZooKeeper.proto 2333596279b6, HBase.proto
 * 000e4d12ba60, as read in contract/layouts/hbase.ts.
 */
import type { CandidateData, Decoded, Layout, LeaderData, MemberData, NodeClass } from '../layout.ts';
import { decodeHBaseMaster, decodeHBaseRegionServerInfo, parseHBaseServerName, type HBaseServerName } from '../layouts/hbase.ts';
import { decodeRaw, layoutPaths, memberData, NO_BEAT_NO_TASKS, NO_STATUS, NO_TASK, partsOf } from './common.ts';

const MASTER = 'master';
const BACKUPS = 'backup-masters';
const RS = 'rs';

const ROOT: NodeClass = { role: 'root' };
const OTHER: NodeClass = { role: 'other' };
const LEADER: NodeClass = { role: 'leader' };
const CONTAINERS: Readonly<Record<string, NodeClass>> = {
  [BACKUPS]: { role: 'container', holds: 'candidate' },
  [RS]: { role: 'container', holds: 'member' },
};

/** ServerName.toString(): the name HBase gives the server's nodes, so a master's id matches its backup node. */
const serverName = (s: HBaseServerName): string => `${s.host},${s.port ?? ''},${s.startCode ?? ''}`;

function classify(rel: string): NodeClass {
  const parts = partsOf(rel);
  if (parts === null) return OTHER;
  const [top, name] = parts;
  if (parts.length === 0) return ROOT;
  if (parts.length === 1) return top === MASTER ? LEADER : (top !== undefined && Object.hasOwn(CONTAINERS, top) ? CONTAINERS[top] : undefined) ?? OTHER;
  if (parts.length !== 2 || name === undefined) return OTHER;
  // backup masters have no sequence: seq 0 for all (HBase's split brain does not need an order)
  if (top === BACKUPS) return { role: 'candidate', node: name, seq: 0, id: name };
  if (top !== RS) return OTHER;
  const server = parseHBaseServerName(name);
  return server.ok ? { role: 'member', id: name, host: server.value.host } : { role: 'member', id: name };
}

const leader = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<LeaderData> =>
  decodeRaw(data, dataLength, bytes, decodeHBaseMaster, (m) => ({ id: serverName(m), since: null }));
const candidate = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<CandidateData> =>
  decodeRaw(data, dataLength, bytes, decodeHBaseMaster, (m) => ({ id: serverName(m) }));
const member = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<MemberData> =>
  decodeRaw(data, dataLength, bytes, decodeHBaseRegionServerInfo, (rs) => memberData({ meta: { infoPort: rs.infoPort, version: rs.version } }));

export const hbaseLayout: Layout = {
  name: 'hbase',
  watch: { containers: [{ path: BACKUPS, depth: 1 }, { path: RS, depth: 1 }], leaves: [MASTER] },
  classify,
  paths: layoutPaths({ leader: MASTER, candidate: (node) => `${BACKUPS}/${node}`, member: (id) => `${RS}/${id}` }),
  decode: { leader, candidate, member, status: NO_STATUS, task: NO_TASK },
  capabilities: { ...NO_BEAT_NO_TASKS, splitBrain: true },
  leaderRule: 'node',
  splitBrainCheck: 'leader-not-a-candidate',
};
