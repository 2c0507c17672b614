/** The session owning each ephemeral worker node: tells whether agents kept their sessions or re-registered. */
import { PlainZk } from '../../stack/plain-zk.ts';

export async function ephemeralOwners(connectString: string, paths: readonly string[]): Promise<Map<string, string | null>> {
  const zk = await PlainZk.connect(connectString, 5000);
  try {
    const out = new Map<string, string | null>();
    for (const path of paths) {
      const stat = await zk.exists(path);
      out.set(path, stat ? stat.ephemeralOwner.toString('hex') : null);
    }
    return out;
  } finally {
    await zk.close();
  }
}
