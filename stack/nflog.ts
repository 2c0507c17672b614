/**
 * The notification log the collector keeps in ZooKeeper. A delivery is logged right after the receiver
 * answered; a collector killed in between re-sends it (at least once, docs/ha.md). Tests and drills
 * that kill a collector "after a notice" wait until the log holds it, which is the guarantee they check.
 */
import type { Client } from 'node-zookeeper-client';
import type { NflogSnapshot } from '../alerts/notify/nflog.ts';
import { NFLOG_KEY } from '../alerts/store/merges.ts';
import { ZkStateStore } from '../alerts/store/zk-state-store.ts';
import { clientSource, ZkOps } from '../zk/ops.ts';
import { until } from './poll.ts';

/** Resolves once the notification log under `statePath` has an entry with a firing alert. */
export async function untilLoggedFiring(client: Client, statePath: string): Promise<void> {
  const store = new ZkStateStore({ zk: new ZkOps(clientSource(client), { timeoutMs: 10_000 }), path: statePath });
  await until(
    'the notification log in ZooKeeper to record the firing notice',
    async () => ((await store.load()).get(NFLOG_KEY) ?? []) as NflogSnapshot,
    (log) => log.some((e) => e.firing.length > 0),
    10_000,
    20,
  );
}
