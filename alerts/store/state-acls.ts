/**
 * The start-up check of the alert state's ACLs (docs/security.md). With `--zk-auth` the state nodes
 * are the collector's: its digest identity may do everything, anyone else may at most read. A state
 * node found with a wider ACL (world-writable, as earlier versions created them, or pre-created by
 * someone else) is set back to that ACL when the collector has ADMIN on it, and reported otherwise.
 * The nodes checked: the state path, its keys and their chunk nodes. Its ancestors are not changed
 * (they may be shared): once the state node exists, a wider ACL above it gives no access to the state.
 */
import { Permission, permsOf } from '../../zk/acl.ts';
import { NO_AUTH, NO_NODE, zkErrorCode as codeOf } from '../../zk/errors.ts';
import type { ACL, ZkOps } from '../../zk/ops.ts';

export interface StateAclReport {
  /** nodes whose ACL was wider and is now the collector's */
  fixed: string[];
  /** nodes still wider than the collector's ACL: who may do what, and why it was not fixed */
  wide: Array<{ path: string; acl: string; reason: string }>;
}

function letters(perms: number): string {
  return (['r', 'w', 'c', 'd', 'a'] as const).map((l, i) => (perms & (1 << i) ? l : '-')).join('');
}

/** `world:anyone=rwcda, digest:zkpulse=r----`, for people (a digest's password hash left out). */
export function describeAcl(acls: readonly ACL[]): string {
  return acls.map((a) => `${a.id.scheme}:${a.id.scheme === 'digest' ? a.id.id.split(':')[0] : a.id.id}=${letters(permsOf(a))}`).join(', ');
}

/**
 * Whether anyone but `ownerDigestId` may do more than read. Pure. ZooKeeper shows a digest's hash only
 * to a client with ADMIN on the node (`user:x` otherwise): such an entry is not taken as ours.
 */
export function widerThanOwner(acls: readonly ACL[], ownerDigestId: string): boolean {
  return acls.some((a) => !(a.id.scheme === 'digest' && a.id.id === ownerDigestId) && (permsOf(a) & ~Permission.READ) !== 0);
}

/**
 * Checks (and where it can, fixes) the ACL of `path`, of its children named in `keys`, and of their
 * children. `acls` is the collector's node ACL, `ownerDigestId` its digest id.
 */
export async function secureStateNodes(
  zk: ZkOps,
  path: string,
  keys: readonly string[],
  acls: ACL[],
  ownerDigestId: string,
): Promise<StateAclReport> {
  const report: StateAclReport = { fixed: [], wide: [] };
  const nodes = [path];
  for (const key of keys) {
    const keyPath = `${path}/${key}`;
    nodes.push(keyPath);
    try {
      // an absent key has no chunks
      nodes.push(...((await zk.getChildren(keyPath))?.children ?? []).map((c) => `${keyPath}/${c}`));
    } catch (err) {
      // one we may not list is reported below with its ACL
      if (codeOf(err) !== NO_AUTH) throw err;
    }
  }
  await Promise.all(nodes.map((node) => checkNode(zk, node, acls, ownerDigestId, report)));
  report.fixed.sort();
  report.wide.sort((a, b) => a.path.localeCompare(b.path));
  return report;
}

async function checkNode(zk: ZkOps, node: string, acls: ACL[], owner: string, report: StateAclReport): Promise<void> {
  let current: ACL[];
  try {
    current = await zk.getACL(node);
  } catch (err) {
    if (codeOf(err) === NO_NODE) return;
    if (codeOf(err) === NO_AUTH) {
      report.wide.push({ path: node, acl: 'unreadable', reason: 'the collector may not even read its ACL: it was not created by this identity' });
      return;
    }
    throw err;
  }
  if (!widerThanOwner(current, owner)) return;
  try {
    await zk.setACL(node, acls);
    report.fixed.push(node);
  } catch (err) {
    if (codeOf(err) === NO_NODE) return;
    if (codeOf(err) !== NO_AUTH) throw err;
    report.wide.push({ path: node, acl: describeAcl(current), reason: 'the collector has no ADMIN permission on it' });
  }
}
