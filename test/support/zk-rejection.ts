/** What ZooKeeper refused, for tests that check who may do what. */

/** NO_AUTH: the client lacks the permission the ACL asks for; codeOf: the code of a library exception. */
export { NO_AUTH, zkErrorCode as codeOf } from '../../zk/errors.ts';

/** What a promise was rejected with, or undefined when it resolved. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err;
  }
}
