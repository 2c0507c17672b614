/**
 * What the ZooKeeper server itself holds, from its `cons` four-letter word: lets a test await the
 * server expiring a partitioned client's session instead of sleeping past the session timeout.
 */
import { fourLetterWord } from '../../stack/index.ts';
import { until } from './poll.ts';

function portOf(connectString: string): number {
  const port = Number(/:(\d+)/.exec(connectString.split(',')[0] ?? '')?.[1]);
  if (!Number.isInteger(port)) throw new Error(`no port in ${connectString}`);
  return port;
}

/** `sid=0x…` as `cons` prints it (no leading zeros), for a session id of 16 hex digits. */
function sidPattern(sessionId: string): RegExp {
  return new RegExp(`sid=0x${BigInt(`0x${sessionId}`).toString(16)}(?![0-9a-f])`);
}

/** Whether the server at `connectString` has a connection of session `sessionId` (16 hex digits). */
export async function serverHasSession(connectString: string, sessionId: string): Promise<boolean> {
  return sidPattern(sessionId).test(await fourLetterWord(portOf(connectString), 'cons'));
}

/**
 * Resolves once the server at `connectString` no longer holds session `sessionId`: it expired it and
 * closed its connection. Checks first that the server held it, so that a wrong id cannot pass at once.
 */
export async function sessionExpiredOnServer(connectString: string, sessionId: string, ms = 20_000): Promise<void> {
  if (!(await serverHasSession(connectString, sessionId))) throw new Error(`the server at ${connectString} does not hold session ${sessionId}`);
  await until(`the server to expire session ${sessionId}`, () => serverHasSession(connectString, sessionId), (held) => !held, ms, 100);
}
