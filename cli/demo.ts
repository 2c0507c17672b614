/**
 * `zkpulse demo` / `npm run demo`: a private ZooKeeper and InfluxDB on free loopback ports, the
 * collector, and a simulated cluster (1 master, 2 standby candidates, workers doing tasks, a crash
 * now and then; with `--layout curator-leader-latch` or `kafka`, that program's znodes instead). Ctrl-C (or SIGTERM) stops all of it and removes its temporary folders.
 *
 * Signals are handled from the first line on: a Ctrl-C during start-up lets the step under way
 * finish (each has its own deadline), then stops what has started; a repeated signal changes
 * nothing. Every stop step has a deadline too, so the last line is always printed.
 */
import { pino, type Logger } from 'pino';
import { listenForStopSignals } from './stop-signals.ts';
import { Collector } from '../server/collector.ts';
import { DEFAULTS, type HostPort } from '../collector/config.ts';
import { ensureServices, startInfluxDB, startZooKeeper } from '../stack/index.ts';
import { startSimulatedCluster } from '../demo/simulated-cluster.ts';
import { startForeignCluster } from '../demo/demo-layouts.ts';
import type { DemoLayout } from '../demo/layout-names.ts';
import { builtInLayout, type ClusterLayoutConfig } from '../collector/config/cluster-entry.ts';

export interface DemoOptions {
  http: HostPort;
  workers: number;
  /** a worker crashes (or restarts) about this often; 0 = never */
  crashEveryMs?: number;
  /** the master crashes about this often; 0 = never */
  masterCrashEveryMs?: number;
  /** the layout the simulated cluster writes (default zkpulse) */
  layout?: DemoLayout;
}

const DEMO_ROOT = '/zkpulse-demo';
/**
 * How long one part may take to stop before the demo goes on without it. The services stop within
 * about 5 s (SIGTERM, then SIGKILL); the cluster and the collector close ZooKeeper sessions (2 s each).
 */
const STOP_DEADLINE_MS = 15_000;

interface Part {
  name: string;
  stop(): Promise<void>;
}

export async function runDemo(opts: DemoOptions): Promise<void> {
  const log = pino({ level: process.env.ZKPULSE_LOG_LEVEL ?? 'warn' });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const signals = listenForStopSignals(() => say('stopping...'));
  /** What has started, in order; stopped in reverse. */
  const parts: Part[] = [];
  let abandoned = false;
  try {
    await startAll(opts, log, say, parts, () => signals.received !== undefined);
    if (signals.received === undefined) {
      say('Ctrl-C stops everything.');
      await signals.first;
    }
  } finally {
    for (const part of parts.reverse()) {
      if (!(await stopWithin(part, STOP_DEADLINE_MS, say))) abandoned = true;
    }
    signals.dispose();
  }
  say('stopped; temporary folders removed.');
  // A part that missed its deadline may still hold a socket or timer; the exit hooks of
  // stack/registry.ts kill what is left of the services and remove their folders.
  if (abandoned) process.exit(0);
}

/** Starts the parts one after the other, until done or `interrupted()`; `parts` gets each one that started. */
async function startAll(opts: DemoOptions, log: Logger, say: (line: string) => void, parts: Part[], interrupted: () => boolean): Promise<void> {
  await ensureServices();
  if (interrupted()) return;
  say('starting ZooKeeper and InfluxDB on free loopback ports...');
  const [zkStarted, influxStarted] = await Promise.allSettled([startZooKeeper(), startInfluxDB()]);
  if (zkStarted.status === 'fulfilled') parts.push({ name: 'ZooKeeper', stop: () => zkStarted.value.stop() });
  if (influxStarted.status === 'fulfilled') parts.push({ name: 'InfluxDB', stop: () => influxStarted.value.stop() });
  if (zkStarted.status === 'rejected') throw zkStarted.reason;
  if (influxStarted.status === 'rejected') throw influxStarted.reason;
  if (interrupted()) return;
  const zk = zkStarted.value;
  const influx = influxStarted.value;
  const layout = opts.layout ?? 'zkpulse';

  const collector = new Collector({
    logger: log,
    config: {
      zk: zk.connectString,
      sessionTimeout: 4000,
      clusters: { demo: DEMO_ROOT },
      ...(layout === 'zkpulse' ? {} : { layouts: { demo: layoutConfig(layout) } }),
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
  // before start(): a start that fails half-way (the port is taken) has already opened a session
  parts.push({ name: 'the collector', stop: () => collector.stop() });
  await collector.start();
  if (interrupted()) return;

  const sim = {
    connectString: zk.connectString,
    root: DEMO_ROOT,
    crashEveryMs: opts.crashEveryMs,
    masterCrashEveryMs: opts.masterCrashEveryMs,
    log: (line: string) => log.info(line),
  };
  const cluster =
    layout === 'zkpulse' ? await startSimulatedCluster({ ...sim, workers: opts.workers }) : await startForeignCluster(layout, { ...sim, members: opts.workers });
  parts.push({ name: 'the simulated cluster', stop: () => cluster.stop() });
  if (interrupted()) return;
  say(`ZooKeeper  ${zk.connectString}   (cluster "demo" at ${DEMO_ROOT}, layout ${layout})`);
  say(`InfluxDB   ${influx.url}   (database zkpulse)`);
  say(`dashboard  ${collector.url}/`);
  say(`API        ${collector.url}/api/clusters/demo`);
}

/** The built-in layout's config entry (the names of DEMO_LAYOUTS are all built in). */
function layoutConfig(name: string): ClusterLayoutConfig {
  const built = builtInLayout(name);
  if (typeof built === 'string') throw new Error(built);
  return built;
}

/** Stops one part; false when it did not finish within `ms` (the demo then goes on without it). */
async function stopWithin(part: Part, ms: number, say: (line: string) => void): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const stopped = part.stop().then(
    () => 'stopped' as const,
    (err: unknown) => {
      say(`${part.name} did not stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
      return 'stopped' as const;
    },
  );
  try {
    if ((await Promise.race([stopped, late])) === 'stopped') return true;
    say(`${part.name} did not stop within ${ms / 1000} s; going on without it`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}
