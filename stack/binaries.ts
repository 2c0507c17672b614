import fs from 'node:fs';
import path from 'node:path';

/** Where the service binaries are; each can be overridden by an environment variable. */
export interface Binaries {
  java: string;
  /** Class path for QuorumPeerMain (zookeeper.jar, plus an SLF4J binding so logs reach the log file). */
  zookeeperClassPath: string;
  influxd: string;
}

/**
 * The AdminServer's Jetty needs the Servlet API, which Debian's zookeeper.jar manifest does not list:
 * a server started with the AdminServer on gets this jar on its class path too.
 */
export const SERVLET_API_JAR = '/usr/share/java/servlet-api.jar';

const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
// Debian's zookeeper.jar lists its dependencies in its manifest but no SLF4J binding: without one it logs nothing.
const SLF4J_BINDINGS = ['/usr/share/java/slf4j-simple.jar', '/usr/share/java/slf4j-jdk14.jar'];

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Looks a command up on PATH (or accepts an absolute path). */
export function which(command: string): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? command : undefined;
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of [...dirs, '/usr/bin', '/usr/local/bin']) {
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function findJava(): string | undefined {
  const javaHome = process.env.JAVA_HOME;
  if (javaHome && isExecutable(path.join(javaHome, 'bin', 'java'))) return path.join(javaHome, 'bin', 'java');
  return which('java');
}

function findZooKeeperClassPath(): string | undefined {
  const override = process.env.ZKPULSE_ZOOKEEPER_CLASSPATH;
  if (override) return override;
  if (!fs.existsSync(ZOOKEEPER_JAR)) return undefined;
  const binding = SLF4J_BINDINGS.find((jar) => fs.existsSync(jar));
  return binding ? `${ZOOKEEPER_JAR}:${binding}` : ZOOKEEPER_JAR;
}

function findInfluxd(): string | undefined {
  return which(process.env.ZKPULSE_INFLUXD ?? 'influxd');
}

/** What is missing, in words, with the Debian package that brings it. */
export interface Missing {
  what: string;
  debianPackage: string;
}

export function locateBinaries(): { found?: Binaries; missing: Missing[] } {
  const java = findJava();
  const zookeeperClassPath = findZooKeeperClassPath();
  const influxd = findInfluxd();
  const missing: Missing[] = [];
  if (!java) missing.push({ what: 'java', debianPackage: 'zookeeper' });
  if (!zookeeperClassPath) missing.push({ what: ZOOKEEPER_JAR, debianPackage: 'zookeeper' });
  if (!influxd) missing.push({ what: 'influxd (InfluxDB 1.x)', debianPackage: 'influxdb' });
  if (java && zookeeperClassPath && influxd) return { found: { java, zookeeperClassPath, influxd }, missing };
  return { missing };
}

let cached: Binaries | undefined;

/** The binaries, or throws when ensureServices() has not made them available. */
export function binaries(): Binaries {
  if (cached) return cached;
  const { found, missing } = locateBinaries();
  if (!found) throw new Error(`missing ${missing.map((m) => m.what).join(', ')}: call ensureServices() first`);
  cached = found;
  return found;
}
