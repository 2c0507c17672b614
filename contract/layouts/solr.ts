/**
 * SolrCloud: the Overseer election and the live nodes, under Solr's chroot.
 *
 * Upstream read (apache/solr, main as stored by the code index, 2025):
 * - solr/core/src/java/org/apache/solr/cloud/LeaderElector.java (02c81f8ab40f): candidates are
 *   `<electionPath>/election/<sessionId>-<id>-n_<seq>` (EPHEMERAL_SEQUENTIAL; joinAtHead makes an EPHEMERAL
 *   one that copies the head's number), LEADER_SEQ `.*?/?.*?-n_(\d+)`, sortSeqs = by that number, then by
 *   name. For the Overseer, `<id>` is the node name (getNodeName takes what follows the first '-').
 * - solr/core/src/java/org/apache/solr/cloud/OverseerElectionContext.java (509e72453497): electionPath
 *   /overseer_elect, leaderPath /overseer_elect/leader (EPHEMERAL), data `Utils.toJSON(ZkNodeProps("id", id))`
 *   where id is the leader's *election node name* (leaderSeqPath after its last '/'), not its node name.
 * - ZkController.generateNodeName: live node = `host + ':' + port + '_' + URLEncoder.encode(context)`,
 *   e.g. `127.0.0.1:8983_solr`, as children of /live_nodes (EPHEMERAL, no data).
 */
import { fail, ok, jsonOf, type Decoded, type ZnodeText } from './decoded.ts';
import { readJsonObject } from './json-fields.ts';
import { sequenceSuffix } from './sequence.ts';

export interface SolrElectionNode {
  name: string;
  /** The ZooKeeper session id in decimal, as Solr wrote it. */
  sessionId: string;
  /** The candidate's node name (Overseer) or core node name (shard leader elections). */
  nodeName: string;
  seq: number;
}

/** An election child `<sessionId>-<nodeName>-n_<seq>`. */
export function parseSolrElectionNode(name: string): Decoded<SolrElectionNode> {
  const suffix = sequenceSuffix(name);
  if (suffix === null || !suffix.prefix.endsWith('-n_')) return fail(`election node ${JSON.stringify(name)} is not <session>-<node>-n_<seq>`);
  const head = suffix.prefix.slice(0, -3);
  const dash = head.indexOf('-');
  if (dash <= 0) return fail(`election node ${JSON.stringify(name)} has no <session>- prefix`);
  return ok({ name, sessionId: head.slice(0, dash), nodeName: head.slice(dash + 1), seq: suffix.seq });
}

export interface SolrOverseerLeader {
  /** The leader's election node name, e.g. "72057594037927936-127.0.0.1:8983_solr-n_0000000003". */
  id: string;
  /** That name parsed, or null when it is not an election node name. */
  election: SolrElectionNode | null;
}

export function decodeSolrOverseerLeader(data: ZnodeText): Decoded<SolrOverseerLeader> {
  return readJsonObject(jsonOf(data), 'overseer leader', (f) => {
    const id = f.string('id');
    const election = parseSolrElectionNode(id);
    return { id, election: election.ok ? election.value : null };
  });
}

export interface SolrLiveNode {
  host: string;
  port: number;
  /** The web context, URL-decoded ("solr"); "" for the root context. */
  context: string;
}

/** A /live_nodes child `host:port_context` (ZkController.generateNodeName). */
export function parseSolrLiveNode(name: string): Decoded<SolrLiveNode> {
  const m = /^(.+):(\d{1,5})_(.*)$/.exec(name);
  if (!m) return fail(`live node ${JSON.stringify(name)} is not host:port_context`);
  const port = Number(m[2]);
  if (port > 65535) return fail(`live node ${JSON.stringify(name)}: port ${port} out of range`);
  let context: string;
  try {
    context = decodeURIComponent(m[3]!.replace(/\+/g, ' '));
  } catch {
    return fail(`live node ${JSON.stringify(name)}: context is not URL-encoded text`);
  }
  return ok({ host: m[1]!, port, context });
}
