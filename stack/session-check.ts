import zookeeper from 'node-zookeeper-client';

/** True when the server at `connectString` hands out a session within `timeoutMs` (the session is closed again). */
export function acceptsSession(connectString: string, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const client = zookeeper.createClient(connectString, { sessionTimeout: 4000, spinDelay: 100, retries: 0 });
    const timer = setTimeout(() => finish(false), timeoutMs);
    function finish(ok: boolean): void {
      clearTimeout(timer);
      client.close();
      resolve(ok);
    }
    client.once('connected', () => finish(true));
    client.connect();
  });
}
