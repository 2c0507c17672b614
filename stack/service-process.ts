import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { trackChild } from './registry.ts';

export interface ProcessSpec {
  /** For messages, e.g. "ZooKeeper 127.0.0.1:2181". */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  /** stdout and stderr are appended here (kept across restarts). */
  logFile: string;
}

/** One long-running child (java, influxd) that can be started again after it exited. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<void> = Promise.resolve();
  private exitDescription: string | undefined;

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitDescription === undefined;
  }

  /** Set once the current child exited ("exited with code 1", "killed by SIGKILL"). */
  get exitReason(): string | undefined {
    return this.exitDescription;
  }

  spawn(): void {
    if (this.running) throw new Error(`${this.spec.name} is already running (pid ${this.pid})`);
    const log = fs.openSync(this.spec.logFile, 'a');
    let child: ChildProcess;
    try {
      // detached: a Ctrl-C in the terminal reaches us, not the services; we stop them in order.
      child = spawn(this.spec.command, this.spec.args, { cwd: this.spec.cwd, stdio: ['ignore', log, log], detached: true });
    } finally {
      fs.closeSync(log);
    }
    this.child = child;
    this.exitDescription = undefined;
    this.exitPromise = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        this.exitDescription = `could not start ${this.spec.command}: ${error.message}`;
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.exitDescription = signal ? `killed by ${signal}` : `exited with code ${code}`;
        resolve();
      });
    });
    // Do not keep the event loop alive for the service alone; the exit hooks kill it.
    child.unref();
    trackChild(child);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child?.kill(signal);
  }

  /**
   * Whether every thread of the process is stopped (SIGSTOP): a signal is delivered asynchronously,
   * and a JVM thread may still answer a request in between (Linux /proc).
   */
  async stopped(): Promise<boolean> {
    const pid = this.child?.pid;
    if (pid === undefined || !this.running) return false;
    const tasks = await fs.promises.readdir(`/proc/${pid}/task`);
    for (const tid of tasks) {
      const stat = await fs.promises.readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'T' && state !== 't') return false;
    }
    return true;
  }

  /** Sends `signal`, then SIGKILL if it is still alive after `graceMs`; resolves once it exited. */
  async terminate(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return this.exitPromise;
    // Keep the event loop alive until the child is gone (it is unref'd otherwise).
    child.ref();
    child.kill(signal);
    // A paused (SIGSTOP) process only acts on the signal after SIGCONT.
    if (signal !== 'SIGKILL') child.kill('SIGCONT');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      await this.exitPromise;
    } finally {
      clearTimeout(timer);
      child.unref();
    }
  }

  /** The last `lines` lines of the log, for error messages. */
  async logTail(lines = 40): Promise<string> {
    try {
      const text = await fs.promises.readFile(this.spec.logFile, 'utf8');
      const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
      return `--- last ${lines} lines of ${this.spec.logFile} ---\n${tail}`;
    } catch {
      return `(no log at ${this.spec.logFile})`;
    }
  }
}
