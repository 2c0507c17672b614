/** The session owning each ephemeral worker node: tells whether agents kept their sessions or re-registered. */
import zookeeper from 'node-zookeeper-client';

export async function ephemeralOwners(connectString: string, paths: readonly string[]): Promise<Map<string, string | null>> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: 5000, spinDelay: 100 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ZooKeeper session at ${connectString}`)), 15_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  try {
    const out = new Map<string, string | null>();
    for (const path of paths) {
      const stat = await new Promise<zookeeper.Stat | null>((resolve, reject) =>
        client.exists(path, (err, s) => (err ? reject(err) : resolve(s ?? null))),
      );
      out.set(path, stat ? stat.ephemeralOwner.toString('hex') : null);
    }
    return out;
  } finally {
    client.close();
  }
}
