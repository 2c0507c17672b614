/**
 * ACLs for digest auth. Our own nodes: the credentials' digest id may do everything, the world may
 * only read. The containers the agent creates (root, workers, status, election): the same plus
 * world CREATE, so other agents (any credentials, or none) can add their own nodes there, while
 * nobody else can delete ours (ZooKeeper checks DELETE on the parent) or overwrite them (WRITE on
 * the node itself). Without auth everything is world-all, as ZooKeeper's default OPEN_ACL_UNSAFE.
 */
import { createHash } from 'node:crypto';
import zookeeper, { type ACL } from 'node-zookeeper-client';

export interface AgentAcls {
  node: ACL[];
  container: ACL[];
}

/** ZooKeeper's DigestAuthenticationProvider id: `user:base64(sha1("user:password"))`. */
export function digestId(auth: string): string {
  const user = auth.slice(0, auth.indexOf(':'));
  return `${user}:${createHash('sha1').update(auth).digest('base64')}`;
}

const world = () => new zookeeper.Id('world', 'anyone');

export function aclsFor(auth: string | undefined): AgentAcls {
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
