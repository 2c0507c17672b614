/**
 * The ACLs `zkpulse init` gives a cluster root (docs/security.md has the table). Pure.
 *
 * ZooKeeper checks CREATE and DELETE on the PARENT of the node created or deleted, READ (data and
 * children) and WRITE on the node itself, and ADMIN for setACL. So:
 * - agents get READ | CREATE | DELETE on R and its containers: they create and remove their own
 *   R/master, R/election/n_…, R/workers/<id>, R/status/<task>, R/tasks/…, R/assign/…;
 * - the collector gets READ on them: it lists and reads everything, changes nothing;
 * - the admin (or, without one, the agent identity) gets ALL, ADMIN included, so a re-run can fix ACLs;
 * - anyone else gets nothing on these nodes: no listing, no create (no forged R/master), no delete.
 * The leaves the agent library creates carry its own ACL (agent ALL + world READ, agent/acl.ts).
 */
import { ASSIGN, ELECTION, STATUS, TASKS, WORKERS } from '../../contract/zkpulse/paths.ts';
import { digestId } from '../../zk/acl.ts';

export const PERM = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

export interface AclEntry {
  perms: number;
  scheme: 'digest' | 'world';
  id: string;
}

export interface InitIdentities {
  /** "user:password" of the collector (--collector-auth) */
  collector: string;
  /** "user:password" shared by the agents (--agent-auth) */
  agent: string;
  /** "user:password" of whoever administers the ACLs (--admin-auth); the agent identity when absent */
  admin?: string;
}

export interface PlannedNode {
  path: string;
  acl: AclEntry[];
  /** true for R's missing ancestors: created when absent, never changed when present */
  ancestor: boolean;
}

/** The containers of the zkpulse layout (docs/contract.md §2), in the order init makes sure of them. */
export const CONTAINERS = [ELECTION, WORKERS, TASKS, ASSIGN, STATUS] as const;

const digest = (auth: string, perms: number): AclEntry => ({ perms, scheme: 'digest', id: digestId(auth) });

/** One ACL entry per identity: permissions of identities that are the same credentials are OR-ed. */
function merge(entries: AclEntry[]): AclEntry[] {
  const byId = new Map<string, AclEntry>();
  for (const e of entries) {
    const key = `${e.scheme}:${e.id}`;
    const have = byId.get(key);
    byId.set(key, have ? { ...have, perms: have.perms | e.perms } : e);
  }
  return [...byId.values()];
}

/** The ACL of R and of each container. */
export function containerAcl(ids: InitIdentities): AclEntry[] {
  return merge([
    digest(ids.admin ?? ids.agent, PERM.ALL),
    digest(ids.agent, PERM.READ | PERM.CREATE | PERM.DELETE),
    digest(ids.collector, PERM.READ),
  ]);
}

/** The ACL of a missing ancestor of R: the admin may do everything, the others may only pass through. */
export function ancestorAcl(ids: InitIdentities): AclEntry[] {
  return merge([digest(ids.admin ?? ids.agent, PERM.ALL), digest(ids.agent, PERM.READ), digest(ids.collector, PERM.READ)]);
}

/** Every node init makes sure of, parents before children. `root` is a checked absolute path. */
export function initPlan(root: string, ids: InitIdentities): PlannedNode[] {
  const segments = root.slice(1).split('/');
  const ancestors = segments.slice(0, -1).map((_, i) => `/${segments.slice(0, i + 1).join('/')}`);
  return [
    ...ancestors.map((path) => ({ path, acl: ancestorAcl(ids), ancestor: true })),
    { path: root, acl: containerAcl(ids), ancestor: false },
    ...CONTAINERS.map((c) => ({ path: `${root}/${c}`, acl: containerAcl(ids), ancestor: false })),
  ];
}

/** Same entries, in any order? */
export function sameAcl(a: readonly AclEntry[], b: readonly AclEntry[]): boolean {
  const key = (e: AclEntry) => `${e.scheme}:${e.id}:${e.perms}`;
  const as = a.map(key).sort();
  const bs = b.map(key).sort();
  return as.length === bs.length && as.every((k, i) => k === bs[i]);
}
