/** Promise wrappers of the node-zookeeper-client calls the state store uses. */
import zookeeper, { type ACL, type Client, type Stat } from 'node-zookeeper-client';

export const BAD_VERSION = zookeeper.Exception.BAD_VERSION;
export const NO_NODE = zookeeper.Exception.NO_NODE;
export const NODE_EXISTS = zookeeper.Exception.NODE_EXISTS;

export function codeOf(err: unknown): number | undefined {
  const e = err as { getCode?: () => number } | null;
  return typeof e?.getCode === 'function' ? e.getCode() : undefined;
}

export function getData(client: Client, path: string): Promise<{ data: Buffer | undefined; stat: Stat }> {
  return new Promise((resolve, reject) =>
    client.getData(path, (err, data, stat) => (err ? reject(err) : resolve({ data, stat }))),
  );
}

export function getChildren(client: Client, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => client.getChildren(path, (err, children) => (err ? reject(err) : resolve(children))));
}

export function create(client: Client, path: string, data: Buffer, acls: ACL[]): Promise<void> {
  return new Promise((resolve, reject) =>
    client.create(path, data, acls, zookeeper.CreateMode.PERSISTENT, (err) => (err ? reject(err) : resolve())),
  );
}

export function mkdirp(client: Client, path: string, acls: ACL[]): Promise<void> {
  return new Promise((resolve, reject) =>
    client.mkdirp(path, Buffer.alloc(0), acls, zookeeper.CreateMode.PERSISTENT, (err) => (err ? reject(err) : resolve())),
  );
}

export function remove(client: Client, path: string): Promise<void> {
  return new Promise((resolve, reject) =>
    client.remove(path, -1, (err) => (err && codeOf(err) !== NO_NODE ? reject(err) : resolve())),
  );
}

/** setData(path, data, version) plus removals, atomically. */
export function setAndRemove(client: Client, path: string, data: Buffer, version: number, removals: readonly string[]): Promise<void> {
  const tx = client.transaction().setData(path, data, version);
  for (const r of removals) tx.remove(r, -1);
  return new Promise((resolve, reject) => tx.commit((err) => (err ? reject(err) : resolve())));
}

export const NO_AUTH = zookeeper.Exception.NO_AUTH;

export function getACL(client: Client, path: string): Promise<ACL[]> {
  return new Promise((resolve, reject) => client.getACL(path, (err, acls) => (err ? reject(err) : resolve(acls))));
}

export function setACL(client: Client, path: string, acls: ACL[]): Promise<void> {
  return new Promise((resolve, reject) => client.setACL(path, acls, -1, (err) => (err ? reject(err) : resolve())));
}
