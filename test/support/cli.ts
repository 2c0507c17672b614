/** The zkpulse binary as a user runs it, for tests of its command line: run to the end, output collected. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ZKPULSE_BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));

export interface FinishedRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `zkpulse <args>` (no stdin) until it exits. */
export function runZkpulse(args: readonly string[]): Promise<FinishedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ZKPULSE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
