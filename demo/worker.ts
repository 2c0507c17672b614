/**
 * A simulated worker process: registers R/workers/<id>, beats by rewriting it, runs the tasks the
 * master puts under R/assign/<id> one at a time and reports progress in R/status/<task>.
 */
import { jitter, openSession, randomInt, type SimContext } from './context.ts';
import { encodeStatus, encodeWorker, type StatusNodeData, type WorkerNodeState } from '../contract/zkpulse/data.ts';
import { taskNumber } from './task-number.ts';
import { Codes, describeError, hasCode, type SimSession } from './sim-session.ts';
import { Timers } from './timers.ts';

/** how long "leaving" stays visible before the worker node is deleted (the agent's leaveGraceMs) */
const LEAVE_GRACE_MS = 250;

export class SimWorker {
  private state: WorkerNodeState = 'ready';
  private stopped = false;
  private running: string | undefined;
  private queue: string[] = [];
  private tasksDone = 0;
  private readonly ownStatus = new Set<string>();
  private readonly timers: Timers;
  private readonly startedAt: number;
  private readonly host: string;
  private readonly pid: number;

  private constructor(
    private readonly ctx: SimContext,
    readonly id: string,
    private readonly session: SimSession,
  ) {
    this.timers = new Timers((err) => this.logError(err));
    this.startedAt = ctx.now();
    this.host = `sim-host-${randomInt(ctx.random, 1, 4)}`;
    this.pid = randomInt(ctx.random, 2000, 60_000);
  }

  /** Opens the session and registers; `onExpired` is called if ZooKeeper expires the session later. */
  static async start(ctx: SimContext, id: string, onExpired: (w: SimWorker) => void): Promise<SimWorker> {
    const made: { worker?: SimWorker } = {}; // the expiry callback needs the object made after the session
    const session = await openSession(ctx, () => made.worker && onExpired(made.worker));
    const worker = (made.worker = new SimWorker(ctx, id, session));
    try {
      await worker.register();
    } catch (err) {
      await session.close();
      throw err;
    }
    return worker;
  }

  get isBusy(): boolean {
    return this.running !== undefined;
  }

  /** The process dies: the session ends without "leaving" being written. */
  async crash(): Promise<void> {
    this.stopped = true;
    this.timers.clear();
    await this.session.close();
  }

  /** Leaves on purpose: "leaving" first, then its nodes are deleted, then the session ends. */
  async leave(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timers.clear();
    const p = this.ctx.paths;
    try {
      this.state = 'leaving';
      await this.session.set(p.worker(this.id), this.workerData());
      const graceEnds = this.ctx.now() + LEAVE_GRACE_MS;
      for (const task of this.ownStatus) await this.session.remove(p.statusOf(task));
      // as the agent does: a monitor re-reads a node after its watch fired, and cannot read "leaving"
      // from a node already gone (it would see a crash)
      const rest = graceEnds - this.ctx.now();
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      await this.session.remove(p.worker(this.id));
    } catch (err) {
      this.ctx.log(`${this.id}: while leaving: ${describeError(err)}`);
    }
    await this.session.close();
  }

  private async register(): Promise<void> {
    const p = this.ctx.paths;
    await this.session.ensure(p.assignDir(this.id));
    await this.createWorkerNode();
    this.timers.every(this.ctx.heartbeatMs, () => this.beat());
    await this.watchAssignments();
  }

  private async createWorkerNode(): Promise<void> {
    try {
      await this.session.create(this.ctx.paths.worker(this.id), this.workerData(), 'ephemeral');
    } catch (err) {
      // a same-id predecessor whose session the server has not ended yet: try again shortly
      if (!hasCode(err, Codes.nodeExists)) throw err;
      this.ctx.log(`${this.id}: worker node still held by an old session, retrying`);
      this.timers.after(500, () => this.createWorkerNode());
    }
  }

  private workerData(): string {
    return encodeWorker({
      id: this.id,
      host: this.host,
      pid: this.pid,
      startedAt: this.startedAt,
      heartbeatMs: this.ctx.heartbeatMs,
      state: this.state,
      meta: { simulated: true, tasksDone: this.tasksDone, ...(this.running ? { task: this.running } : {}) },
    });
  }

  /** The heartbeat: rewrite the worker node (its mtime is the beat time). */
  private async beat(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.session.set(this.ctx.paths.worker(this.id), this.workerData());
    } catch (err) {
      if (!hasCode(err, Codes.noNode)) throw err;
      await this.createWorkerNode();
    }
  }

  private readonly onAssignChange = (): void => {
    if (!this.stopped) this.watchAssignments().catch((err) => this.logError(err));
  };

  private async watchAssignments(): Promise<void> {
    const dir = this.ctx.paths.assignDir(this.id);
    if (!(await this.session.exists(dir))) await this.session.ensure(dir); // the master tidied it away
    const tasks = await this.session.children(dir, this.onAssignChange);
    this.queue = tasks.filter((t) => t !== this.running).sort((a, b) => taskNumber(a) - taskNumber(b) || a.localeCompare(b));
    this.runNext();
  }

  private runNext(): void {
    if (this.stopped || this.running !== undefined) return;
    const task = this.queue.shift();
    if (task === undefined) {
      if (this.state !== 'ready') {
        this.state = 'ready';
        this.beat().catch((err) => this.logError(err));
      }
      return;
    }
    this.running = task;
    this.runTask(task).catch((err) => {
      this.logError(err);
      this.retryLater(task);
    });
  }

  private async runTask(task: string): Promise<void> {
    const p = this.ctx.paths;
    if (!(await this.session.exists(p.task(task)))) {
      // done by someone else or withdrawn: nothing to run
      await this.session.remove(p.assignment(this.id, task));
      this.finishedWith(task);
      return;
    }
    this.state = 'busy';
    await this.beat();
    const total = randomInt(this.ctx.random, 10, 30);
    this.ctx.log(`${this.id}: running ${task} (${total} steps)`);
    await this.writeStatus(task, { done: 0, total, state: 'running', message: 'started' }, true);
    this.timers.after(this.ctx.taskStepMs, () => this.step(task, 1, total));
  }

  private async step(task: string, done: number, total: number): Promise<void> {
    if (this.stopped) return;
    if (done < total && this.ctx.random() < this.ctx.failureRate / total) {
      await this.failTask(task, done, total);
      return;
    }
    if (done < total) {
      // a lost write is only a missed progress report: keep going
      await this.writeStatus(task, { done, total, state: 'running', message: `processed chunk ${done} of ${total}` }).catch((err) => this.logError(err));
      this.timers.after(jitter(this.ctx.random, this.ctx.taskStepMs), () => this.step(task, done + 1, total));
      return;
    }
    await this.finish(task, total).catch((err) => {
      this.logError(err);
      this.retryLater(task);
    });
  }

  private async finish(task: string, total: number): Promise<void> {
    const p = this.ctx.paths;
    await this.writeStatus(task, { done: total, total, state: 'done', message: 'finished' });
    try {
      // both at once, so the master never sees the task without its assignment
      await this.session.multi([
        { op: 'remove', path: p.task(task) },
        { op: 'remove', path: p.assignment(this.id, task) },
      ]);
    } catch (err) {
      if (!hasCode(err, Codes.noNode)) throw err;
      await this.session.remove(p.task(task));
      await this.session.remove(p.assignment(this.id, task));
    }
    this.tasksDone += 1;
    this.ctx.log(`${this.id}: finished ${task}`);
    this.removeStatusSoon(task);
    this.finishedWith(task);
  }

  /** Something failed half-way: let go of the task and look at the assignments again a bit later. */
  private retryLater(task: string): void {
    if (this.running === task) this.running = undefined;
    this.timers.after(1000, () => this.watchAssignments());
  }

  /**
   * The task fails half-way: status "failed", and the worker hands the task back by deleting its
   * assignment, so the master gives it out again.
   */
  private async failTask(task: string, done: number, total: number): Promise<void> {
    const p = this.ctx.paths;
    this.ctx.log(`${this.id}: ${task} FAILED at ${done}/${total}`);
    try {
      await this.writeStatus(task, { done, total, state: 'failed', message: `error: chunk ${done} could not be processed` });
      await this.session.remove(p.assignment(this.id, task));
    } catch (err) {
      this.logError(err);
    }
    this.removeStatusSoon(task);
    this.finishedWith(task);
  }

  /** The final status stays readable for a moment, then goes (unless the task runs here again). */
  private removeStatusSoon(task: string): void {
    this.timers.after(1500, async () => {
      if (this.stopped || this.running === task) return;
      this.ownStatus.delete(task);
      await this.session.remove(this.ctx.paths.statusOf(task));
    });
  }

  private finishedWith(task: string): void {
    if (this.running === task) this.running = undefined;
    this.runNext();
  }

  private async writeStatus(task: string, s: Omit<StatusNodeData, 'worker' | 'updatedAt'>, create = false): Promise<void> {
    const path = this.ctx.paths.statusOf(task);
    const data = encodeStatus({ worker: this.id, ...s, updatedAt: this.ctx.now() });
    if (create) {
      try {
        await this.session.create(path, data, 'ephemeral');
        this.ownStatus.add(task);
        return;
      } catch (err) {
        if (!hasCode(err, Codes.nodeExists)) throw err;
      }
    }
    try {
      await this.session.set(path, data);
    } catch (err) {
      // the node was gone (e.g. still held by a dead predecessor when we started): create it now
      if (!hasCode(err, Codes.noNode)) throw err;
      await this.session.create(path, data, 'ephemeral');
      this.ownStatus.add(task);
    }
  }

  private logError(err: unknown): void {
    if (!this.stopped) this.ctx.log(`${this.id}: ${describeError(err)}`);
  }
}
