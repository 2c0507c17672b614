/**
 * Runs one job per key, never two at once for the same key. Scheduling a key that is already
 * running asks for one more run after the current one; the returned promise settles when a run
 * that started after the call has finished. That is what makes one-shot watches gap-free: a
 * trigger during a read causes a fresh read, never an overlapping one.
 */
export class SerialRunner {
  private readonly runs = new Map<string, { again: boolean; done: Promise<void> }>();

  schedule(key: string, job: () => Promise<void>): Promise<void> {
    const running = this.runs.get(key);
    if (running) {
      running.again = true;
      return running.done;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        do {
          entry.again = false;
          await job();
        } while (entry.again);
      } finally {
        this.runs.delete(key);
      }
    })();
    this.runs.set(key, entry);
    return entry.done;
  }
}
