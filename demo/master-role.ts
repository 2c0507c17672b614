/**
 * What the active master does: watch R/workers and R/tasks, and after each change (and on a slow
 * tick, as a safety net) bring R/assign in line with planAssignments.
 */
import type { SimContext } from './context.ts';
import { planAssignments, type AssignmentAction } from './assignment-plan.ts';
import { describeError, type SimSession } from './sim-session.ts';
import type { Timers } from './timers.ts';

export class MasterRole {
  private active = false;
  private busy = false;
  private again = false;

  constructor(
    private readonly ctx: SimContext,
    private readonly id: string,
    private readonly session: SimSession,
    private readonly timers: Timers,
  ) {}

  start(): void {
    this.active = true;
    this.timers.every(Math.max(500, this.ctx.heartbeatMs), () => this.reconcile());
    this.reconcile();
  }

  stop(): void {
    this.active = false;
  }

  /** One watcher function for all watches, so the client never registers it twice on a path. */
  private readonly onChange = (): void => this.reconcile();

  /** Runs one pass at a time; a change during a pass causes another pass. */
  reconcile(): void {
    if (!this.active) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.pass()
      .catch((err) => {
        if (this.active) this.ctx.log(`${this.id} (master): ${describeError(err)}`);
      })
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          this.reconcile();
        }
      });
  }

  private async pass(): Promise<void> {
    const p = this.ctx.paths;
    const liveWorkers = await this.session.children(p.workers, this.onChange);
    const tasks = await this.session.children(p.tasks, this.onChange);
    const assignments = new Map<string, string[]>();
    for (const w of await this.session.children(p.assign)) assignments.set(w, await this.session.children(p.assignDir(w)));
    const actions = planAssignments({ liveWorkers, tasks, assignments }, this.ctx.random);
    for (const action of actions) {
      if (!this.active) return;
      try {
        await this.apply(action);
      } catch (err) {
        // a race with a worker (NoNode, NodeExists, NotEmpty): the next pass sees the new tree
        this.ctx.log(`${this.id} (master): ${action.kind} ${describeAction(action)} failed: ${describeError(err)}`);
        this.again = true;
      }
    }
  }

  private async apply(a: AssignmentAction): Promise<void> {
    const p = this.ctx.paths;
    const data = JSON.stringify({ task: 'task' in a ? a.task : undefined, by: this.id, at: this.ctx.now() });
    switch (a.kind) {
      case 'assign':
        await this.session.ensure(p.assignDir(a.to));
        await this.session.create(p.assignment(a.to, a.task), data, 'persistent');
        this.ctx.log(`${this.id} (master): assigned ${a.task} to ${a.to}`);
        return;
      case 'move':
        await this.session.ensure(p.assignDir(a.to));
        await this.session.multi([
          { op: 'remove', path: p.assignment(a.from, a.task) },
          { op: 'create', path: p.assignment(a.to, a.task), data, mode: 'persistent' },
        ]);
        this.ctx.log(`${this.id} (master): reassigned ${a.task} from ${a.from} (gone) to ${a.to}`);
        return;
      case 'drop':
        await this.session.remove(p.assignment(a.from, a.task));
        return;
      case 'removeDir':
        await this.session.remove(p.assignDir(a.worker));
        return;
    }
  }
}

function describeAction(a: AssignmentAction): string {
  return a.kind === 'removeDir' ? a.worker : a.task;
}
