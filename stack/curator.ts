/**
 * Apache Curator's own recipes in JVM processes (test/fixtures/curator/Recipe.java against Debian's
 * libcurator-*-java jars): the independent clients of issue 14's integration tests.
 *
 * The class path is Debian's jars and their dependencies as the Curator 5.4.0 POMs list them
 * (/usr/share/maven-repo/org/apache/curator/*): curator-client needs zookeeper (+ zookeeper-jute), guava and
 * slf4j-api; curator-framework and curator-x-discovery need jackson (core, databind, annotations); slf4j-nop
 * keeps the recipes' logging off their stdout. Recipe.java is compiled once with javac into a cache folder
 * under os.tmpdir() named by a hash of the source and the class path (an atomic rename, so parallel test
 * workers can race), and each recipe then runs as `java -cp … Recipe <zk> <recipe> <path> <id>`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { which } from './binaries.ts';
import { lockContenderOf, type LockContender, type LockContenderOptions } from './lock-contender.ts';
import { RecipeProcess } from './recipe-process.ts';

export type CuratorRecipe = 'leader-latch' | 'leader-selector' | 'service-discovery' | 'mutex' | 'read-lock' | 'write-lock';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'curator');
const SOURCE = path.join(FIXTURES, 'Recipe.java');
/** One contender of a lock recipe (issue 15): mutex, read, write, semaphore. */
const LOCKS_SOURCE = path.join(FIXTURES, 'Locks.java');
const SOURCES = [SOURCE, LOCKS_SOURCE];
const JAVA_DIR = '/usr/share/java';
const JARS = [
  'curator-client',
  'curator-framework',
  'curator-recipes',
  'curator-x-discovery',
  'zookeeper',
  'zookeeper-jute',
  'guava',
  'slf4j-api',
  'slf4j-nop',
  'jackson-core',
  'jackson-databind',
  'jackson-annotations',
];
export const CURATOR_DEBIAN_PACKAGES = [
  'libcurator-client-java',
  'libcurator-framework-java',
  'libcurator-recipes-java',
  'libcurator-discovery-java',
  'default-jdk-headless',
];

function javaTool(tool: 'java' | 'javac'): string {
  const home = process.env.JAVA_HOME;
  const fromHome = home ? path.join(home, 'bin', tool) : undefined;
  const found = fromHome && fs.existsSync(fromHome) ? fromHome : which(tool);
  if (!found) throw new Error(`${tool} not found: install ${CURATOR_DEBIAN_PACKAGES.join(' ')} (apt-get install -y …) or set JAVA_HOME`);
  return found;
}

/** The Curator class path: ZKPULSE_CURATOR_CLASSPATH, else Debian's jars; names what is missing. */
export function curatorClassPath(): string {
  const override = process.env.ZKPULSE_CURATOR_CLASSPATH;
  if (override) return override;
  const jars = JARS.map((name) => path.join(JAVA_DIR, `${name}.jar`));
  const missing = jars.filter((jar) => !fs.existsSync(jar));
  if (missing.length > 0) {
    throw new Error(`Curator jars missing (${missing.join(', ')}): apt-get install -y ${CURATOR_DEBIAN_PACKAGES.join(' ')}, or set ZKPULSE_CURATOR_CLASSPATH`);
  }
  return jars.join(path.delimiter);
}

let compiled: Promise<string> | undefined;

/** Compiles Recipe.java and Locks.java once (per sources and class path); resolves to the folder holding the classes. */
export function compileCuratorRecipes(): Promise<string> {
  compiled ??= (async () => {
    const classPath = curatorClassPath();
    const hasher = createHash('sha256');
    for (const file of SOURCES) hasher.update(await fs.promises.readFile(file)).update('\0');
    const hash = hasher.update(classPath).digest('hex').slice(0, 16);
    const dir = path.join(os.tmpdir(), `zkpulse-curator-${hash}`);
    if (fs.existsSync(path.join(dir, 'Recipe.class')) && fs.existsSync(path.join(dir, 'Locks.class'))) return dir;
    const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'zkpulse-curator-build-'));
    try {
      await promisify(execFile)(javaTool('javac'), ['-d', work, '-cp', classPath, ...SOURCES], { timeout: 120_000 });
      try {
        await fs.promises.rename(work, dir);
      } catch (err) {
        // another worker won the race: its classes are the same
        if (!fs.existsSync(path.join(dir, 'Recipe.class'))) throw err;
      }
    } catch (err) {
      compiled = undefined;
      const stderr = (err as { stderr?: string }).stderr?.trim().split('\n').slice(0, 5).join(' | ');
      throw new Error(`could not compile ${SOURCES.join(', ')}: ${stderr || (err as Error).message}`);
    } finally {
      await fs.promises.rm(work, { recursive: true, force: true });
    }
    return dir;
  })();
  return compiled;
}

export interface CuratorProcess {
  process: RecipeProcess;
  /** The recipe's znode name under its path, from the READY line (discovery: `<service>/<id>`). */
  node: string;
}

/** Start `recipe` at `znodePath` as `identifier`; resolves after READY (a JVM start and a session: `readyMs`). */
export async function startCuratorRecipe(
  connectString: string,
  recipe: CuratorRecipe,
  znodePath: string,
  identifier: string,
  opts: { sessionTimeoutMs?: number; readyMs?: number } = {},
): Promise<CuratorProcess> {
  const classes = await compileCuratorRecipes();
  const classPath = [curatorClassPath(), classes].join(path.delimiter);
  const args = ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-cp', classPath, 'Recipe', connectString, recipe, znodePath, identifier, String(opts.sessionTimeoutMs ?? 10_000)];
  const process = RecipeProcess.spawn(`Curator ${recipe} ${identifier}`, javaTool('java'), args);
  try {
    const node = await process.until('READY', opts.readyMs ?? 60_000);
    return { process, node };
  } catch (err) {
    await process.kill();
    throw err;
  }
}

/** `write-read`: the write lock, then the read lock of the same InterProcessReadWriteLock (two HOLDING lines). */
export type CuratorLockRole = 'mutex' | 'read' | 'write' | 'write-read' | 'semaphore';

/**
 * One contender of a Curator lock recipe at `znodePath` (Locks.java: InterProcessMutex, the read or write side
 * of InterProcessReadWriteLock, InterProcessSemaphoreV2 with `opts.leases`); its node's data is `identifier`
 * (unique per lock). Resolves once its node exists (semaphore: once it is acquiring).
 */
export async function startCuratorLockContender(
  connectString: string,
  role: CuratorLockRole,
  znodePath: string,
  identifier: string,
  opts: LockContenderOptions = {},
): Promise<LockContender> {
  const classes = await compileCuratorRecipes();
  const classPath = [curatorClassPath(), classes].join(path.delimiter);
  const args = ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-cp', classPath, 'Locks', connectString, role, znodePath, identifier, String(opts.sessionTimeoutMs ?? 10_000), String(opts.leases ?? 1)];
  const process = RecipeProcess.spawn(`Curator ${role} ${identifier}`, javaTool('java'), args);
  return lockContenderOf(`curator-${role}`, identifier, process, opts.readyMs ?? 60_000);
}
