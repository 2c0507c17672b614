/**
 * A child process that runs one real coordination recipe (kazoo's or Curator's, test/fixtures/) and reports
 * its steps as lines on stdout (`READY <node>`, `LEADER <id>`, `ACQUIRED <node>`, `BYE`, `ERROR <message>`).
 * Used by stack/kazoo.ts and stack/curator.ts: spawn, await a line, leave on purpose (close stdin) or die
 * (SIGKILL, so the ZooKeeper session expires as when a real program crashes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { trackChild } from './registry.ts';

export interface RecipeLine {
  word: string;
  rest: string;
}

export class RecipeProcess {
  private readonly lines: RecipeLine[] = [];
  private readonly waiters = new Set<() => void>();
  private stderr = '';
  private exit: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    let pending = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line === '') continue;
        const space = line.indexOf(' ');
        this.lines.push(space < 0 ? { word: line, rest: '' } : { word: line.slice(0, space), rest: line.slice(space + 1) });
        this.wake();
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.exit = `could not start: ${error.message}`;
        this.wake();
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
        this.wake();
        resolve();
      });
    });
  }

  static spawn(name: string, command: string, args: readonly string[]): RecipeProcess {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    trackChild(child);
    return new RecipeProcess(name, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private describe(): string {
    const err = this.lines.find((l) => l.word === 'ERROR');
    const tail = this.stderr.trim().split('\n').slice(-5).join(' | ');
    return [err ? `ERROR ${err.rest}` : '', this.exit ?? '', tail ? `stderr: ${tail}` : ''].filter(Boolean).join('; ');
  }

  /**
   * The rest of the `n`-th (1-based) line whose first word is `word`. Fails when the process reports ERROR,
   * exits first, or `ms` pass (the caller sizes `ms` from what the step waits for: a JVM start, a session).
   */
  until(word: string, ms: number, n = 1): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.lines.filter((l) => l.word === word)[n - 1];
        if (found) return finish(() => resolve(found.rest));
        if (this.lines.some((l) => l.word === 'ERROR') || this.exit !== undefined) {
          return finish(() => reject(new Error(`${this.name}: no ${word} line (${this.describe()})`)));
        }
        return false;
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${this.name}: no ${word} line within ${ms} ms (${this.describe() || 'still running'})`))), ms);
      const finish = (settle: () => void): true => {
        clearTimeout(timer);
        this.waiters.delete(onWake);
        settle();
        return true;
      };
      const onWake = (): void => void check();
      if (!check()) this.waiters.add(onWake);
    });
  }

  /** Every line seen so far with this first word. */
  seen(word: string): string[] {
    return this.lines.filter((l) => l.word === word).map((l) => l.rest);
  }

  /** Leave on purpose: close stdin; the recipe leaves, closes its session, prints BYE and exits. */
  async leave(ms = 30_000): Promise<void> {
    if (this.exit !== undefined) return;
    this.child.stdin!.end();
    await this.until('BYE', ms);
    await this.exited;
  }

  /** Send a signal (SIGSTOP / SIGCONT to hang and resume a holder); nothing once the process exited. */
  signal(sig: NodeJS.Signals): void {
    if (this.exit === undefined) this.child.kill(sig);
  }

  /** Crash: SIGKILL; the recipe's ephemeral nodes stay until ZooKeeper expires its session. */
  async kill(): Promise<void> {
    if (this.exit === undefined) this.child.kill('SIGKILL');
    await this.exited;
  }
}
