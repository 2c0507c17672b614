/**
 * ACLs for digest auth. Our own nodes: the credentials' digest id may do everything, the world may
 * only read. The containers the agent creates (root, workers, status, election): the same plus
 * world CREATE, so other agents (any credentials, or none) can add their own nodes there, while
 * nobody else can delete ours (ZooKeeper checks DELETE on the parent) or overwrite them (WRITE on
 * the node itself). Without auth everything is world-all, as ZooKeeper's default OPEN_ACL_UNSAFE.
 */
import { createHash } from 'node:crypto';
import zookeeper, { type ACL } from 'node-zookeeper-client';

export type { ACL };

/** ZooKeeper's permission bits (READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16, ALL 31). */
export const Permission = zookeeper.Permission;

/** One ACL entry: `perms` for `scheme:id` (digest ids as digestId gives them). */
export function aclEntry(perms: number, scheme: string, id: string): ACL {
  return new zookeeper.ACL(perms, new zookeeper.Id(scheme, id));
}

/** The permission bits of an ACL entry: the library's objects carry `permission` at runtime (its typings say `perms`). */
export function permsOf(a: ACL): number {
  const raw = a as unknown as { permission?: number; perms?: number };
  return raw.permission ?? raw.perms ?? 0;
}

export interface NodeAcls {
  node: ACL[];
  container: ACL[];
}

/** ZooKeeper's DigestAuthenticationProvider id: `user:base64(sha1("user:password"))`. */
export function digestId(auth: string): string {
  const user = auth.slice(0, auth.indexOf(':'));
  return `${user}:${createHash('sha1').update(auth).digest('base64')}`;
}

const world = () => new zookeeper.Id('world', 'anyone');

export function aclsFor(auth: string | undefined): NodeAcls {
  const { Permission } = zookeeper;
  if (!auth) {
    const open = [new zookeeper.ACL(Permission.ALL, world())];
    return { node: open, container: open };
  }
  const owner = new zookeeper.ACL(Permission.ALL, new zookeeper.Id('digest', digestId(auth)));
  return {
    node: [owner, new zookeeper.ACL(Permission.READ, world())],
    container: [owner, new zookeeper.ACL(Permission.READ | Permission.CREATE, world())],
  };
}
