/**
 * The ensemble poll against real ZooKeeper 3.8 servers (docs/contract.md §10): the stack's 3-server
 * ensemble, a standalone with `4lw.commands.whitelist=ruok` and the AdminServer on, the suite's standalone,
 * and a collector whose /api/ensembles joins a kazoo process's master node to its client address.
 */
import test from 'ava';
import { EnsemblePoller, type PollLog } from '../../collector/ensemble/poller.ts';
import { quorumOf } from '../../collector/ensemble/quorum.ts';
import type { EnsembleSnapshot, ServerObservation } from '../../collector/ensemble/types.ts';
import type { EnsembleView } from '../../collector/ensemble/view.ts';
import { queryInflux, rows } from '../../collector/influx/query.ts';
import { ensureServices, startEnsemble, startZooKeeper } from '../../stack/index.ts';
import { kazooPython } from '../../stack/kazoo.ts';
import { RecipeProcess } from '../../stack/recipe-process.ts';
import { until } from '../../stack/poll.ts';
import { startTestCollector } from '../support/collector.ts';
import { sharedInfluxDB, sharedZooKeeper, uniqueDatabase, uniqueRoot } from '../support/services.ts';

test.before(async () => {
  await ensureServices();
});

function recordingLog(): PollLog & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (_f, message) => warnings.push(message), info: () => undefined };
}

const byServer = (snapshot: EnsembleSnapshot, server: string): ServerObservation => {
  const found = snapshot.servers.find((s) => s.server === server);
  if (!found) throw new Error(`${server} not in ${JSON.stringify(snapshot.servers.map((s) => s.server))}`);
  return found;
};

async function pollOne(poller: EnsemblePoller): Promise<EnsembleSnapshot> {
  const [snapshot] = await poller.pollNow();
  if (!snapshot) throw new Error('no snapshot');
  return snapshot;
}

test('a 3-server ensemble: one leader with 2 synced followers, quorum ok; a follower killed is down, the others still read, quorum at risk', async (t) => {
  const ensemble = await startEnsemble(3);
  t.teardown(() => ensemble.stop());
  const poller = new EnsemblePoller({ ensembles: [{ name: 'e3', connect: ensemble.connectString }], adminPort: null });
  // the election is over when the stack returns; the leader counts its followers as synced once they acked
  const snapshot = await until(
    'the leader to report 2 synced followers',
    () => pollOne(poller),
    (s) => s.servers.some((x) => x.mode === 'leader' && x.metrics.synced_followers === 2),
    60_000,
    200,
  );
  const modes = snapshot.servers.map((s) => s.mode).sort();
  t.deepEqual(modes, ['follower', 'follower', 'leader']);
  for (const s of snapshot.servers) {
    t.true(s.up && s.serving, s.server);
    t.is(s.source, '4lw');
    t.is(s.voting, true);
    t.is(s.problem, null);
    t.regex(s.zxid ?? '', /^\d+$/);
    t.is(s.metrics.quorum_size, 3);
  }
  t.is(quorumOf(snapshot.servers).state, 'ok');
  t.deepEqual(quorumOf(snapshot.servers).leaders.length, 1);

  const leader = await ensemble.leader();
  const follower = ensemble.members.find((m) => m.port !== leader.port)!;
  await follower.kill();
  const after = await pollOne(poller);
  const dead = byServer(after, follower.connectString);
  t.false(dead.up);
  t.is(dead.voting, true, 'a voter that went down still counts as one');
  t.regex(dead.problem ?? '', /ECONNREFUSED/);
  for (const s of after.servers.filter((x) => x.server !== follower.connectString)) t.true(s.up && s.serving, s.server);
  t.is(quorumOf(after.servers).state, 'at-risk');
});

test('4lw refused but the AdminServer on: fully read through it (source admin); without the AdminServer the problem names the whitelist, logged once', async (t) => {
  const zk = await startZooKeeper({ admin: true, fourLetterWhitelist: 'ruok' });
  t.teardown(() => zk.stop());
  const server = zk.connectString;
  const admin = await pollOne(new EnsemblePoller({ ensembles: [{ name: 'a', connect: server }], adminPorts: { [server]: zk.adminPort } }));
  const viaAdmin = byServer(admin, server);
  t.is(viaAdmin.source, 'admin', viaAdmin.problem ?? '');
  t.true(viaAdmin.up && viaAdmin.serving);
  t.is(viaAdmin.mode, 'standalone');
  t.is(viaAdmin.problem, null);
  t.is(typeof viaAdmin.metrics.znode_count, 'number');
  t.is(typeof viaAdmin.metrics.open_file_descriptor_count, 'number');
  t.regex(viaAdmin.zxid ?? '', /^\d+$/);

  const log = recordingLog();
  const words = new EnsemblePoller({ ensembles: [{ name: 'w', connect: server }], adminPort: null, log });
  const first = byServer(await pollOne(words), server);
  await pollOne(words);
  t.is(first.source, '4lw');
  t.true(first.up);
  t.is(first.mode, 'standalone', 'srvr answers whatever the whitelist says');
  t.is(first.metrics.znode_count, null);
  t.regex(first.problem ?? '', new RegExp(`${server} refuses the four-letter words mntr, cons: add them to 4lw\\.commands\\.whitelist`));
  t.is(log.warnings.length, 1, 'logged once, not at every poll');
  t.regex(log.warnings[0] ?? '', /4lw\.commands\.whitelist/);
});

test('a standalone server: mode standalone, quorum standalone; a dead address does not delay it', async (t) => {
  const shared = await sharedZooKeeper();
  // a port nothing listens on, first in the list
  const poller = new EnsemblePoller({ ensembles: [{ name: 's', connect: `127.0.0.1:1,${shared}` }], adminPort: null });
  const snapshot = await pollOne(poller);
  const s = byServer(snapshot, shared);
  t.is(s.mode, 'standalone');
  t.true(s.up && s.serving);
  t.false(byServer(snapshot, '127.0.0.1:1').up);
  t.is(quorumOf([s]).state, 'standalone');
});

const KAZOO_MASTER = `
import json, sys, time
from kazoo.client import KazooClient
zk = KazooClient(hosts=sys.argv[1], timeout=10)
zk.start()
zk.ensure_path(sys.argv[2])
zk.create(sys.argv[2] + "/master", json.dumps({"id": "kz-master", "since": int(time.time() * 1000)}).encode(), ephemeral=True)
host, port = zk._connection._socket.getsockname()[:2]
print("READY %s:%d %016x" % (host, port, zk.client_id[0]), flush=True)
sys.stdin.read()
zk.stop()
print("BYE", flush=True)
`;

test('GET /api/ensembles: the master held by a kazoo process shows that process’s own socket address; zookeeper points reach InfluxDB', async (t) => {
  const zk = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const influx = `${await sharedInfluxDB()}/${uniqueDatabase()}`;
  const collector = await startTestCollector({ clusters: { c: root }, influx, ensemblePollMs: 1000, adminPort: false });
  t.teardown(() => collector.stop());
  const kazoo = RecipeProcess.spawn('kazoo master', kazooPython(), ['-c', KAZOO_MASTER, zk, root]);
  t.teardown(() => kazoo.kill());
  const [address = '', session = ''] = (await kazoo.until('READY', 30_000)).split(' ');

  const view = await until(
    'the master session in /api/ensembles',
    async () => ((await (await fetch(`${collector.url}/api/ensembles`)).json()) as { ensembles: EnsembleView[] }).ensembles,
    (ensembles) => ensembles[0]?.sessions.some((s) => s.session === session && s.address !== null) === true,
    30_000,
  );
  const def = view[0]!;
  t.is(def.name, 'default');
  t.is(def.quorum.state, 'standalone');
  t.is(def.servers[0]?.mode, 'standalone');
  const master = def.sessions.find((s) => s.session === session)!;
  t.is(master.address, address);
  t.is(master.server, zk);
  t.deepEqual(master.holds, [{ cluster: 'c', kind: 'master', id: 'kz-master' }]);
  t.true(def.addresses.some((a) => a.address === address.split(':')[0] && a.sessions >= 2), 'the collector and kazoo, at least');
  t.deepEqual(collector.latestEnsembles()[0]?.ensemble, 'default');

  const metrics = await (await fetch(`${collector.url}/metrics`)).text();
  t.regex(metrics, new RegExp(`zkpulse_zookeeper_up\\{ensemble="default",server="${zk}"\\} 1`));
  t.regex(metrics, /zkpulse_zookeeper_quorum_state\{ensemble="default",state="standalone"\} 1/);

  const points = await until(
    'zookeeper points in InfluxDB',
    () => queryInflux(influx, 'SELECT * FROM zookeeper').then(rows, () => []),
    (r) => r.length > 0,
    60_000,
    200,
  );
  const point = points[0]!;
  t.is(point.ensemble, 'default');
  t.is(point.server, zk);
  t.is(point.up, 1);
  t.is(point.mode, 'standalone');
  t.is(typeof point.znode_count, 'number');
  t.is(typeof point.zxid, 'string');
  const types = rows(await queryInflux(influx, 'SHOW FIELD KEYS FROM zookeeper'));
  const typeOf = Object.fromEntries(types.map((r) => [r.fieldKey, r.fieldType]));
  t.like(typeOf, { up: 'integer', serving: 'integer', mode: 'string', zxid: 'string', znode_count: 'integer', avg_latency: 'float', max_file_descriptor_count: 'integer' });
  await kazoo.leave();
});
