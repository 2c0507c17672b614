/** Waits, from a drill's own session, until the collector's notification log records a firing notice. */
import { PlainZk } from '../../stack/plain-zk.ts';
import { untilLoggedFiring as untilLogged } from '../../stack/nflog.ts';

export async function untilLoggedFiring(connectString: string, statePath: string): Promise<void> {
  const zk = await PlainZk.connect(connectString, 5000);
  try {
    await untilLogged(zk.client, statePath);
  } finally {
    await zk.close();
  }
}
