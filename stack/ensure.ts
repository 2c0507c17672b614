import { spawn } from 'node:child_process';
import { locateBinaries, which, type Missing } from './binaries.ts';
import { ServicesMissingError } from './errors.ts';

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // apt's output goes to our stderr: stdout may be a report someone parses.
    const child = spawn(command, args, {
      stdio: ['ignore', process.stderr, process.stderr],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}

function packagesFor(missing: Missing[]): string[] {
  return [...new Set(missing.map((m) => m.debianPackage))];
}

function missingMessage(missing: Missing[]): string {
  const packages = packagesFor(missing).join(' ');
  return (
    `zkpulse needs ZooKeeper 3.5+ (java + ${'/usr/share/java/zookeeper.jar'}) and InfluxDB 1.x (influxd); ` +
    `missing: ${missing.map((m) => m.what).join(', ')}. ` +
    `Install them with: sudo apt-get install -y ${packages} ` +
    `(elsewhere set JAVA_HOME, ZKPULSE_ZOOKEEPER_CLASSPATH and ZKPULSE_INFLUXD)`
  );
}

async function ensure(): Promise<void> {
  const first = locateBinaries();
  if (first.found) return;
  const isRoot = process.getuid?.() === 0;
  const aptGet = which('apt-get');
  if (!isRoot || !aptGet) throw new ServicesMissingError(missingMessage(first.missing));
  const packages = packagesFor(first.missing);
  process.stderr.write(`zkpulse: installing ${packages.join(' ')} with apt-get\n`);
  try {
    await run(aptGet, ['update']);
    await run(aptGet, ['install', '-y', ...packages]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServicesMissingError(`${missingMessage(first.missing)}; automatic install failed: ${reason}`);
  }
  const second = locateBinaries();
  if (!second.found) throw new ServicesMissingError(missingMessage(second.missing));
}

let pending: Promise<void> | undefined;

/**
 * Makes sure java, the ZooKeeper jars and influxd are here. As root with apt-get, installs the
 * missing Debian packages (zookeeper, influxdb); otherwise throws ServicesMissingError (one line).
 */
export function ensureServices(): Promise<void> {
  pending ??= ensure().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}
