/**
 * The alert state in ZooKeeper, attacked the way a hostile client would, against a real collector:
 * with --zk-auth its nodes are the collector's (creator all, world read) and an anonymous client gets
 * NoAuth rewriting them; world-writable nodes found at start-up are fixed, or reported once when the
 * collector lacks ADMIN; what is read back is validated like API input (a planted silence is refused);
 * a silence regex cannot freeze the collector (RE2, linear time). docs/security.md lists these.
 */
import test from 'ava';
import { Writable } from 'node:stream';
import zookeeper, { type ACL } from 'node-zookeeper-client';
import { pino } from 'pino';
import { digestId } from '../../zk/acl.ts';
import { Collector } from '../../server/collector.ts';
import { collectConfigSchema } from '../../collector/config.ts';
import type { GettableSilence } from '../../alerts/silences/types.ts';
import { startRecordingReceiver } from '../support/recording-receiver.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk, workerData } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';
import { codeOf, NO_AUTH, rejection } from '../support/zk-rejection.ts';

const COLLECTOR = 'zkpulse:collector-secret';
/** an empty cluster that never had a master: MasterMissing goes pending at once, which writes the engine state */
const MASTER_MISSING_AT_ONCE = { defaults: { MasterMissing: { requireSeen: false } } };
const TOKEN = 'state-security-token';
const { Permission } = zookeeper;
const world = (perms: number) => new zookeeper.ACL(perms, new zookeeper.Id('world', 'anyone'));

interface LogEntry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function capturingLogger() {
  const entries: LogEntry[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) entries.push(JSON.parse(line) as LogEntry);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), entries };
}

type Ctx = { teardown(fn: () => unknown): void; title: string };

async function anonymous(t: Ctx): Promise<PlainZk> {
  const client = await PlainZk.connect(await sharedZooKeeper());
  t.teardown(() => client.close());
  return client;
}

/** A client with the collector's credentials: ZooKeeper shows a digest's hash only to those with ADMIN. */
async function asCollector(t: Ctx): Promise<PlainZk> {
  const client = await anonymous(t);
  client.client.addAuthInfo('digest', Buffer.from(COLLECTOR));
  return client;
}

/** A collector configured as `zkpulse collect` would be, with its log captured. */
async function startCollector(t: Ctx, raw: Record<string, unknown>, logger = capturingLogger().logger): Promise<Collector> {
  const collector = new Collector({
    logger,
    config: collectConfigSchema.parse({ zk: await sharedZooKeeper(), http: '127.0.0.1:0', instance: 'state-security', apiToken: TOKEN, ...raw }),
  });
  t.teardown(() => collector.stop());
  await collector.start();
  return collector;
}

function getAcl(zk: PlainZk, path: string): Promise<ACL[]> {
  return new Promise((resolve, reject) => zk.client.getACL(path, (e, acls) => (e ? reject(e) : resolve(acls))));
}

/** `scheme:id=perms`, sorted (the library's ACL objects carry `permission` at runtime). */
function aclKeys(acls: readonly ACL[]): string[] {
  return acls.map((a) => `${a.id.scheme}:${a.id.id}=${(a as unknown as { permission: number }).permission}`).sort();
}

const DOCUMENTED = [`digest:${digestId(COLLECTOR)}=${Permission.ALL}`, `world:anyone=${Permission.READ}`].sort();

const silence = (extra: Record<string, unknown> = {}) => ({
  matchers: [{ name: 'cluster', value: 'app', isRegex: false, isEqual: true }],
  startsAt: '2030-01-01T00:00:00Z',
  endsAt: '2099-01-01T00:00:00Z',
  createdBy: 'alice',
  comment: 'maintenance',
  ...extra,
});

async function postSilence(url: string, body: unknown): Promise<string> {
  const res = await fetch(`${url}/api/silences`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`POST /api/silences: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { silenceID: string }).silenceID;
}

async function listedIds(url: string): Promise<string[]> {
  const res = await fetch(`${url}/api/silences`);
  if (res.status !== 200) throw new Error(`GET /api/silences: ${res.status} ${await res.text()}`);
  return ((await res.json()) as GettableSilence[]).map((s) => s.id).sort();
}

/** The silences node's data, as text ('' when absent). */
function silencesNode(zk: PlainZk, statePath: string): Promise<string> {
  return new Promise((resolve) => zk.client.getData(`${statePath}/silences`, (_e, data) => resolve(data?.toString() ?? '')));
}

/** A state key node as the store writes it: the value inline. */
const inline = (value: unknown) => JSON.stringify({ format: 1, chunks: 0, value });

const storedSilence = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  matchers: [{ name: 'cluster', value: 'app', isRegex: false, isEqual: true }],
  startsAt: Date.UTC(2030, 0, 1),
  endsAt: Date.UTC(2099, 0, 1),
  updatedAt: Date.UTC(2030, 0, 1),
  createdBy: 'alice',
  comment: 'kept',
  ...extra,
});

/** Silences the API refuses, written straight into ZooKeeper. */
const PLANTED = [
  storedSilence('mute-all', { matchers: [{ name: 'alertname', value: '.*', isRegex: true, isEqual: true }] }),
  storedSilence('js-only-regex', { matchers: [{ name: 'worker', value: '(?!w1).*', isRegex: true, isEqual: true }] }),
  storedSilence('not-a-label', { matchers: [{ name: 'bad name', value: 'x', isRegex: false, isEqual: true }] }),
  storedSilence('no-author', { createdBy: '' }),
  storedSilence('wrong-shape', { matchers: 'cluster=app' }),
];

test.serial('with --zk-auth the state nodes get the collector\'s ACL, and an anonymous client cannot rewrite them', async (t) => {
  const base = uniqueRoot(t);
  const statePath = `${base}/zkpulse/state/default`;
  const anon = await anonymous(t);
  await anon.mkdirp(`${base}-app`);
  const collector = await startCollector(t, { zkAuth: COLLECTOR, clusters: { app: `${base}-app` }, alerts: { statePath, evalInterval: '200ms', ...MASTER_MISSING_AT_ONCE } });
  await collector.whenSynced();
  await postSilence(collector.url!, silence());
  // the silence is written at once; MasterMissing going pending writes the engine state
  await until('the silences and engine nodes', async () => [await anon.exists(`${statePath}/silences`), await anon.exists(`${statePath}/engine`)], (s) => s.every(Boolean));

  const owner = await asCollector(t);
  for (const node of [base, `${base}/zkpulse`, `${base}/zkpulse/state`, statePath, `${statePath}/silences`, `${statePath}/engine`]) {
    t.deepEqual(aclKeys(await getAcl(owner, node)), DOCUMENTED, node);
  }
  t.is(codeOf(await rejection(anon.set(`${statePath}/silences`, inline([storedSilence('evil')])))), NO_AUTH, 'no anonymous rewrite of the silences');
  t.is(codeOf(await rejection(anon.set(`${statePath}/engine`, inline('{}')))), NO_AUTH, 'no anonymous rewrite of the engine state');
  t.is(codeOf(await rejection(anon.create(`${statePath}/nflog`, inline([])))), NO_AUTH, 'no anonymous new key');
  t.is(codeOf(await rejection(anon.remove(`${statePath}/engine`))), NO_AUTH, 'no anonymous delete');
  const setAcl = new Promise((resolve, reject) => anon.client.setACL(statePath, [world(Permission.ALL)], -1, (e, s) => (e ? reject(e) : resolve(s))));
  t.is(codeOf(await rejection(setAcl)), NO_AUTH, 'no anonymous ACL change');
});

test.serial('world-writable state nodes found at start-up get the collector\'s ACL, and what they held is kept', async (t) => {
  const base = uniqueRoot(t);
  const statePath = `${base}/state`;
  const anon = await anonymous(t);
  await anon.mkdirp(`${base}-app`);
  // as an earlier collector created them: world:anyone all
  await anon.mkdirp(statePath);
  await anon.create(`${statePath}/silences`, inline([storedSilence('from-before')]));
  t.deepEqual(aclKeys(await getAcl(anon, statePath)), [`world:anyone=${Permission.ALL}`]);

  const { logger, entries } = capturingLogger();
  const collector = await startCollector(t, { zkAuth: COLLECTOR, clusters: { app: `${base}-app` }, alerts: { statePath } }, logger);
  const owner = await asCollector(t);
  await until('the silences node to be fixed', async () => aclKeys(await getAcl(owner, `${statePath}/silences`)), (acl) => acl.join() === DOCUMENTED.join());
  t.deepEqual(aclKeys(await getAcl(owner, statePath)), DOCUMENTED);
  const fixed = entries.filter((e) => e.msg.includes('their ACL is now the collector'));
  t.is(fixed.length, 1);
  t.deepEqual(fixed[0]?.nodes, [statePath, `${statePath}/silences`]);
  t.deepEqual(await listedIds(collector.url!), ['from-before'], 'the stored silence is kept');
  t.is(codeOf(await rejection(anon.set(`${statePath}/silences`, inline([])))), NO_AUTH);
});

test.serial('world-writable state nodes the collector cannot fix (no ADMIN) are reported once, loudly', async (t) => {
  const base = uniqueRoot(t);
  const statePath = `${base}/state`;
  const anon = await anonymous(t);
  await anon.mkdirp(`${base}-app`);
  await anon.mkdirp(base);
  const noAdmin = [world(Permission.READ | Permission.WRITE | Permission.CREATE | Permission.DELETE)];
  const create = (path: string, data: string) =>
    new Promise((resolve, reject) => anon.client.create(path, Buffer.from(data), noAdmin, zookeeper.CreateMode.PERSISTENT, (e, p) => (e ? reject(e) : resolve(p))));
  await create(statePath, '');
  await create(`${statePath}/silences`, inline([]));

  const { logger, entries } = capturingLogger();
  const collector = await startCollector(t, { zkAuth: COLLECTOR, clusters: { app: `${base}-app` }, alerts: { statePath } }, logger);
  const loud = () => entries.filter((e) => e.msg.includes('the collector cannot fix them'));
  await until('the warning', async () => loud().length, (n) => n > 0);
  // the collector still works on these nodes: a silence is written (and no second warning comes)
  const id = await postSilence(collector.url!, silence());
  await until('the silence in ZooKeeper', () => silencesNode(anon, statePath), (d) => d.includes(id));
  t.is(loud().length, 1, 'said once');
  t.is(loud()[0]?.level, 50, 'at error level');
  t.deepEqual(
    (loud()[0]?.nodes as Array<{ path: string; acl: string }>).map((n) => [n.path, n.acl]),
    [
      [statePath, 'world:anyone=rwcd-'],
      [`${statePath}/silences`, 'world:anyone=rwcd-'],
    ],
  );
  t.deepEqual(aclKeys(await getAcl(anon, statePath)), [`world:anyone=${Permission.READ | Permission.WRITE | Permission.CREATE | Permission.DELETE}`], 'left as it was');
});

test.serial('a foreign rewrite of the silences node is validated like API input: planted silences are refused and never listed', async (t) => {
  const base = uniqueRoot(t);
  const statePath = `${base}/state`;
  const anon = await anonymous(t);
  await anon.mkdirp(`${base}-app`);
  // without --zk-auth the nodes are open by design: the easiest foreign writer there is
  const first = capturingLogger();
  let collector = await startCollector(t, { clusters: { app: `${base}-app` }, alerts: { statePath, evalInterval: '200ms', ...MASTER_MISSING_AT_ONCE } }, first.logger);
  // the engine state is written (MasterMissing goes pending) once the store is there
  await until('the engine state in ZooKeeper', async () => (await anon.exists(`${statePath}/engine`)) !== null, Boolean);
  const a = await postSilence(collector.url!, silence({ comment: 'a' }));
  await until('silence a in ZooKeeper', async () => (await anon.exists(`${statePath}/silences`)) !== null, Boolean);

  // the running collector merges the node at its next write (it finds a newer version)
  await anon.set(`${statePath}/silences`, inline([storedSilence(a, { comment: 'a' }), ...PLANTED]));
  const b = await postSilence(collector.url!, silence({ comment: 'b' }));
  await until('silence b written over the merge', () => silencesNode(anon, statePath), (d) => d.includes(b));
  t.deepEqual(await listedIds(collector.url!), [a, b].sort(), 'only the silences made through the API are listed');
  const refusals = first.entries.filter((e) => e.msg.startsWith('refused stored alert state'));
  t.true(refusals.every((e) => e.node === `${statePath}/silences`), 'the log names the node');
  for (const p of PLANTED) t.true(refusals.some((e) => String(e.reason).includes(`"${p.id}"`)), `the log names ${p.id} and why`);
  t.regex(String(refusals.find((e) => String(e.reason).includes('"mute-all"'))?.reason), /at least one matcher must not match the empty string/);
  t.regex(String(refusals.find((e) => String(e.reason).includes('"js-only-regex"'))?.reason), /bad regular expression/);
  await collector.stop();

  // a restarted collector loading a planted node: the same
  await anon.set(`${statePath}/silences`, inline([storedSilence(a), ...PLANTED]));
  collector = await startCollector(t, { clusters: { app: `${base}-app` }, alerts: { statePath } });
  await until('the stored silence', () => listedIds(collector.url!), (ids) => ids.length > 0);
  t.deepEqual(await listedIds(collector.url!), [a]);
  await collector.stop();

  // a node that is not state at all: refused, and alerting starts anyway and writes over it
  await anon.set(`${statePath}/silences`, 'garbage');
  const third = capturingLogger();
  collector = await startCollector(t, { clusters: { app: `${base}-app` }, alerts: { statePath } }, third.logger);
  await until('the refusal', async () => third.entries.filter((e) => e.msg.startsWith('refused stored alert state')), (r) => r.length > 0);
  const c = await postSilence(collector.url!, silence({ comment: 'c' }));
  await until('the node rewritten', () => silencesNode(anon, statePath), (d) => d.includes(c));
  t.deepEqual(await listedIds(collector.url!), [c]);
});

test.serial('a silence regex that backtracks exponentially in JavaScript cannot freeze the collector (RE2)', async (t) => {
  const root = uniqueRoot(t);
  const anon = await anonymous(t);
  await anon.mkdirp(`${root}/workers`);
  await anon.create(`${root}/workers/w1`, workerData('w1'), 'ephemeral');
  const receiver = await startRecordingReceiver();
  t.teardown(() => receiver.close());
  // a 40-character label that `(a+)+$` almost matches: JavaScript's RegExp takes ~2^40 steps on it
  const cluster = `${'a'.repeat(39)}b`;
  const collector = await startCollector(t, {
    clusters: { [cluster]: root },
    webhook: [receiver.url],
    alerts: {
      evalInterval: '200ms',
      route: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
      statePath: `${root}-state`,
      defaults: { MasterMissing: { enabled: false }, WorkerLost: { enabled: false }, HeartbeatStale: { enabled: false }, CollectorDisconnected: { enabled: false } },
      clusters: { [cluster]: { WorkersBelowMinimum: { min: 1 } } },
    },
  });
  await collector.whenSynced();
  // active now, so that the notifier's mute stage runs its matcher
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  await postSilence(collector.url!, silence({ startsAt, matchers: [{ name: 'cluster', value: '(a+)+$', isRegex: true, isEqual: true }] }));
  // the worker goes: WorkersBelowMinimum fires, and its notification passes the silence's matcher first
  await anon.remove(`${root}/workers/w1`);
  const notice = await receiver.received(1);
  t.is((notice.json as { alerts: Array<{ labels: Record<string, string> }> }).alerts[0]?.labels.cluster, cluster, 'not muted: the regex does not match');
  const health = await fetch(`${collector.url!}/healthz`);
  t.is(health.status, 200, 'the event loop is free');
});
