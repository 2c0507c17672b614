/**
 * Runs one job per key, never two at once for the same key. Scheduling a key that is already
 * running asks for one more run after the current one; `onDone` is called once a run that started
 * after the call has finished. That is what makes one-shot watches gap-free: a trigger during a
 * read causes a fresh read, never an overlapping one.
 *
 * Callbacks, not promises: the watch layer schedules a read per heartbeat of every worker, and a
 * promise chain per read was a large share of its CPU time and garbage.
 */
export type KeyedJob = (key: string, done: () => void) => void;

interface Run {
  again: boolean;
  waiters: (() => void)[] | null;
  /** the number of the run in progress, and of the last one that called done */
  started: number;
  finished: number;
}

export class SerialRunner {
  private readonly runs = new Map<string, Run>();

  /** `job` must call `done` exactly once, and must not throw. */
  constructor(private readonly job: KeyedJob) {}

  schedule(key: string, onDone?: () => void): void {
    const running = this.runs.get(key);
    if (running) {
      running.again = true;
      if (onDone) (running.waiters ??= []).push(onDone);
      return;
    }
    const run: Run = { again: false, waiters: onDone ? [onDone] : null, started: 0, finished: 0 };
    this.runs.set(key, run);
    this.start(key, run);
  }

  /** schedule(), as a promise */
  scheduled(key: string): Promise<void> {
    return new Promise((resolve) => this.schedule(key, resolve));
  }

  private start(key: string, run: Run): void {
    run.again = false;
    const n = ++run.started;
    // (an inline arrow: tsx names every arrow bound to a name with a defineProperty call, once per read)
    try {
      this.job(key, () => this.finish(key, run, n));
    } catch (err) {
      this.finish(key, run, n);
      throw err;
    }
  }

  private finish(key: string, run: Run, n: number): void {
    if (run.finished >= n) return; // done called twice
    run.finished = n;
    if (run.again) return this.start(key, run);
    this.runs.delete(key);
    if (run.waiters) for (const w of run.waiters) w();
  }
}
