/**
 * Real processes of a drill: `zkpulse collect` and `zkpulse agent`, spawned from bin/zkpulse.js as a
 * user would run them, with their output kept (the tail is shown when a drill fails).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));

export class Proc {
  private readonly output: string[] = [];
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (b: Buffer) => this.keep(b));
    child.stderr?.on('data', (b: Buffer) => this.keep(b));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private keep(b: Buffer): void {
    this.output.push(b.toString());
    if (this.output.length > 400) this.output.splice(0, 200);
  }

  tail(chars = 3000): string {
    return this.output.join('').slice(-chars);
  }

  /** Send `signal` (default SIGKILL) and resolve once the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function spawnZkpulse(name: string, args: string[], nodeFlags: string[] = []): Proc {
  return new Proc(name, spawn(process.execPath, [...nodeFlags, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** `zkpulse collect --config <file> --http 127.0.0.1:<port> --instance <name> [extra]`. */
export function spawnCollector(name: string, configFile: string, port: number, extra: string[] = [], nodeFlags: string[] = []): Proc {
  return spawnZkpulse(name, ['collect', '--config', configFile, '--http', `127.0.0.1:${port}`, '--instance', name, ...extra], nodeFlags);
}

export interface AgentSpec {
  zk: string;
  root: string;
  id: string;
  heartbeatMs: number;
  sessionTimeoutMs: number;
  candidate?: boolean;
}

/** `zkpulse agent --zk .. --root .. --id .. --heartbeat .. --session-timeout .. [--candidate]`. */
export function spawnAgent(a: AgentSpec): Proc {
  const args = ['agent', '--zk', a.zk, '--root', a.root, '--id', a.id, '--heartbeat', String(a.heartbeatMs), '--session-timeout', String(a.sessionTimeoutMs)];
  if (a.candidate) args.push('--candidate');
  return spawnZkpulse(`agent ${a.id}`, args);
}
