/**
 * kazoo's own recipes in Python processes (test/fixtures/kazoo/recipe.py, Debian's python3-kazoo): the
 * independent clients of issue 14's integration tests. `startKazooRecipe` spawns one and resolves once it
 * printed READY (its znode exists).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { which } from './binaries.ts';
import { lockContenderOf, type LockContender, type LockContenderOptions } from './lock-contender.ts';
import { RecipeProcess } from './recipe-process.ts';

export type KazooRecipe = 'election' | 'party' | 'shallow-party' | 'lock' | 'read-lock' | 'write-lock';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'kazoo');
const SCRIPT = path.join(FIXTURES, 'recipe.py');
/** One contender of a lock recipe (issue 15): Lock, ReadLock, WriteLock. */
const LOCKS_SCRIPT = path.join(FIXTURES, 'locks.py');

export interface KazooProcess {
  process: RecipeProcess;
  /** The recipe's znode name under its path, from the READY line. */
  node: string;
}

/**
 * The Python that has kazoo: ZKPULSE_KAZOO_PYTHON, else Debian's /usr/bin/python3 (python3-kazoo installs
 * there; a pyenv or venv `python3` on PATH usually lacks it), else `python3` on PATH.
 */
export function kazooPython(): string {
  const override = process.env.ZKPULSE_KAZOO_PYTHON;
  if (override) return override;
  if (fs.existsSync('/usr/bin/python3')) return '/usr/bin/python3';
  const onPath = which('python3');
  if (!onPath) throw new Error('python3 not found: install python3-kazoo (apt-get install python3-kazoo) or set ZKPULSE_KAZOO_PYTHON');
  return onPath;
}

/** Start `recipe` at `znodePath` as `identifier`; resolves after READY (a Python start and a session: `readyMs`). */
export async function startKazooRecipe(
  connectString: string,
  recipe: KazooRecipe,
  znodePath: string,
  identifier: string,
  opts: { sessionTimeoutMs?: number; readyMs?: number } = {},
): Promise<KazooProcess> {
  const args = [SCRIPT, connectString, recipe, znodePath, identifier, '--timeout', String((opts.sessionTimeoutMs ?? 10_000) / 1000)];
  const process = RecipeProcess.spawn(`kazoo ${recipe} ${identifier}`, kazooPython(), args);
  try {
    const node = await process.until('READY', opts.readyMs ?? 30_000);
    return { process, node };
  } catch (err) {
    await process.kill();
    throw err;
  }
}

export type KazooLockRole = 'lock' | 'read' | 'write';

/**
 * One contender of a kazoo lock recipe at `znodePath` (locks.py: Lock, ReadLock, WriteLock as `identifier`).
 * Resolves once its node exists.
 */
export async function startKazooLockContender(
  connectString: string,
  role: KazooLockRole,
  znodePath: string,
  identifier: string,
  opts: LockContenderOptions = {},
): Promise<LockContender> {
  const args = [LOCKS_SCRIPT, connectString, role, znodePath, identifier, String(opts.sessionTimeoutMs ?? 10_000)];
  const process = RecipeProcess.spawn(`kazoo ${role} ${identifier}`, kazooPython(), args);
  return lockContenderOf(`kazoo-${role}`, identifier, process, opts.readyMs ?? 30_000);
}
