/**
 * Every process and temp dir the stack starts is registered here, so that they die with this process:
 * - on normal exit (and process.exit), children get SIGKILL synchronously and temp dirs are removed;
 * - on SIGINT/SIGTERM/SIGHUP, when nobody else handles the signal, the same, then we exit 128+signal
 *   (when the application has its own handler, it is in charge of a graceful stop; 'exit' is the backstop);
 * - if this process is killed with SIGKILL, a tiny watchdog process notices its stdin closing and does it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { Writable } from 'node:stream';

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let installed = false;
let watchdog: Writable | undefined;

// Runs in a separate node process: reads "pid N", "unpid N", "dir D", "undir D" lines; on EOF kills and removes.
const WATCHDOG_SOURCE = `
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
const pids = new Set(), dirs = new Set();
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const sp = line.indexOf(' '), kind = line.slice(0, sp), val = line.slice(sp + 1);
    if (kind === 'pid') pids.add(Number(val)); else if (kind === 'unpid') pids.delete(Number(val));
    else if (kind === 'dir') dirs.add(val); else if (kind === 'undir') dirs.delete(val);
  }
});
process.stdin.on('end', () => {
  for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch {} }
  for (const d of dirs) { try { require('fs').rmSync(d, { recursive: true, force: true }); } catch {} }
  process.exit(0);
});
`;

function tellWatchdog(line: string): void {
  if (!watchdog) {
    const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    child.on('error', () => {});
    child.unref();
    const stdin = child.stdin;
    if (!stdin) return;
    stdin.on('error', () => {});
    (stdin as unknown as { unref?: () => void }).unref?.();
    watchdog = stdin;
  }
  watchdog.write(`${line}\n`);
}

function killAllSync(): void {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
  for (const dir of tempDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  tempDirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else (the demo, the test runner) handles this signal: let them stop things gracefully.
  if (process.listenerCount(signal) > 1) return;
  killAllSync();
  process.exit(128 + (os.constants.signals[signal] ?? 1));
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

export function trackChild(child: ChildProcess): void {
  install();
  children.add(child);
  if (child.pid !== undefined) tellWatchdog(`pid ${child.pid}`);
  child.once('exit', () => {
    children.delete(child);
    if (child.pid !== undefined) tellWatchdog(`unpid ${child.pid}`);
  });
}

export function trackTempDir(dir: string): void {
  install();
  tempDirs.add(dir);
  tellWatchdog(`dir ${dir}`);
}

export function untrackTempDir(dir: string): void {
  tempDirs.delete(dir);
  tellWatchdog(`undir ${dir}`);
}
