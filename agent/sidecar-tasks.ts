/**
 * What the sidecar does with its command's task lines and its exit, as actions on the agent. Pure.
 *
 * - `PROGRESS t d/n`: t runs; once d ≥ n > 0 it is done at once (a later PROGRESS line for t runs it again).
 * - `DONE t` / `FAILED t [message]`: t is finished with that state.
 * - The command exits: every task still running is done when the exit code is 0, else failed with
 *   "command exited with code N" / "command killed by SIGTERM" as its message.
 * - The worker is `busy` while at least one task runs, `ready` otherwise.
 */
import type { SidecarLine } from './progress-line.ts';
import { checkMessage, checkName, checkProgress } from './validate.ts';

export type SidecarAction =
  | { kind: 'progress'; task: string; done: number; total: number; message?: string }
  | { kind: 'finish'; task: string; state: 'done' | 'failed'; message?: string }
  | { kind: 'worker'; state: 'busy' | 'ready' };

export class SidecarTasks {
  private readonly running = new Set<string>();

  /** Tasks started and not finished yet, in order of their first line. */
  get runningTasks(): string[] {
    return [...this.running];
  }

  /** Actions for one parsed line; throws AgentArgumentError (and changes nothing) for a bad task or count. */
  line(line: SidecarLine): SidecarAction[] {
    checkName('task', line.task);
    checkMessage(line.message);
    if (line.kind !== 'progress') return this.finish(line.task, line.kind, line.message);
    const { done, total } = checkProgress(line.done, line.total);
    const progress: SidecarAction = { kind: 'progress', task: line.task, done, total };
    if (line.message !== undefined) progress.message = line.message;
    if (total > 0 && done >= total) return [progress, ...this.finish(line.task, 'done')];
    const actions: SidecarAction[] = [progress];
    if (this.running.size === 0) actions.push({ kind: 'worker', state: 'busy' });
    this.running.add(line.task);
    return actions;
  }

  /** Actions once the command has exited (`code` as exitCodeOf gives it, `signal` when one killed it). */
  exit(code: number, signal: NodeJS.Signals | null): SidecarAction[] {
    const failed = signal !== null ? `command killed by ${signal}` : code !== 0 ? `command exited with code ${code}` : null;
    const actions: SidecarAction[] = [];
    for (const task of [...this.running]) {
      actions.push(...this.finish(task, failed === null ? 'done' : 'failed', failed ?? undefined));
    }
    return actions;
  }

  private finish(task: string, state: 'done' | 'failed', message?: string): SidecarAction[] {
    const action: SidecarAction = { kind: 'finish', task, state };
    if (message !== undefined) action.message = message;
    const wasRunning = this.running.delete(task);
    return wasRunning && this.running.size === 0 ? [action, { kind: 'worker', state: 'ready' }] : [action];
  }
}
