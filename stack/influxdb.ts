import fs from 'node:fs';
import path from 'node:path';
import { binaries } from './binaries.ts';
import { ensureServices } from './ensure.ts';
import { isPortClash } from './errors.ts';
import { influxdConfig } from './influxdb-config.ts';
import { freePort } from './ports.ts';
import { ServiceProcess } from './service-process.ts';
import { makeTempDir, removeTempDir } from './temp-dir.ts';
import { pollUntil } from './wait.ts';

export interface RunningInfluxDB {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  pid: number;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the temp dir. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL), resolves when the process exited; keeps the data. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** (Re)starts on the same ports and data; resolves when GET /ping answers 204. */
  start(): Promise<void>;
}

/**
 * GET /ping answers 204, and the server answering is ours (its command line names our config file),
 * not another test's that took the port between freePort() and our bind.
 */
async function pings(url: string, configFile: string): Promise<boolean> {
  const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
  await response.arrayBuffer();
  if (response.status !== 204) return false;
  const vars = (await (await fetch(`${url}/debug/vars`, { signal: AbortSignal.timeout(1000) })).json()) as { cmdline?: unknown };
  return Array.isArray(vars.cmdline) && vars.cmdline.includes(configFile);
}

class InfluxServer implements RunningInfluxDB {
  private readonly process: ServiceProcess;
  private stopped = false;

  constructor(
    readonly port: number,
    private readonly tempDir: string,
    private readonly configFile: string,
  ) {
    this.process = new ServiceProcess({
      name: `InfluxDB 127.0.0.1:${port}`,
      command: binaries().influxd,
      args: ['-config', configFile],
      cwd: tempDir,
      logFile: path.join(tempDir, 'influxd.log'),
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.process.pid;
  }

  async start(): Promise<void> {
    if (this.stopped) throw new Error(`${this.process.spec.name} was stopped (its data dir is gone)`);
    this.process.spawn();
    await pollUntil(() => pings(this.url, this.configFile), {
      what: `${this.process.spec.name} to answer GET /ping with 204`,
      timeoutMs: 60_000,
      intervalMs: 100,
      abortReason: () => (this.process.running ? undefined : `the process ${this.process.exitReason ?? 'is not running'}`),
      details: () => this.process.logTail(),
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.process.terminate(signal, signal === 'SIGKILL' ? 0 : 5000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.process.terminate('SIGTERM', 5000);
    await removeTempDir(this.tempDir);
  }
}

/** Starts a private InfluxDB 1.x on free loopback ports, in its own temp dir. */
export async function startInfluxDB(): Promise<RunningInfluxDB> {
  await ensureServices();
  for (let attempt = 1; ; attempt++) {
    const server = await createInfluxServer();
    try {
      await server.start();
      return server;
    } catch (error) {
      await server.stop();
      // Another process may have bound a port since freePort() probed it: take new ones.
      if (!isPortClash(error) || attempt >= 3) throw error;
    }
  }
}

async function createInfluxServer(): Promise<InfluxServer> {
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const tempDir = await makeTempDir('influx');
  const configFile = path.join(tempDir, 'influxdb.conf');
  await fs.promises.writeFile(
    configFile,
    influxdConfig({
      httpPort,
      rpcPort,
      metaDir: path.join(tempDir, 'meta'),
      dataDir: path.join(tempDir, 'data'),
      walDir: path.join(tempDir, 'wal'),
    }),
  );
  return new InfluxServer(httpPort, tempDir, configFile);
}
