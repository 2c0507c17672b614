import fs from 'node:fs';
import path from 'node:path';
import { binaries, SERVLET_API_JAR } from './binaries.ts';
import { fourLetterWord, parseMode } from './four-letter.ts';
import { ensureServices } from './ensure.ts';
import { isPortClash } from './errors.ts';
import { freePort } from './ports.ts';
import { ServiceProcess } from './service-process.ts';
import { acceptsSession } from './session-check.ts';
import { makeTempDir, removeTempDir } from './temp-dir.ts';
import { pollUntil } from './wait.ts';
import { sessionLimits, zooCfg, type QuorumMember } from './zookeeper-config.ts';

export interface RunningZooKeeper {
  connectString: string;
  port: number;
  /** the AdminServer's port (`admin: true`), else null */
  adminPort: number | null;
  pid: number;
  dataDir: string;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the temp dir. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL), resolves when the process exited; keeps the data dir. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** (Re)starts on the same port and data dir; resolves when `srvr` shows it serving and it accepts a session. */
  start(): Promise<void>;
  /** SIGSTOP: a silent partition (connections are accepted by the kernel, nothing answers); resolves once every thread is stopped. */
  pause(): Promise<void>;
  /** SIGCONT. */
  resume(): void;
}

export interface ZooKeeperOptions {
  tickTime?: number;
  minSessionTimeout?: number;
  maxSessionTimeout?: number;
  /**
   * `fast-start` (default, tests): C1 JIT only and the serial GC, which start a JVM quickly on 2 cores.
   * `production`: the JVM's defaults (full tiered JIT, G1), as a real ZooKeeper runs; benchmarks use
   * it, so that a server slowed down by a test JIT does not hide the clients' differences.
   */
  jvm?: 'fast-start' | 'production';
  /** start the AdminServer on a free loopback port (`adminPort`); needs SERVLET_API_JAR */
  admin?: boolean;
  /** `4lw.commands.whitelist` (default `*`; `srvr` always answers) */
  fourLetterWhitelist?: string;
}

const JVM_FLAGS = {
  'fast-start': ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.net.preferIPv4Stack=true'],
  production: ['-Xmx1g', '-Djava.net.preferIPv4Stack=true'],
} as const;
const START_TIMEOUT_MS = 60_000;

/** One ZooKeeper server process, standalone or member of an ensemble. */
export class ZooKeeperServer implements RunningZooKeeper {
  private readonly process: ServiceProcess;
  private stopped = false;

  private constructor(
    readonly port: number,
    private readonly tempDir: string,
    readonly dataDir: string,
    configFile: string,
    jvm: keyof typeof JVM_FLAGS,
    readonly adminPort: number | null,
  ) {
    const { java, zookeeperClassPath: base } = binaries();
    const zookeeperClassPath = adminPort === null ? base : `${base}:${SERVLET_API_JAR}`;
    this.process = new ServiceProcess({
      name: `ZooKeeper 127.0.0.1:${port}`,
      command: java,
      args: [...JVM_FLAGS[jvm], '-cp', zookeeperClassPath, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', configFile],
      cwd: tempDir,
      logFile: path.join(tempDir, 'zookeeper.log'),
    });
  }

  /** Writes config (and myid) into a new temp dir; does not start the process. */
  static async create(opts: ZooKeeperOptions & { port?: number; myid?: number; quorum?: QuorumMember[] } = {}): Promise<ZooKeeperServer> {
    await ensureServices();
    const port = opts.port ?? (await freePort());
    const tempDir = await makeTempDir('zk');
    const dataDir = path.join(tempDir, 'data');
    await fs.promises.mkdir(dataDir);
    if (opts.myid !== undefined) await fs.promises.writeFile(path.join(dataDir, 'myid'), `${opts.myid}\n`);
    const configFile = path.join(tempDir, 'zoo.cfg');
    const adminPort = opts.admin ? await freePort() : null;
    await fs.promises.writeFile(
      configFile,
      zooCfg({
        clientPort: port,
        dataDir,
        quorum: opts.quorum,
        ...sessionLimits(opts),
        ...(adminPort === null ? {} : { adminPort }),
        ...(opts.fourLetterWhitelist === undefined ? {} : { fourLetterWhitelist: opts.fourLetterWhitelist }),
      }),
    );
    return new ZooKeeperServer(port, tempDir, dataDir, configFile, opts.jvm ?? 'fast-start', adminPort);
  }

  get connectString(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.process.pid;
  }

  get logFile(): string {
    return this.process.spec.logFile;
  }

  /** Spawns the JVM without waiting (the ensemble starts all members first, then waits). */
  spawn(): void {
    if (this.stopped) throw new Error(`${this.process.spec.name} was stopped (its data dir is gone)`);
    this.process.spawn();
  }

  async start(): Promise<void> {
    this.spawn();
    // srvr, not ruok: ZooKeeper answers srvr whatever 4lw.commands.whitelist says, and only names a Mode while serving
    await this.waitUntil('to serve (srvr names its Mode) and accept a session', async () => {
      const answer = await fourLetterWord(this.port, 'srvr', 1000);
      return parseMode(answer) !== undefined && (await this.isOurs()) && (await acceptsSession(this.connectString, 2000));
    });
  }

  /**
   * The server answering on our port is this one, not another test's that took the port between
   * freePort() and our bind (ours then dies with a BindException and the start is retried).
   */
  private async isOurs(): Promise<boolean> {
    const conf = await fourLetterWord(this.port, 'conf', 1000);
    // a whitelist without conf: a server on our port that is not ours makes ours exit (BindException) instead
    return conf.includes(`dataDir=${this.dataDir}`) || (conf.includes('not in the whitelist') && this.process.running);
  }

  /** Polls `check` while the process lives, failing with the log tail after 60 s or when it exits. */
  async waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = START_TIMEOUT_MS): Promise<void> {
    await pollUntil(check, {
      what: `${this.process.spec.name} ${what}`,
      timeoutMs,
      intervalMs: 100,
      abortReason: () => (this.process.running ? undefined : `the process ${this.process.exitReason ?? 'is not running'}`),
      details: () => this.process.logTail(),
    });
  }

  /** The `Mode:` of `srvr`: standalone, leader, follower; undefined when it does not answer. */
  async mode(): Promise<string | undefined> {
    if (!this.process.running) return undefined;
    try {
      return parseMode(await fourLetterWord(this.port, 'srvr', 1000));
    } catch {
      return undefined;
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.process.terminate(signal, signal === 'SIGKILL' ? 0 : 5000);
  }

  async pause(): Promise<void> {
    this.process.signal('SIGSTOP');
    await pollUntil(() => this.process.stopped(), { what: `${this.process.spec.name} to stop (SIGSTOP)`, timeoutMs: 5000, intervalMs: 5 });
  }

  resume(): void {
    this.process.signal('SIGCONT');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.process.terminate('SIGTERM', 5000);
    await removeTempDir(this.tempDir);
  }
}

/** Starts a standalone ZooKeeper on a free loopback port, in its own temp dir. */
export async function startZooKeeper(opts: ZooKeeperOptions = {}): Promise<RunningZooKeeper> {
  for (let attempt = 1; ; attempt++) {
    const server = await ZooKeeperServer.create(opts);
    try {
      await server.start();
      return server;
    } catch (error) {
      await server.stop();
      // Another process may have bound the port since freePort() probed it: take a new one.
      if (!isPortClash(error) || attempt >= 3) throw error;
    }
  }
}
