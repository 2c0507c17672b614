/**
 * `zkpulse demo --layout curator-leader-latch`: participants of an Apache Curator LeaderLatch. Each is its own
 * session and creates what LeaderLatch.start() creates (stack/upstream-bytes.ts): `R/_c_<uuid>-latch-<seq>`,
 * EPHEMERAL_SEQUENTIAL, with its participant id as data; the lowest sequence leads. close() deletes the node
 * first, as LeaderLatch.close() does; a crash just ends the session.
 */
import { joinPath } from '../contract/paths.ts';
import { PlainZk } from '../stack/plain-zk.ts';
import { curatorLatchPrefix } from '../stack/upstream-bytes.ts';
import type { ForeignClusterOptions, ForeignProcess, ForeignProgram } from './foreign-cluster.ts';

class LatchParticipant implements ForeignProcess {
  private constructor(
    readonly id: string,
    private readonly zk: PlainZk,
    readonly path: string,
    readonly seq: number,
  ) {}

  static async start(opts: ForeignClusterOptions, id: string): Promise<LatchParticipant> {
    const zk = await PlainZk.connect(opts.connectString, opts.sessionTimeoutMs ?? 4000);
    try {
      const path = await zk.create(joinPath(opts.root, curatorLatchPrefix()), id, 'sequential');
      return new LatchParticipant(id, zk, path, Number(path.slice(-10)));
    } catch (err) {
      await zk.close();
      throw err;
    }
  }

  kill(): Promise<void> {
    return this.zk.close();
  }

  async leave(): Promise<void> {
    await this.zk.remove(this.path).catch(() => undefined);
    await this.zk.close();
  }

  onExpired(fn: () => void): void {
    this.zk.onExpired(fn);
  }
}

export function curatorLatchProgram(opts: ForeignClusterOptions): ForeignProgram<LatchParticipant> {
  let admin: PlainZk | null = null;
  return {
    ids: Array.from({ length: opts.members }, (_, i) => `participant-${i + 1}`),
    async setup() {
      // creatingParentContainersIfNeeded(): the latch path exists before the first child
      admin = await PlainZk.connect(opts.connectString, opts.sessionTimeoutMs ?? 4000);
      await admin.mkdirp(opts.root);
    },
    start: (id) => LatchParticipant.start(opts, id),
    leader(up) {
      let best: LatchParticipant | undefined;
      for (const p of up.values()) if (best === undefined || p.seq < best.seq) best = p;
      return best;
    },
    async close() {
      await admin?.close();
    },
  };
}
