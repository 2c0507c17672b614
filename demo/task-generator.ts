/** Creates R/tasks/task-<n> every taskEveryMs while fewer than `maxPending` tasks are waiting. */
import { openSession, randomInt, type SimContext } from './context.ts';
import { taskNumber } from './task-number.ts';
import { Codes, describeError, hasCode, type SimSession } from './sim-session.ts';
import { Timers } from './timers.ts';

const KINDS = ['crawl', 'resize', 'index', 'transcode', 'report'] as const;

export class TaskGenerator {
  private next = 1;
  private ticking = false;
  private stopped = false;
  private readonly timers: Timers;

  private constructor(
    private readonly ctx: SimContext,
    private readonly session: SimSession,
    private readonly everyMs: number,
    private readonly maxPending: () => number,
  ) {
    this.timers = new Timers((err) => {
      if (!this.stopped) ctx.log(`tasks: ${describeError(err)}`);
    });
  }

  /** Also creates the layout's parent nodes, so the other processes find them. */
  static async start(ctx: SimContext, everyMs: number, maxPending: () => number): Promise<TaskGenerator> {
    const session = await openSession(ctx, () => ctx.log('tasks: session expired'));
    const gen = new TaskGenerator(ctx, session, everyMs, maxPending);
    try {
      const p = ctx.paths;
      for (const dir of [p.election, p.workers, p.tasks, p.assign, p.status]) await session.ensure(dir);
      // continue numbering after tasks left by an earlier run on the same root
      const numbers = (await session.children(p.tasks)).map(taskNumber).filter((n) => !Number.isNaN(n));
      gen.next = Math.max(0, ...numbers) + 1;
    } catch (err) {
      await session.close();
      throw err;
    }
    gen.timers.every(everyMs, () => gen.tick());
    return gen;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.clear();
    await this.session.close();
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const pending = (await this.session.children(this.ctx.paths.tasks)).length;
      if (pending < this.maxPending()) await this.createOne();
    } finally {
      this.ticking = false;
    }
  }

  private async createOne(): Promise<void> {
    const name = `task-${this.next++}`;
    const data = {
      id: name,
      kind: KINDS[randomInt(this.ctx.random, 0, KINDS.length - 1)],
      items: randomInt(this.ctx.random, 10, 500),
      createdAt: this.ctx.now(),
    };
    try {
      await this.session.create(this.ctx.paths.task(name), JSON.stringify(data), 'persistent');
    } catch (err) {
      if (!hasCode(err, Codes.nodeExists)) throw err; // the number is taken: the next tick uses the next one
    }
  }
}
