/**
 * Runs one benchmark child process and returns the JSON object on the last line of its stdout.
 * Every measurement runs in a fresh process so that no tool profits from a warm JIT or cache.
 */
import { spawn } from 'node:child_process';

export interface ChildResult<T> {
  ok: true;
  value: T;
}
export interface ChildFailure {
  ok: false;
  reason: string;
}

export function runJsonChild<T>(command: string, args: string[], timeoutMs: number): Promise<ChildResult<T> | ChildFailure> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: e.message });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0) {
        try {
          return resolve({ ok: true, value: JSON.parse(last) as T });
        } catch {
          /* fall through */
        }
      }
      const tail = (err.trim() || out.trim()).split('\n').slice(-5).join(' | ');
      resolve({ ok: false, reason: `${signal ?? `exit ${code}`}: ${tail}` });
    });
  });
}

/** node + tsx, for a TypeScript child script. */
export function tsxArgs(script: URL, args: string[], nodeFlags: string[] = []): [string, string[]] {
  return [process.execPath, [...nodeFlags, '--import', import.meta.resolve('tsx'), script.pathname, ...args]];
}
