/**
 * `solr` (docs/contract.md §8): SolrCloud's Overseer election and live nodes under Solr's chroot. Leader
 * `R/overseer_elect/leader` (JSON `{"id": <the leader's election node name>}`), candidates
 * `R/overseer_elect/election/<session>-<node>-n_<seq>`, members `R/live_nodes/<host>:<port>_<context>`.
 * Split brain: the leader's id is not the lowest candidate's node name. Follows apache/solr
 * LeaderElector.java 02c81f8ab40f, OverseerElectionContext.java 509e72453497, ZkController.generateNodeName,
 * as read in contract/layouts/solr.ts.
 */
import type { Decoded, Layout, LeaderData, NodeClass } from '../layout.ts';
import { decodeSolrOverseerLeader, parseSolrElectionNode, parseSolrLiveNode } from '../layouts/solr.ts';
import { decodeText, layoutPaths, memberData, NO_BEAT_NO_TASKS, NO_STATUS, NO_TASK, partsOf } from './common.ts';

const ELECT = 'overseer_elect';
const ELECTION = `${ELECT}/election`;
const LEADER_NODE = `${ELECT}/leader`;
const LIVE = 'live_nodes';

const ROOT: NodeClass = { role: 'root' };
const OTHER: NodeClass = { role: 'other' };
const LEADER: NodeClass = { role: 'leader' };

function classify(rel: string): NodeClass {
  if (rel === LEADER_NODE) return LEADER;
  const parts = partsOf(rel);
  if (parts === null) return OTHER;
  if (parts.length === 0) return ROOT;
  if (rel === ELECTION) return { role: 'container', holds: 'candidate' };
  if (rel === LIVE) return { role: 'container', holds: 'member' };
  const [top, second, third] = parts;
  if (parts.length === 2 && top === LIVE && second !== undefined) {
    const node = parseSolrLiveNode(second);
    return node.ok ? { role: 'member', id: second, host: node.value.host } : { role: 'member', id: second };
  }
  if (parts.length === 3 && top === ELECT && second === 'election' && third !== undefined) {
    const node = parseSolrElectionNode(third);
    return node.ok ? { role: 'candidate', node: third, seq: node.value.seq, id: node.value.nodeName } : OTHER;
  }
  return OTHER;
}

const leader = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<LeaderData> =>
  decodeText(data, dataLength, bytes, decodeSolrOverseerLeader, (l) => ({ id: l.id, since: null }));

export const solrLayout: Layout = {
  name: 'solr',
  watch: { containers: [{ path: ELECTION, depth: 1 }, { path: LIVE, depth: 1 }], leaves: [LEADER_NODE] },
  classify,
  paths: layoutPaths({ leader: LEADER_NODE, candidate: (node) => `${ELECTION}/${node}`, member: (id) => `${LIVE}/${id}` }),
  decode: {
    leader,
    // election and live nodes hold no data (LeaderElector, ZkController): who they are is in the name
    candidate: () => ({ ok: true, value: { id: null } }),
    member: () => ({ ok: true, value: memberData({}) }),
    status: NO_STATUS,
    task: NO_TASK,
  },
  capabilities: { ...NO_BEAT_NO_TASKS, splitBrain: true },
  leaderRule: 'node',
  splitBrainCheck: 'leader-is-lowest-candidate',
};
