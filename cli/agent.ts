/**
 * `zkpulse agent` (docs/contract.md §6): registers R/workers/<id>, optionally runs for master, and with a
 * command runs it as a child — stdout passed through line by line, `PROGRESS`/`DONE`/`FAILED` lines
 * turned into R/status/<task> (see agent/sidecar-tasks.ts), the worker `busy` while a task runs,
 * SIGINT/SIGTERM/SIGHUP forwarded — then finishes the tasks still running by the child's exit code,
 * leaves on purpose and exits with that code (128 + signal when a signal killed it).
 * A ZooKeeper it cannot reach does not stop the command: it is said on stderr once per outage.
 *
 * With `--lock NAME` (docs/contract.md §9) the command runs only while this agent holds R/locks/NAME: it
 * waits for the lock (`--lock-wait`: at most that long, else exit 75 without running it), runs the command
 * in its own process group, releases the lock when it exits and exits with its code. A lock lost meanwhile
 * (a disconnect already) stops the command's group — SIGTERM, SIGKILL after a grace of ¼ of the session
 * timeout — and exits 76.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Agent } from '../agent/agent.ts';
import { AgentArgumentError } from '../agent/errors.ts';
import { EXIT_LOCK_LOST, EXIT_LOCK_NOT_ACQUIRED, exitCodeOf } from '../agent/exit-code.ts';
import type { LockHandle } from '../agent/locks.ts';
import { checkName } from '../agent/validate.ts';
import { LockTimeoutError } from '../zk/lock.ts';
import { parseDuration } from '../alerts/config/duration.ts';
import { parseSidecarLine } from '../agent/progress-line.ts';
import { SidecarTasks, type SidecarAction } from '../agent/sidecar-tasks.ts';
import { resolveAgentOptions, type AgentOptions } from '../agent/options.ts';
import { UsageError } from './errors.ts';

export interface AgentFlags {
  zk?: string;
  root?: string;
  id?: string;
  heartbeat?: string;
  sessionTimeout?: string;
  candidate?: boolean;
  zkAuth?: string;
  lock?: string;
  lockWait?: string;
}

export interface AgentRun {
  options: AgentOptions;
  candidate: boolean;
  command: string[];
  /** `--lock`: run the command only while holding R/locks/<name> */
  lock?: { name: string; waitMs?: number };
}

const wholeMs = (flag: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: expected whole milliseconds, got ${JSON.stringify(text)}`);
  return Number(text);
};

/** Flags → agent options; a bad or missing flag is a UsageError (one line, exit 2), nothing started. */
export function parseAgentFlags(flags: AgentFlags, command: string[]): AgentRun {
  for (const [flag, value] of [['--zk', flags.zk], ['--root', flags.root], ['--id', flags.id]] as const) {
    if (value === undefined || value === '') throw new UsageError(`${flag}: required`);
  }
  const options: AgentOptions = { connectString: flags.zk!, root: flags.root!, id: flags.id! };
  const heartbeatMs = wholeMs('--heartbeat', flags.heartbeat);
  const sessionTimeoutMs = wholeMs('--session-timeout', flags.sessionTimeout);
  if (heartbeatMs !== undefined) options.heartbeatMs = heartbeatMs;
  if (sessionTimeoutMs !== undefined) options.sessionTimeoutMs = sessionTimeoutMs;
  if (flags.zkAuth !== undefined) options.auth = flags.zkAuth;
  try {
    // check every option now (the Agent constructor does the same) so a bad one starts nothing
    resolveAgentOptions(options);
  } catch (err) {
    if (err instanceof AgentArgumentError) throw new UsageError(`${flagOf(err.message)}${err.message}`);
    throw err;
  }
  const run: AgentRun = { options, candidate: flags.candidate === true, command };
  if (flags.lock !== undefined) run.lock = parseLockFlags(flags.lock, flags.lockWait, command);
  else if (flags.lockWait !== undefined) throw new UsageError('--lock-wait: only with --lock NAME');
  return run;
}

function parseLockFlags(name: string, wait: string | undefined, command: string[]): { name: string; waitMs?: number } {
  try {
    checkName('lock name', name);
  } catch (err) {
    if (err instanceof AgentArgumentError) throw new UsageError(`--lock: ${err.message}`);
    throw err;
  }
  if (command.length === 0) throw new UsageError(`--lock: needs the command to run while holding the lock, after -- (e.g. --lock ${name} -- ./nightly.sh)`);
  if (wait === undefined) return { name };
  const waitMs = parseDuration(wait);
  if (typeof waitMs === 'string') throw new UsageError(`--lock-wait: ${waitMs}`);
  return { name, waitMs };
}

function flagOf(message: string): string {
  const key = message.slice(0, message.indexOf(':'));
  const flag = ({ id: '--id', root: '--root', heartbeatMs: '--heartbeat', sessionTimeoutMs: '--session-timeout', auth: '--zk-auth', connectString: '--zk' } as Record<string, string>)[key];
  return flag ? `${flag}: ` : '';
}

const say = (line: string) => process.stderr.write(`zkpulse agent: ${line}\n`);

export async function runAgent(run: AgentRun): Promise<never> {
  const agent = new Agent({ ...run.options, onError: (err) => say(err.message) });
  // connection trouble comes as one line per outage on onError, its end as a notice
  agent.notices$.subscribe(say);
  void agent.register().catch(() => undefined);
  if (run.candidate) {
    agent.runForMaster().subscribe((l) => say(`leadership: ${l.state}${l.epoch ? ` epoch=${l.epoch}` : ''}`));
  }
  let code: number;
  if (run.lock) code = await runLocked(agent, run.lock, run.command, run.options.sessionTimeoutMs ?? 10_000);
  else code = run.command.length > 0 ? await runChild(agent, run.command).exited : await untilSignal();
  await agent.close();
  process.exit(code);
}

/** Wait for the lock, run the command while holding it, stop it when the lock is lost. Returns the exit code. */
async function runLocked(agent: Agent, lock: { name: string; waitMs?: number }, command: string[], sessionTimeoutMs: number): Promise<number> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let onSignal: (s: NodeJS.Signals) => void = () => undefined;
  const signalled = new Promise<NodeJS.Signals>((resolve) => (onSignal = resolve));
  for (const s of signals) process.on(s, onSignal);
  let handle: LockHandle | NodeJS.Signals;
  try {
    handle = await Promise.race([agent.lock(lock.name, lock.waitMs === undefined ? {} : { waitMs: lock.waitMs }), signalled]);
  } catch (err) {
    if (!(err instanceof LockTimeoutError)) throw err;
    say(`lock ${lock.name}: not acquired within ${lock.waitMs} ms (--lock-wait); ${JSON.stringify(command[0])} was not run`);
    return EXIT_LOCK_NOT_ACQUIRED;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
  // stopped while waiting: the command never ran; agent.close() withdraws our place in the queue
  if (typeof handle === 'string') return exitCodeOf(null, handle);
  const held = handle;
  const child = runChild(agent, command, { ZKPULSE_LOCK: held.name, ZKPULSE_LOCK_NODE: held.node, ZKPULSE_LOCK_TOKEN: held.token });
  const outcome = await Promise.race([child.exited.then((code) => ({ code })), held.lost.then((loss) => ({ loss }))]);
  if ('code' in outcome) {
    await held.release().catch(() => undefined);
    return outcome.code;
  }
  const graceMs = Math.floor(sessionTimeoutMs / 4);
  say(`${outcome.loss.message}; stopping ${JSON.stringify(command[0])} (SIGTERM, SIGKILL after ${graceMs} ms)`);
  child.signal('SIGTERM');
  const kill = setTimeout(() => child.signal('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(kill);
  return EXIT_LOCK_LOST;
}

function untilSignal(): Promise<number> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(0));
  });
}

interface RunningChild {
  /** the exit code once the child exited and its stdout is drained */
  exited: Promise<number>;
  /** signal the child (its whole process group when it has one of its own) */
  signal(signal: NodeJS.Signals): void;
}

/**
 * Runs the command. With `lockEnv` (--lock) it gets a process group of its own, so that stopping it on a
 * lost lock reaches what it started too (a pipeline, a shell's children), and the lock's names in its env.
 */
function runChild(agent: Agent, [command, ...args]: string[], lockEnv?: Record<string, string>): RunningChild {
  const group = lockEnv !== undefined;
  const child = spawn(command!, args, {
    stdio: ['inherit', 'pipe', 'inherit'],
    env: { ...process.env, ZKPULSE_WORKER_ID: agent.id, ZKPULSE_ROOT: agent.root, ...lockEnv },
    detached: group,
  });
  const signal = (s: NodeJS.Signals) => {
    try {
      if (group && child.pid !== undefined) process.kill(-child.pid, s);
      else child.kill(s);
    } catch {
      // already gone
    }
  };
  const exited = new Promise<number>((resolve) => {
    const forward = (s: NodeJS.Signals) => () => signal(s);
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);

    const tasks = new SidecarTasks();
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      process.stdout.write(`${line}\n`);
      const p = parseSidecarLine(line);
      if (!p) return;
      try {
        for (const action of tasks.line(p)) apply(agent, action);
      } catch (err) {
        say(`ignored line ${JSON.stringify(line)}: ${(err as Error).message}`);
      }
    });
    // the exit code once the child has exited AND its stdout is drained, so no line is lost
    let exited: { code: number; signal: NodeJS.Signals | null } | null = null;
    let drained = false;
    const finish = () => {
      if (exited === null || !drained) return;
      for (const [s, h] of handlers) process.off(s, h);
      for (const action of tasks.exit(exited.code, exited.signal)) apply(agent, action);
      resolve(exited.code);
    };
    lines.on('close', () => {
      drained = true;
      finish();
    });
    child.on('exit', (code, signal) => {
      exited = { code: exitCodeOf(code, signal), signal: code === null ? signal : null };
      finish();
    });
    child.on('error', (err) => {
      say(`cannot run ${JSON.stringify(command)}: ${err.message}`);
      exited = { code: 127, signal: null };
      drained = true;
      finish();
    });
  });
  return { exited, signal };
}

/** One action of the task lines on the agent. Final states are awaited by agent.close(), not here. */
function apply(agent: Agent, action: SidecarAction): void {
  if (action.kind === 'progress') agent.progress(action.task, action.done, action.total, action.message);
  else if (action.kind === 'finish') agent.finish(action.task, action.state, action.message).catch(() => undefined);
  else agent.setState(action.state);
}
