// Moved to stack/ (drills, bench and scripts use it too); tests keep importing it from here.
export * from '../../stack/plain-zk.ts';

import type { ExecutionContext } from 'ava';
import { PlainZk } from '../../stack/plain-zk.ts';

/** A plain client for one test, closed when the test ends. */
export async function connectPlain(t: ExecutionContext, zkAddr: string): Promise<PlainZk> {
  const zk = await PlainZk.connect(zkAddr);
  t.teardown(() => zk.close());
  return zk;
}

/** The children of `path`; none when it does not exist (or the read failed). */
export function childrenOf(zk: PlainZk, path: string): Promise<string[]> {
  return new Promise((resolve) => zk.client.getChildren(path, (err, kids) => resolve(err ? [] : kids)));
}
