import type { Client } from 'node-zookeeper-client';

/** how long closing a session waits for the server's answer */
export const SESSION_CLOSE_DEADLINE_MS = 1000;

/**
 * Closes a node-zookeeper-client session and resolves once the client says it is disconnected, or
 * after `deadlineMs` (the library never answers when the server is gone). The timer is not unref'd:
 * a process with nothing else to do must still finish closing.
 */
export function closeClient(client: Client, deadlineMs = SESSION_CLOSE_DEADLINE_MS): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, deadlineMs);
    client.once('disconnected', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      client.close();
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
