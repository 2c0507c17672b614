import type { Client } from 'node-zookeeper-client';

/**
 * Closes a node-zookeeper-client session and resolves once the client says it is disconnected, or
 * after `deadlineMs` (the library never answers when the server is gone). The timer is not unref'd:
 * a process with nothing else to do must still finish closing.
 */
export function closeClient(client: Client, deadlineMs = 1000): Promise<void> {
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
