/**
 * The foreign baselines of the sync benchmark: the ZooKeeper Java client (compiled at bench time
 * into a temp dir, nothing committed) and kazoo's TreeCache (Debian python3-kazoo, /usr/bin/python3).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const ZK_JARS = ['/usr/share/java/zookeeper.jar', '/usr/share/java/zookeeper-jute.jar'];
// zookeeper.jar's manifest Class-Path brings netty, slf4j-api, ...; slf4j-nop silences logging.
const SLF4J_NOP = '/usr/share/java/slf4j-nop.jar';
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface JavaBaseline {
  command: string;
  args: (connectString: string, root: string, workers: number) => string[];
  cleanup(): Promise<void>;
}

/** Compiles SyncBaseline.java into a fresh temp dir; a reason string when javac or the jars are missing. */
export async function compileJavaBaseline(): Promise<JavaBaseline | string> {
  const missing = ZK_JARS.filter((j) => !fs.existsSync(j));
  if (missing.length > 0) return `missing ${missing.join(', ')} (apt-get install zookeeper)`;
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'zkpulse-bench-java-'));
  const source = new URL('../java/SyncBaseline.java', import.meta.url).pathname;
  try {
    await run('javac', ['-nowarn', '-cp', ZK_JARS.join(':'), '-d', dir, source]);
  } catch (err) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    return `javac failed: ${(err as Error).message.split('\n')[0]}`;
  }
  const classPath = [dir, ...ZK_JARS, ...(fs.existsSync(SLF4J_NOP) ? [SLF4J_NOP] : [])].join(':');
  return {
    command: 'java',
    args: (cs, root, n) => ['-cp', classPath, 'SyncBaseline', cs, root, String(n)],
    cleanup: () => fs.promises.rm(dir, { recursive: true, force: true }),
  };
}

/** null when kazoo imports under the system python, else the line to print. */
export async function kazooMissing(): Promise<string | null> {
  try {
    await run(SYSTEM_PYTHON, ['-c', 'import kazoo.recipe.cache']);
    return null;
  } catch {
    return 'kazoo: not installed (apt-get install python3-kazoo)';
  }
}

export function kazooArgs(connectString: string, root: string, workers: number): string[] {
  return [new URL('../python/treecache_baseline.py', import.meta.url).pathname, connectString, root, String(workers)];
}
