/**
 * What a recorded case's scenario can do: play workers, masters, candidates and tasks with plain
 * ZooKeeper clients (docs/contract.md §2, not zkpulse's agent), and cut the collector off through a TCP
 * proxy (a silent partition) while ZooKeeper itself stays up.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TcpProxy } from '../../stack/tcp-proxy.ts';
import { PlainZk, workerData } from '../../stack/plain-zk.ts';

export interface CaseContext {
  /** the cluster root */
  root: string;
  /** ZooKeeper's own address (not through the proxy) */
  zkAddress: string;
  /** the collector's path to ZooKeeper */
  proxy: TcpProxy;
  /** the ZooKeeper server itself: pause() stops every thread of it (SIGSTOP), resume() lets it go on */
  zk: { pause(): Promise<void>; resume(): void };
  /**
   * with `alertingAfterSync`: start the collector's alerting now (until then it waits, as if loading
   * its state from ZooKeeper took that long); resolves once the engine runs
   */
  startAlerting(): Promise<void>;
  /** a new client session (closed at the end of the case) */
  session(): Promise<PlainZk>;
  sleep(ms: number): Promise<void>;
}

export interface RecordedCase {
  /** one line: what the expected notifications must show */
  promise: string;
  /** a built-in layout of docs/contract.md §8 other than zkpulse: the cluster is `{root, layout}`, and only the root is created */
  layout?: string;
  /** extra collect config for the live run and the replay (merged over the defaults: evalInterval 200ms, groupWait 0s, ...) */
  config?: { sessionTimeout?: number; probeIntervalMs?: number; probeTimeoutMs?: number; alerts?: Record<string, unknown> };
  /** nodes created before the collector starts (relative to root) */
  setup?: (ctx: CaseContext, admin: PlainZk) => Promise<void>;
  /** the scenario, once the collector has synced */
  run: (ctx: CaseContext, admin: PlainZk) => Promise<void>;
  /** quiet time after the scenario before the recording is cut (default 1 s) */
  settleMs?: number;
  /** alerting waits for ctx.startAlerting() (the case's replay.json says when it started) */
  alertingAfterSync?: boolean;
}

export { sleep, workerData };

/** A worker: its own session, R/workers/<id>, beating every `everyMs` until stopped. */
export class PlayedWorker {
  private timer: ReturnType<typeof setInterval> | null = null;
  private constructor(
    readonly id: string,
    readonly zk: PlainZk,
    private readonly path: string,
    private readonly heartbeatMs: number,
  ) {}

  static async join(ctx: CaseContext, id: string, heartbeatMs = 500, data?: string): Promise<PlayedWorker> {
    const zk = await ctx.session();
    const w = new PlayedWorker(id, zk, `${ctx.root}/workers/${id}`, heartbeatMs);
    await zk.create(w.path, data ?? workerData(id, { heartbeatMs }), 'ephemeral');
    // a worker with hand-made data keeps it (no beats would overwrite it)
    if (data === undefined) w.beat();
    return w;
  }

  beat(): void {
    this.stopBeating();
    this.timer = setInterval(() => void this.zk.set(this.path, workerData(this.id, { heartbeatMs: this.heartbeatMs })).catch(() => undefined), this.heartbeatMs);
  }

  stopBeating(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** a crash: the session ends without the "leaving" state */
  async crash(): Promise<void> {
    this.stopBeating();
    await this.zk.close();
  }

  /** leaving on purpose: "leaving", then the node goes */
  async leave(): Promise<void> {
    this.stopBeating();
    await this.zk.set(this.path, workerData(this.id, { heartbeatMs: this.heartbeatMs, state: 'leaving' }));
    // like the agent: give the watchers a moment to read "leaving" before the node goes
    await sleep(300);
    await this.zk.remove(this.path);
    await this.zk.close();
  }
}

/** The cluster's directories (persistent). */
export async function layout(admin: PlainZk, root: string): Promise<void> {
  for (const dir of ['workers', 'election', 'tasks', 'assign', 'status']) await admin.mkdirp(`${root}/${dir}`);
}

export function masterData(id: string): string {
  return JSON.stringify({ id, since: Date.now() });
}

export function statusData(worker: string, done: number, total: number, state = 'running'): string {
  return JSON.stringify({ worker, done, total, state, message: null, updatedAt: Date.now() });
}
