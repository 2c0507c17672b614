/** What ZooKeeper refused, for tests that check who may do what. */

/** ZooKeeper's NOAUTH error code: the client lacks the permission the ACL asks for */
export const NO_AUTH = -102;

/** The code of a node-zookeeper-client Exception (it rejects with those, not with Errors). */
export const codeOf = (err: unknown): number | undefined => (err as { getCode?: () => number } | undefined)?.getCode?.();

/** What a promise was rejected with, or undefined when it resolved. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err;
  }
}
