/**
 * The znodes of `haMode: shard` (docs/contract.md §11): `<haPath>/members/<instance>` (EPHEMERAL,
 * `{"id","since","ready","http"}`) and `<haPath>/owners/<unit>` (EPHEMERAL, `{"id","since"}`). Their
 * data is input like any other: decoding never throws, a node that is not what a collector writes is
 * taken as not ready / owner unknown.
 */
export interface MemberNode {
  id: string;
  since: number;
  ready: boolean;
  /** the collector's API base URL (null when it serves none) */
  http: string | null;
}

export function shardPaths(haPath: string): { members: string; owners: string } {
  return { members: `${haPath}/members`, owners: `${haPath}/owners` };
}

/** A unit as a znode name: cluster names and `ensemble:<name>` are safe; only `.`/`..` and `%` are escaped. */
export function unitNode(unit: string): string {
  const escaped = unit.replace(/%/g, '%25');
  return escaped === '.' || escaped === '..' ? escaped.replace(/\./g, '%2E') : escaped;
}

export function unitOfNode(node: string): string {
  return node.replace(/%2E/g, '.').replace(/%25/g, '%');
}

export function encodeMember(m: MemberNode): Buffer {
  return Buffer.from(JSON.stringify(m));
}

export function decodeMember(name: string, data: Buffer | null): MemberNode {
  try {
    const v = JSON.parse(data?.toString('utf8') ?? '') as Partial<MemberNode>;
    return { id: name, since: typeof v.since === 'number' ? v.since : 0, ready: v.ready === true, http: typeof v.http === 'string' ? v.http : null };
  } catch {
    return { id: name, since: 0, ready: false, http: null };
  }
}

export function encodeOwner(id: string, since: number): Buffer {
  return Buffer.from(JSON.stringify({ id, since }));
}

export function decodeOwner(data: Buffer | null): string | null {
  try {
    const v = JSON.parse(data?.toString('utf8') ?? '') as { id?: unknown };
    return typeof v.id === 'string' ? v.id : null;
  } catch {
    return null;
  }
}
