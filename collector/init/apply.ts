/**
 * `zkpulse init` against ZooKeeper: create what is missing with its ACL, fix the ACL of what exists
 * (R and its containers only; existing ancestors are left alone). Idempotent.
 */
import zookeeper, { type ACL, type Client } from 'node-zookeeper-client';
import { initPlan, sameAcl, type AclEntry, type InitIdentities } from './acl-plan.ts';

export type InitAction = 'created' | 'fixed' | 'ok' | 'kept';

export interface InitResult {
  path: string;
  action: InitAction;
}

const NO_NODE = -101;
const NODE_EXISTS = -110;

const codeOf = (err: unknown) => (err as { getCode?: () => number } | null)?.getCode?.();

function toZk(acl: readonly AclEntry[]): ACL[] {
  return acl.map((e) => new zookeeper.ACL(e.perms, new zookeeper.Id(e.scheme, e.id)));
}

/** The library's ACL objects carry `permission` at runtime (its typings say `perms`). */
function fromZk(acls: readonly ACL[]): AclEntry[] {
  return acls.map((a) => {
    const raw = a as unknown as { permission?: number; perms?: number };
    return { perms: raw.permission ?? raw.perms ?? 0, scheme: a.id.scheme as AclEntry['scheme'], id: a.id.id };
  });
}

function call<T>(run: (cb: (err: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
}

/** Runs the plan on a connected client authenticated as the admin (or agent) identity. */
export async function applyInit(client: Client, root: string, ids: InitIdentities): Promise<InitResult[]> {
  const results: InitResult[] = [];
  for (const node of initPlan(root, ids)) {
    const acl = toZk(node.acl);
    try {
      await call<string>((cb) => client.create(node.path, Buffer.alloc(0), acl, zookeeper.CreateMode.PERSISTENT, (e, p) => cb(e, p)));
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
      current = await call<ACL[]>((cb) => client.getACL(node.path, (e, a) => cb(e, a)));
    } catch (err) {
      if (codeOf(err) === NO_NODE) throw new Error(`init: ${node.path} was deleted while init ran; run it again`);
      throw new Error(`init: cannot read the ACL of ${node.path}: ${String(err)}`);
    }
    if (sameAcl(fromZk(current), node.acl)) {
      results.push({ path: node.path, action: 'ok' });
      continue;
    }
    try {
      await call((cb) => client.setACL(node.path, acl, -1, (e, s) => cb(e, s)));
    } catch (err) {
      throw new Error(`init: cannot set the ACL of ${node.path} (the init identity needs ADMIN on it): ${String(err)}`);
    }
    results.push({ path: node.path, action: 'fixed' });
  }
  return results;
}
