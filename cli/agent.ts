/**
 * `zkpulse agent` (docs/contract.md §6): registers R/workers/<id>, optionally runs for master, and with a
 * command runs it as a child — stdout passed through line by line, `PROGRESS`/`DONE`/`FAILED` lines
 * turned into R/status/<task> (see agent/sidecar-tasks.ts), the worker `busy` while a task runs,
 * SIGINT/SIGTERM/SIGHUP forwarded — then finishes the tasks still running by the child's exit code,
 * leaves on purpose and exits with that code (128 + signal when a signal killed it).
 * A ZooKeeper it cannot reach does not stop the command: it is said on stderr once per outage.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Agent } from '../agent/agent.ts';
import { AgentArgumentError } from '../agent/errors.ts';
import { exitCodeOf } from '../agent/exit-code.ts';
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
}

export interface AgentRun {
  options: AgentOptions;
  candidate: boolean;
  command: string[];
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
  return { options, candidate: flags.candidate === true, command };
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
  const code = run.command.length > 0 ? await runChild(agent, run.command) : await untilSignal();
  await agent.close();
  process.exit(code);
}

function untilSignal(): Promise<number> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(0));
  });
}

function runChild(agent: Agent, [command, ...args]: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command!, args, {
      stdio: ['inherit', 'pipe', 'inherit'],
      env: { ...process.env, ZKPULSE_WORKER_ID: agent.id, ZKPULSE_ROOT: agent.root },
    });
    const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
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
}

/** One action of the task lines on the agent. Final states are awaited by agent.close(), not here. */
function apply(agent: Agent, action: SidecarAction): void {
  if (action.kind === 'progress') agent.progress(action.task, action.done, action.total, action.message);
  else if (action.kind === 'finish') agent.finish(action.task, action.state, action.message).catch(() => undefined);
  else agent.setState(action.state);
}
