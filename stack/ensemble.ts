import { freePort } from './ports.ts';
import { pollUntil } from './wait.ts';
import { acceptsSession } from './session-check.ts';
import { ZooKeeperServer, type RunningZooKeeper, type ZooKeeperOptions } from './zookeeper.ts';
import type { QuorumMember } from './zookeeper-config.ts';

export interface RunningEnsemble {
  /** All members: "127.0.0.1:A,127.0.0.1:B,127.0.0.1:C". */
  connectString: string;
  members: RunningZooKeeper[];
  /** The member whose `srvr` says `Mode: leader` (waits up to 60 s for an election to finish). */
  leader(): Promise<RunningZooKeeper>;
  /** Stops every member and removes their temp dirs. */
  stop(): Promise<void>;
}

const QUORUM_MODES = new Set(['leader', 'follower']);

/** Per-server options of an ensemble: the same for all, or one entry per member (by index). */
export type EnsembleServerOptions = Pick<ZooKeeperOptions, 'admin' | 'fourLetterWhitelist'>;

/** Starts `size` ZooKeeper servers forming one ensemble on loopback; resolves when all are leader/follower. */
export async function startEnsemble(size = 3, options: EnsembleServerOptions | EnsembleServerOptions[] = {}): Promise<RunningEnsemble> {
  if (!Number.isInteger(size) || size < 1) throw new Error(`startEnsemble: size must be a positive integer, got ${size}`);
  const quorum: QuorumMember[] = [];
  for (let id = 1; id <= size; id++) quorum.push({ id, peerPort: await freePort(), electionPort: await freePort() });
  const optionsOf = (index: number): EnsembleServerOptions => (Array.isArray(options) ? (options[index] ?? {}) : options);
  const members = await Promise.all(quorum.map((member, index) => ZooKeeperServer.create({ ...optionsOf(index), myid: member.id, quorum })));
  const stop = async (): Promise<void> => {
    await Promise.all(members.map((member) => member.stop()));
  };
  try {
    for (const member of members) member.spawn();
    await Promise.all(
      members.map((member) =>
        member.waitUntil('to join the quorum (Mode leader/follower) and accept a session', async () => {
          const mode = await member.mode();
          return mode !== undefined && QUORUM_MODES.has(mode) && (await acceptsSession(member.connectString, 2000));
        }),
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    connectString: members.map((member) => member.connectString).join(','),
    members,
    leader: () => findLeader(members),
    stop,
  };
}

async function findLeader(members: ZooKeeperServer[]): Promise<RunningZooKeeper> {
  let leader: ZooKeeperServer | undefined;
  await pollUntil(
    async () => {
      const modes = await Promise.all(members.map((member) => member.mode()));
      leader = members[modes.indexOf('leader')];
      return leader !== undefined;
    },
    { what: 'an ensemble member to report Mode: leader', timeoutMs: 60_000, intervalMs: 100 },
  );
  if (!leader) throw new Error('no leader');
  return leader;
}
