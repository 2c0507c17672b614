/**
 * Locks and configuration end to end (issue 15, docs/contract.md §9), on real processes: Curator's and kazoo's
 * own lock recipes (stack/lock-contenders.ts) contend against the suite's ZooKeeper while a real Collector
 * watches them and alerts a real webhook receiver.
 * - A holder that hangs (SIGSTOP) with 6 waiters: LockHeldTooLong and LockContention reach the webhook naming
 *   the node the holder printed, its session (the node's ephemeralOwner, read by a plain client) and its
 *   client address (the process's own socket, read from /proc); the API shows the holder and 6 waiters.
 *   Killed, its session expires and the waiter the recipe lets in holds; the API shows it, the alerts resolve.
 * - Read/write locks: readers share (several holders), LockContention counts waiters, not readers holding.
 * - Configuration keys changed by a plain client: ConfigChanged on /api/events, `config` and `event` points,
 *   the ConfigChanged notice and the dashboards' annotation query — and the data nowhere (webhook, SSE,
 *   InfluxDB, the collector's log, the recording).
 */
import test, { type ExecutionContext } from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DestinationStream } from 'pino';
import { Collector } from '../../server/collector.ts';
import { collectConfigSchema } from '../../collector/config.ts';
import { queryInflux, rows } from '../../collector/influx/query.ts';
import { expandGrafanaQuery } from '../../dashboards/grafana-macros.ts';
import { parseLockContender } from '../../contract/locks.ts';
import { compileCuratorRecipes } from '../../stack/curator.ts';
import { startLockContender, type LockContender, type LockFlavor } from '../../stack/lock-contenders.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.ts';
import { sharedInfluxDB, sharedZooKeeper, uniqueDatabase, uniqueRoot } from '../support/services.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';

/** the contenders' session: the suite server's longest (20 × tickTime 500, stack/zookeeper-config.ts) */
const SESSION_MS = 10_000;
/** a JVM or Python start plus a session, on a busy 2-core machine (as test/integration/lock-recipes-real.test.ts) */
const START_MS = 90_000;
/** what the model, the API, InfluxDB or the webhook follow within: a few round trips and evaluations, with room */
const EVENT_MS = 20_000;
const AFTER = '4s';
const CONTENTION_FOR = '1s';
const WAITERS = 6;

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface ActiveAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
}
interface LockView {
  lock: string;
  holder: string | null;
  holders: string[];
  session: string | null;
  waiters: number;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Captured log lines of a collector (its real JSON logger, every level). */
class LogCapture implements DestinationStream {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

async function startCollector(t: ExecutionContext, raw: Record<string, unknown>, logs = new LogCapture()): Promise<Collector> {
  const config = collectConfigSchema.parse({ zk: await sharedZooKeeper(), http: '127.0.0.1:0', instance: 'locks-e2e', logFormat: 'json', ...raw });
  const collector = new Collector({ config, logDestination: logs, logLevel: 'trace' });
  t.teardown(() => collector.stop());
  await collector.start();
  await collector.whenSynced();
  return collector;
}

/** The alerts section: short rule settings, only the rules under test besides the ensemble's. */
function alertsConfig(rules: Record<string, unknown>): Record<string, unknown> {
  return {
    evalInterval: '200ms',
    route: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
    statePath: `/zkpulse-test-state${uniqueRoot()}`,
    defaults: { MasterMissing: { enabled: false }, HeartbeatStale: { enabled: false }, CollectorDisconnected: { enabled: false }, ...rules },
  };
}

function notices(receiver: RecordingReceiver, alertname: string, status: 'firing' | 'resolved', match: (a: WebhookAlert) => boolean): WebhookAlert[] {
  return receiver.requests.flatMap((r) => ((r.json as { alerts?: WebhookAlert[] } | null)?.alerts ?? []).filter((a) => a.labels.alertname === alertname && a.status === status && match(a)));
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function lockView(collector: Collector, cluster: string, lock: string): Promise<LockView | undefined> {
  const body = await getJson<{ locks?: LockView[] }>(`${collector.url}/api/clusters/${cluster}`);
  return body.locks?.find((l) => l.lock === lock);
}

const hex = (b: Buffer): string => b.toString('hex');

/** An `ip:port` from /proc/net/tcp{,6} ("0100007F:C350", IPv4-mapped IPv6 too), or null for another family. */
function procAddress(field: string): { ip: string; port: number } | null {
  const [addr, port] = field.split(':') as [string, string];
  let v4: string;
  if (addr.length === 8) v4 = addr;
  else if (addr.length === 32 && addr.startsWith('0000000000000000FFFF0000')) v4 = addr.slice(24);
  else return null;
  const bytes = [6, 4, 2, 0].map((i) => parseInt(v4.slice(i, i + 2), 16));
  return { ip: bytes.join('.'), port: parseInt(port, 16) };
}

/** The local addresses of the TCP connections process `pid` holds to `serverPort`: its ZooKeeper connection. */
async function socketsTo(pid: number, serverPort: number): Promise<string[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]!);
  }
  const out: string[] = [];
  for (const file of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]!)) continue;
      const local = procAddress(f[1]!);
      const remote = procAddress(f[2]!);
      if (local && remote?.port === serverPort) out.push(`${local.ip}:${local.port}`);
    }
  }
  return out;
}

const seqOf = (node: string): number => parseLockContender(node)?.seq ?? Number.NaN;

const running: LockContender[] = [];
test.before(async () => {
  await compileCuratorRecipes();
});
test.after.always(async () => {
  await Promise.all(running.map((c) => c.kill()));
});

async function contender(flavor: LockFlavor, path: string, id: string): Promise<LockContender> {
  const c = await startLockContender(await sharedZooKeeper(), flavor, path, id, { sessionTimeoutMs: SESSION_MS, readyMs: START_MS });
  running.push(c);
  return c;
}

interface HungHolderCase {
  flavor: LockFlavor;
  /** the cluster entry for this root */
  cluster: (root: string) => string | Record<string, unknown>;
  /** the lock node, relative to the root (the model's lock name) */
  lock: string;
}

const hungHolderCases: HungHolderCase[] = [
  // the zkpulse layout's own R/locks/<lock>
  { flavor: 'curator-mutex', cluster: (root) => root, lock: 'locks/nightly' },
  // another layout naming its lock paths
  { flavor: 'kazoo-lock', cluster: (root) => ({ root, layout: 'kafka', locks: ['locks/*'] }), lock: 'locks/batch' },
];

for (const c of hungHolderCases) {
  test.serial(`${c.flavor}: a hung holder with ${WAITERS} waiters → LockHeldTooLong and LockContention name it (node, session, address); killed → the next waiter holds, the alerts resolve`, async (t) => {
    t.timeout(4 * START_MS);
    const zkAddress = await sharedZooKeeper();
    const zkPort = Number(zkAddress.split(':').pop());
    const root = uniqueRoot(t);
    const lockPath = `${root}/${c.lock}`;
    const zk = await PlainZk.connect(zkAddress);
    t.teardown(() => zk.close());
    await zk.mkdirp(lockPath);
    const receiver = await startRecordingReceiver();
    t.teardown(() => receiver.close());
    const collector = await startCollector(t, {
      clusters: { app: c.cluster(root) },
      webhook: [receiver.url],
      ensemblePollMs: 1000,
      alerts: alertsConfig({ LockHeldTooLong: { after: AFTER }, LockContention: { waiters: 5, for: CONTENTION_FOR } }),
    });

    const holder = await contender(c.flavor, lockPath, 'holder');
    const holderNode = await holder.holding(START_MS);
    t.is(holderNode, String(holder.node), 'the holder holds the node it created');
    // in order, so the queue is the start order (and a hung JVM start cannot reorder it)
    const waiters: LockContender[] = [];
    for (let i = 1; i <= WAITERS; i++) waiters.push(await contender(c.flavor, lockPath, `waiter-${i}`));
    t.deepEqual(waiters.filter((w) => w.heldNode() !== null).map((w) => w.id), [], 'the waiters wait');
    await until('the API: the holder and 6 waiters', () => lockView(collector, 'app', c.lock), (l) => l?.holder === holderNode && l.waiters === WAITERS, EVENT_MS);

    holder.stop();
    // The hung holder's session outlives the stop by up to SESSION_MS, and so does the situation under test:
    // both conditions already hold or are at most `after` away, so both notices arrive within it.
    const firing = await until(
      'LockHeldTooLong and LockContention at the webhook',
      async () => ({ held: notices(receiver, 'LockHeldTooLong', 'firing', (a) => a.labels.lock === c.lock), contention: notices(receiver, 'LockContention', 'firing', (a) => a.labels.lock === c.lock) }),
      (n) => n.held.length > 0 && n.contention.length > 0,
      SESSION_MS,
      50,
    );
    // the truth from ZooKeeper, read by a plain client: the node still exists (the hung session is alive)
    const stat = await zk.exists(`${lockPath}/${holderNode}`);
    t.not(stat, null, 'the hung holder still holds its node');
    const session = hex(stat!.ephemeralOwner);
    const [sockets, ensembles] = await Promise.all([
      socketsTo(holder.pid, zkPort),
      getJson<{ ensembles: { sessions: { session: string; address: string }[] }[] }>(`${collector.url}/api/ensembles`),
    ]);
    t.is(sockets.length, 1, `the holder's connections to ZooKeeper: ${sockets.join(', ')}`);
    for (const [name, notice] of [['LockHeldTooLong', firing.held[0]!], ['LockContention', firing.contention[0]!]] as const) {
      t.is(notice.labels.cluster, 'app');
      t.is(notice.annotations.holder, holderNode, `${name}: the holder the process printed`);
      t.is(notice.annotations.session, session, `${name}: the holder's session (its node's ephemeralOwner)`);
    }
    t.is(firing.held[0]!.annotations.client_address, sockets[0], "LockHeldTooLong: the holder process's own socket");
    // the notice is sent once the threshold is reached (5 or 6 waiting by then); the API's alert follows the count
    t.true(Number(firing.contention[0]!.annotations.waiters) >= 5, `LockContention sent with ${firing.contention[0]!.annotations.waiters} waiting`);
    // the engine follows the model at its next evaluation (200 ms)
    await until(
      'LockContention on /api/alerts: the hung holder, 6 waiting',
      () => getJson<ActiveAlert[]>(`${collector.url}/api/alerts`),
      (alerts) => alerts.some((a) => a.labels.alertname === 'LockContention' && a.labels.lock === c.lock && a.state === 'firing' && a.annotations.holder === holderNode && a.annotations.session === session && a.annotations.waiters === String(WAITERS)),
      SESSION_MS,
    );
    const listed = ensembles.ensembles.flatMap((e) => e.sessions).find((s) => s.session === session);
    t.is(listed?.address, sockets[0], 'GET /api/ensembles lists the same address for that session');
    const hung = await lockView(collector, 'app', c.lock);
    t.like(hung, { holder: holderNode, session, waiters: WAITERS });

    // killed while hung: the node goes when the session expires, and the recipe lets in the lowest waiter
    await holder.kill();
    const next = waiters.reduce((a, b) => (seqOf(a.node!) < seqOf(b.node!) ? a : b));
    t.is(await next.holding(SESSION_MS + EVENT_MS), String(next.node), 'the next in the queue holds its own node');
    t.deepEqual(waiters.filter((w) => w !== next && w.heldNode() !== null).map((w) => w.id), [], 'one holder');
    const nextStat = await zk.exists(`${lockPath}/${next.node!}`);
    await until('the API: the next holder and 5 waiters', () => lockView(collector, 'app', c.lock), (l) => l?.holder === next.node && l.waiters === WAITERS - 1, EVENT_MS);
    t.is((await lockView(collector, 'app', c.lock))?.session, hex(nextStat!.ephemeralOwner));
    // a new hold starts at the takeover: LockHeldTooLong resolves (and would fire again after `after`)
    await until('LockHeldTooLong resolved at the webhook', async () => notices(receiver, 'LockHeldTooLong', 'resolved', (a) => a.labels.lock === c.lock), (n) => n.length > 0, EVENT_MS, 50);
    // 5 still wait (the threshold): LockContention stays, now naming the new holder
    await until(
      'LockContention naming the new holder',
      () => getJson<ActiveAlert[]>(`${collector.url}/api/alerts`),
      (alerts) => alerts.some((a) => a.labels.alertname === 'LockContention' && a.labels.lock === c.lock && a.state === 'firing' && a.annotations.holder === next.node && a.annotations.waiters === String(WAITERS - 1)),
      EVENT_MS,
    );
    t.deepEqual(notices(receiver, 'LockContention', 'resolved', (a) => a.labels.lock === c.lock), [], 'not resolved while 5 wait');
    // one waiter leaves on purpose: 4 wait, below the threshold
    const leaving = waiters.find((w) => w !== next)!;
    await leaving.release();
    await until('LockContention resolved at the webhook', async () => notices(receiver, 'LockContention', 'resolved', (a) => a.labels.lock === c.lock), (n) => n.length > 0, EVENT_MS, 50);
    t.like(await lockView(collector, 'app', c.lock), { holder: next.node, waiters: WAITERS - 2 });
    await Promise.all(waiters.map((w) => w.kill()));
  });
}

interface ReadWriteCase {
  read: LockFlavor;
  write: LockFlavor;
  cluster: (root: string) => string | Record<string, unknown>;
  lock: string;
}

const readWriteCases: ReadWriteCase[] = [
  { read: 'curator-read', write: 'curator-write', cluster: (root) => root, lock: 'locks/report' },
  { read: 'kazoo-read', write: 'kazoo-write', cluster: (root) => ({ root, layout: 'kafka', locks: ['locks/*'] }), lock: 'locks/report' },
];

for (const c of readWriteCases) {
  test.serial(`${c.read}/${c.write}: three readers share the lock (the API shows three holders); LockContention counts the two writers waiting, not the readers`, async (t) => {
    t.timeout(4 * START_MS);
    const root = uniqueRoot(t);
    const lockPath = `${root}/${c.lock}`;
    const zk = await PlainZk.connect(await sharedZooKeeper());
    t.teardown(() => zk.close());
    await zk.mkdirp(lockPath);
    const receiver = await startRecordingReceiver();
    t.teardown(() => receiver.close());
    // threshold 2: three readers holding would count as 2 "waiters" behind the first if readers were counted
    const collector = await startCollector(t, {
      clusters: { app: c.cluster(root) },
      webhook: [receiver.url],
      alerts: alertsConfig({ LockHeldTooLong: { enabled: false }, LockContention: { waiters: 2, for: CONTENTION_FOR } }),
    });
    const readers: LockContender[] = [];
    for (let i = 1; i <= 3; i++) readers.push(await contender(c.read, lockPath, `reader-${i}`));
    const readNodes = await Promise.all(readers.map((r) => r.holding(START_MS)));
    await until('the API: three readers hold', () => lockView(collector, 'app', c.lock), (l) => l?.holders.length === 3 && l.waiters === 0, EVENT_MS);
    const writers = [await contender(c.write, lockPath, 'writer-1'), await contender(c.write, lockPath, 'writer-2')];
    const view = await until('the API: three holders, two waiters', () => lockView(collector, 'app', c.lock), (l) => l?.waiters === 2, EVENT_MS);
    t.deepEqual(view!.holders, [...readNodes].sort((a, b) => seqOf(a) - seqOf(b)), 'the readers the recipe let in, by sequence');
    t.is(view!.holder, view!.holders[0] ?? null);
    const [notice] = await until('LockContention at the webhook', async () => notices(receiver, 'LockContention', 'firing', (a) => a.labels.lock === c.lock), (n) => n.length > 0, EVENT_MS, 50);
    t.is(notice!.annotations.holder, view!.holders[0]);
    // the alert follows the count: 2 (the writers), where counting the readers behind the first would say 4
    await until(
      'LockContention on /api/alerts counting the two writers',
      () => getJson<ActiveAlert[]>(`${collector.url}/api/alerts`),
      (alerts) => alerts.some((a) => a.labels.alertname === 'LockContention' && a.labels.lock === c.lock && a.annotations.waiters === '2'),
      EVENT_MS,
    );
    t.deepEqual(writers.filter((w) => w.heldNode() !== null).map((w) => w.id), [], 'the writers wait for the readers');
    await Promise.all([...readers, ...writers].map((x) => x.kill()));
  });
}

test.serial('config keys changed by a plain client → ConfigChanged on /api/events, config/event points, the notice and the annotation query; the data nowhere', async (t) => {
  const zk = await PlainZk.connect(await sharedZooKeeper());
  t.teardown(() => zk.close());
  const rootA = uniqueRoot(t);
  const rootB = uniqueRoot(t);
  await zk.mkdirp(`${rootA}/config`);
  await zk.mkdirp(`${rootB}/settings`);
  const influx = `${await sharedInfluxDB()}/${uniqueDatabase()}`;
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-locks-e2e-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const recording = join(dir, 'rec.ndjson');
  const receiver = await startRecordingReceiver();
  t.teardown(() => receiver.close());
  const logs = new LogCapture();
  const collector = await startCollector(
    t,
    {
      clusters: { app: rootA, kf: { root: rootB, layout: 'kafka', config: ['settings/*'] } },
      influx,
      record: recording,
      webhook: [receiver.url],
      alerts: alertsConfig({ ConfigChanged: { enabled: true } }),
    },
    logs,
  );

  // the SSE stream, read from before the first change
  const controller = new AbortController();
  t.teardown(() => controller.abort());
  const res = await fetch(`${collector.url}/api/events`, { signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let sse = '';
  while (!sse.includes(': connected')) sse += decoder.decode((await reader.read()).value);
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      sse += decoder.decode(value);
    }
  })();

  const secret = `s3cr3t-${randomBytes(8).toString('hex')}`;
  const keys = [
    { cluster: 'app', path: `${rootA}/config/db-url`, key: 'config/db-url', values: [`postgres://app:${secret}@db/1`, `postgres://app:${secret}@db/2?ssl=1`] },
    { cluster: 'kf', path: `${rootB}/settings/api-key`, key: 'settings/api-key', values: [`{"token":"${secret}"}`, `{"token":"${secret}","rotated":true}`] },
  ];
  const lastDigest = (k: (typeof keys)[number]) => sha256(k.values[1]!);

  interface SseEvent { type: string; cluster: string; key?: string; version?: number; bytes?: number; digest?: string | null }
  const sseEvents = (): SseEvent[] =>
    sse
      .split('\n\n')
      .filter((b) => b.startsWith('event: ConfigChanged'))
      .map((b) => JSON.parse(b.split('\n')[1]!.slice('data: '.length)) as SseEvent);
  // each version seen before the next is written (a watch reads the latest data: two quick writes may be one event)
  for (const k of keys) {
    await zk.create(k.path, k.values[0]!);
    await until(`${k.key} created, on /api/events`, async () => sseEvents(), (e) => e.some((x) => x.key === k.key && x.version === 0), EVENT_MS, 50);
    await zk.set(k.path, k.values[1]!);
  }
  const seen = await until('ConfigChanged version 1 of both keys on /api/events', async () => sseEvents(), (e) => keys.every((k) => e.some((x) => x.key === k.key && x.version === 1)), EVENT_MS, 50);
  for (const k of keys) {
    t.like(seen.find((x) => x.key === k.key && x.version === 0), { cluster: k.cluster, bytes: Buffer.byteLength(k.values[0]!), digest: sha256(k.values[0]!) }, `${k.key} created`);
    t.like(seen.find((x) => x.key === k.key && x.version === 1), { cluster: k.cluster, bytes: Buffer.byteLength(k.values[1]!), digest: lastDigest(k) }, `${k.key} changed`);
  }

  const configRows = await until(
    'config points of both versions',
    async () => rows(await queryInflux(influx, 'SELECT * FROM "config"')),
    (r) => keys.every((k) => r.some((p) => p.key === k.key && Number(p.version) === 1 && p.digest === lastDigest(k))),
    EVENT_MS,
    250,
  );
  for (const k of keys) t.true(configRows.some((p) => p.cluster === k.cluster && p.key === k.key && Number(p.version) === 0 && Number(p.bytes) === Buffer.byteLength(k.values[0]!)));
  await until(
    'ConfigChanged event points of both keys',
    async () => rows(await queryInflux(influx, `SELECT * FROM "event" WHERE "kind" = 'ConfigChanged'`)),
    (r) => keys.every((k) => r.filter((p) => p.cluster === k.cluster && p.subject === k.key).length >= 2),
    EVENT_MS,
    250,
  );
  const firing = await until(
    'the ConfigChanged notice of both keys',
    async () => notices(receiver, 'ConfigChanged', 'firing', () => true),
    (n) => keys.every((k) => n.some((a) => a.labels.cluster === k.cluster && a.labels.key === k.key)),
    EVENT_MS,
    50,
  );
  for (const a of firing) t.is(a.labels.severity, 'info');

  // Grafana: the annotation query of every generated dashboard, expanded as Grafana does, against InfluxDB
  const generated = fileURLToPath(new URL('../../dashboards/generated/', import.meta.url));
  const files = readdirSync(generated).filter((f) => f.endsWith('.json'));
  t.true(files.length >= 4, files.join(', '));
  for (const file of files) {
    const dashboard = JSON.parse(readFileSync(join(generated, file), 'utf8')) as { annotations?: { list?: { name: string; target?: { query?: string } }[] } };
    const annotation = dashboard.annotations?.list?.find((a) => a.name === 'Config changes');
    t.truthy(annotation?.target?.query, `${file}: the ConfigChanged annotation`);
    for (const k of keys) {
      const sql = expandGrafanaQuery(annotation!.target!.query!, { range: '1h', interval: '1s', variables: { cluster: k.cluster } });
      const got = rows(await queryInflux(influx, sql));
      const texts = got.filter((r) => r.subject === k.key).map((r) => String(r.text));
      t.true(texts.some((text) => text.includes(lastDigest(k).slice(0, 12))), `${file} / ${k.cluster}: the change in ${JSON.stringify(got)}`);
      t.false(JSON.stringify(got).includes(secret));
    }
  }

  await collector.stop();
  controller.abort();
  await reading;

  // nowhere: not in a webhook body, an SSE message, an InfluxDB series, the log, nor the recording
  const everyEncoding = (value: string) => [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex')];
  const forbidden = [secret, ...keys.flatMap((k) => k.values.flatMap(everyEncoding))];
  const influxAll = JSON.stringify([await queryInflux(influx, 'SELECT * FROM "config"'), await queryInflux(influx, 'SELECT * FROM "event"')]);
  const recorded = readFileSync(recording, 'utf8');
  const places: [string, string, string][] = [
    ['webhook bodies', receiver.requests.map((r) => r.rawBody).join('\n'), 'ConfigChanged'],
    ['SSE messages', sse, lastDigest(keys[0]!)],
    ['InfluxDB config and event series', influxAll, lastDigest(keys[1]!)],
    ['the collector log', logs.lines.join(''), 'zkpulse collector listening'],
    ['the recording', recorded, lastDigest(keys[0]!)],
  ];
  for (const [where, text, expected] of places) {
    // each place holds what it should (so the search below searched something real)
    t.true(text.includes(expected), `${where} hold ${expected}`);
    for (const s of forbidden) t.false(text.includes(s), `${where} hold the configuration data (${s.slice(0, 24)}…)`);
  }
});
