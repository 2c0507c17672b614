/**
 * `zkpulse demo` / `npm run demo`: a private ZooKeeper and InfluxDB on free loopback ports, the
 * collector, and a simulated cluster (1 master, 2 standby candidates, workers doing tasks, a crash
 * now and then). Ctrl-C (or SIGTERM) stops all of it and removes its temporary folders.
 */
import { pino } from 'pino';
import { untilStopSignal } from './signals.ts';
import { Collector } from '../collector/collector.ts';
import { DEFAULTS, type HostPort } from '../collector/config.ts';
import { ensureServices, startInfluxDB, startZooKeeper } from '../stack/index.ts';
import { startSimulatedCluster } from '../demo/simulated-cluster.ts';

export interface DemoOptions {
  http: HostPort;
  workers: number;
  /** a worker crashes about this often; 0 = never */
  crashEveryMs?: number;
  /** the master crashes about this often; 0 = never */
  masterCrashEveryMs?: number;
}

const DEMO_ROOT = '/zkpulse-demo';

export async function runDemo(opts: DemoOptions): Promise<void> {
  const log = pino({ level: process.env.ZKPULSE_LOG_LEVEL ?? 'warn' });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  await ensureServices();
  say('starting ZooKeeper and InfluxDB on free loopback ports...');
  const [zk, influx] = await Promise.all([startZooKeeper(), startInfluxDB()]);
  let collector: Collector | null = null;
  let cluster: { stop(): Promise<void> } | null = null;
  try {
    collector = new Collector({
      logger: log,
      config: {
        zk: zk.connectString,
        sessionTimeout: 4000,
        clusters: { demo: DEMO_ROOT },
        influx: `${influx.url}/zkpulse`,
        http: opts.http,
        webhook: [],
        alertmanager: [],
        instance: 'demo',
        probeIntervalMs: DEFAULTS.probeIntervalMs,
        probeTimeoutMs: DEFAULTS.probeTimeoutMs,
        maxDataBytes: DEFAULTS.maxDataBytes,
      },
    });
    await collector.start();
    cluster = await startSimulatedCluster({
      connectString: zk.connectString,
      root: DEMO_ROOT,
      workers: opts.workers,
      crashEveryMs: opts.crashEveryMs,
      masterCrashEveryMs: opts.masterCrashEveryMs,
      log: (line) => log.info(line),
    });
    say(`ZooKeeper  ${zk.connectString}   (cluster "demo" at ${DEMO_ROOT})`);
    say(`InfluxDB   ${influx.url}   (database zkpulse)`);
    say(`dashboard  ${collector.url}/`);
    say(`API        ${collector.url}/api/clusters/demo`);
    say('Ctrl-C stops everything.');
    await untilStopSignal();
    say('stopping...');
  } finally {
    await cluster?.stop().catch(() => undefined);
    await collector?.stop().catch(() => undefined);
    await Promise.all([zk.stop(), influx.stop()]);
  }
  say('stopped; temporary folders removed.');
}
