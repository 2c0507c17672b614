/**
 * `npm run record-case -- <name>|all`: records a golden case of test/testcases/ from a REAL run.
 * Starts a private ZooKeeper, a Collector with `record` set (connected through a TCP proxy, so
 * the case can partition it), plays the scenario of scripts/cases/catalog.ts with plain clients,
 * trims the recording (only the scenario's time span: the collector's own shutdown is not part of
 * the case) and writes config.yaml, events.ndjson and expected-notifications.ndjson (by running the
 * replayer over the trimmed recording). Review the expected file by eye before committing it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { Collector } from '../server/collector.ts';
import { collectConfigSchema } from '../collector/config.ts';
import { startZooKeeper } from '../stack/index.ts';
import { startTcpProxy } from '../stack/tcp-proxy.ts';
import { PlainZk } from '../stack/plain-zk.ts';
import type { RunningZooKeeper } from '../stack/index.ts';
import { CASES, layout } from './cases/catalog.ts';
import { CASE_OPTIONS_FILE, replayCase } from './cases/replay-case.ts';
import { sleep, type CaseContext, type RecordedCase } from './cases/kit.ts';

export const TESTCASES_DIR = fileURLToPath(new URL('../test/testcases/', import.meta.url));

/** Every rule off, except those the case names: each expected file shows only what its name promises. */
const ALL_OFF = Object.fromEntries(
  ['MasterMissing', 'MasterFlapping', 'WorkerLost', 'WorkersBelowMinimum', 'HeartbeatStale', 'ProgressStalled', 'TaskOrphaned', 'SplitBrain', 'KafkaOfflinePartitions', 'LockHeldTooLong', 'LockContention', 'SequenceNearExhaustion', 'ConfigChanged', 'CollectorDisconnected'].map((n) => [n, { enabled: false }]),
);

/** The case's config.yaml: the cluster and the alerts section (what replay reads). */
export function caseConfig(c: RecordedCase, root: string): Record<string, unknown> {
  const own = (c.config?.alerts?.defaults ?? {}) as Record<string, Record<string, unknown>>;
  const defaults: Record<string, unknown> = { ...ALL_OFF };
  for (const [rule, settings] of Object.entries(own)) defaults[rule] = { enabled: true, ...settings };
  return {
    clusters: { app: c.layout === undefined ? root : { root, layout: c.layout } },
    alerts: { evalInterval: '200ms', route: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' }, ...c.config?.alerts, defaults },
  };
}

async function recordCase(name: string, c: RecordedCase, zk: RunningZooKeeper): Promise<void> {
  const zkAddress = zk.connectString;
  const root = `/case-${name}`;
  const dir = join(TESTCASES_DIR, name);
  const tmp = mkdtempSync(join(tmpdir(), `zkpulse-case-${name}-`));
  const recording = join(tmp, 'raw.ndjson');
  const proxy = await startTcpProxy(zkAddress);
  const sessions: PlainZk[] = [];
  // alertingAfterSync: Alerting.start() waits for the gate, as if its state load took that long
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let engineStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (engineStarted = resolve));
  let alertingStartsAt: number | null = null;
  let collector: Collector | null = null;
  const ctx: CaseContext = {
    root,
    zkAddress,
    proxy,
    zk,
    async startAlerting() {
      if (!c.alertingAfterSync || !collector) throw new Error(`${name}: startAlerting() needs alertingAfterSync`);
      openGate();
      await started;
    },
    async session() {
      const s = await PlainZk.connect(zkAddress, 4000);
      sessions.push(s);
      return s;
    },
    sleep,
  };
  const admin = await ctx.session();
  const config = caseConfig(c, root);
  try {
    if (c.layout === undefined) await layout(admin, root);
    else await admin.mkdirp(root);
    await c.setup?.(ctx, admin);
    collector = new Collector({
      logger: pino({ level: 'silent' }),
      config: collectConfigSchema.parse({
        ...config,
        zk: proxy.address,
        sessionTimeout: c.config?.sessionTimeout ?? 6000,
        probeIntervalMs: c.config?.probeIntervalMs,
        probeTimeoutMs: c.config?.probeTimeoutMs,
        http: '127.0.0.1:0',
        instance: 'record-case',
        record: recording,
      }),
    });
    const step = (what: string) => process.stderr.write(`${name}: ${what}\n`);
    if (c.alertingAfterSync) {
      const alerting = collector.alerting;
      const start = alerting.start.bind(alerting);
      alerting.start = async (options) => {
        await gate;
        await start(options);
        // the engine subscribes at the end of start(): events before now reached the models only
        alertingStartsAt = Date.now();
        engineStarted();
      };
    }
    await collector.start({ http: false });
    await collector.whenSynced();
    step('synced; playing the scenario');
    await c.run(ctx, admin);
    await sleep(c.settleMs ?? 1000);
    const end = Date.now();
    step('stopping the collector');
    // after a partition Collector.stop() can hang (seen with an expired session): bounded here; the
    // recorder flushes its buffer within a second by itself
    const stopped = await Promise.race([collector.stop().then(() => true), sleep(5000).then(() => false)]);
    if (!stopped) step('Collector.stop() did not finish within 5 s; going on');
    collector = null;

    // trim: the scenario's span only (the collector's own shutdown would read as a disconnection)
    const lines = readFileSync(recording, 'utf8').split('\n').filter((l) => l !== '' && (JSON.parse(l) as { time: number }).time <= end);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.yaml'), `# ${c.promise}\n# recorded by: npm run record-case -- ${name}\n${stringify(config)}`);
    writeFileSync(join(dir, 'events.ndjson'), lines.map((l) => l + '\n').join(''));
    if (c.alertingAfterSync) {
      if (alertingStartsAt === null) throw new Error(`${name}: the scenario never called startAlerting()`);
      writeFileSync(join(dir, CASE_OPTIONS_FILE), JSON.stringify({ alertingStartsAt: new Date(alertingStartsAt).toISOString() }) + '\n');
    } else {
      rmSync(join(dir, CASE_OPTIONS_FILE), { force: true });
    }
    const expected = await replayCase(dir);
    writeFileSync(join(dir, 'expected-notifications.ndjson'), expected);
    const summary = expected.split('\n').filter(Boolean).map((l) => {
      const n = JSON.parse(l) as { at: string; status: string; alerts: { status: string; labels: Record<string, string> }[] };
      return `  ${n.at} ${n.status}: ${n.alerts.map((a) => `${a.labels.alertname}${a.labels.worker ? `/${a.labels.worker}` : ''}${a.labels.task ? `/${a.labels.task}` : ''}=${a.status}`).join(', ')}`;
    });
    process.stdout.write(`${name}: ${lines.length} events; promise: ${c.promise}\n${summary.join('\n') || '  (no notifications)'}\n`);
  } finally {
    await collector?.stop().catch(() => undefined);
    for (const s of sessions) await s.close().catch(() => undefined);
    await proxy.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  if (wanted.length === 0) {
    process.stderr.write(`usage: npm run record-case -- <name>|all\ncases: ${Object.keys(CASES).join(', ')}\n`);
    process.exit(2);
  }
  const names = wanted.includes('all') ? Object.keys(CASES) : wanted;
  for (const n of names) {
    if (!CASES[n]) {
      process.stderr.write(`record-case: unknown case ${JSON.stringify(n)} (cases: ${Object.keys(CASES).join(', ')})\n`);
      process.exit(2);
    }
  }
  const zk = await startZooKeeper();
  try {
    for (const n of names) await recordCase(n, CASES[n]!, zk);
  } finally {
    await zk.stop();
  }
  // a collector that did not stop may hold handles open
  process.exit(0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
