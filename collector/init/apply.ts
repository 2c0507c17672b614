/**
 * `zkpulse init` against ZooKeeper: create what is missing with its ACL, fix the ACL of what exists
 * (R and its containers only; existing ancestors are left alone). Idempotent.
 */
import { aclEntry, permsOf, type ACL } from '../../zk/acl.ts';
import { NODE_EXISTS, NO_NODE, zkErrorCode as codeOf } from '../../zk/errors.ts';
import { CreateMode, type ZkOps } from '../../zk/ops.ts';
import { initPlan, sameAcl, type AclEntry, type InitIdentities } from './acl-plan.ts';

export type InitAction = 'created' | 'fixed' | 'ok' | 'kept';

export interface InitResult {
  path: string;
  action: InitAction;
}

function toZk(acl: readonly AclEntry[]): ACL[] {
  return acl.map((e) => aclEntry(e.perms, e.scheme, e.id));
}

function fromZk(acls: readonly ACL[]): AclEntry[] {
  return acls.map((a) => ({ perms: permsOf(a), scheme: a.id.scheme as AclEntry['scheme'], id: a.id.id }));
}

/** Runs the plan on a connected session authenticated as the admin (or agent) identity. */
export async function applyInit(zk: ZkOps, root: string, ids: InitIdentities): Promise<InitResult[]> {
  const results: InitResult[] = [];
  for (const node of initPlan(root, ids)) {
    const acl = toZk(node.acl);
    try {
      await zk.create(node.path, Buffer.alloc(0), acl, CreateMode.PERSISTENT);
      results.push({ path: node.path, action: 'created' });
      continue;
    } catch (err) {
      if (codeOf(err) !== NODE_EXISTS) throw new Error(`init: cannot create ${node.path}: ${String(err)}`);
    }
    if (node.ancestor) {
      results.push({ path: node.path, action: 'kept' });
      continue;
    }
    let current: ACL[];
    try {
      current = await zk.getACL(node.path);
    } catch (err) {
      if (codeOf(err) === NO_NODE) throw new Error(`init: ${node.path} was deleted while init ran; run it again`);
      throw new Error(`init: cannot read the ACL of ${node.path}: ${String(err)}`);
    }
    if (sameAcl(fromZk(current), node.acl)) {
      results.push({ path: node.path, action: 'ok' });
      continue;
    }
    try {
      await zk.setACL(node.path, acl);
    } catch (err) {
      throw new Error(`init: cannot set the ACL of ${node.path} (the init identity needs ADMIN on it): ${String(err)}`);
    }
    results.push({ path: node.path, action: 'fixed' });
  }
  return results;
}
