import fs from 'node:fs';
import test from 'ava';
import zookeeper, { type Client } from 'node-zookeeper-client';
import { ensureServices, fourLetterWord, freePort, startEnsemble, startInfluxDB, startZooKeeper } from '../../stack/index.ts';
import type { InfluxDB } from 'influx';
import { parseInfluxUrl } from '../../collector/influx/influx-url.ts';
import { influxClient } from '../../collector/influx/query.ts';
import { sharedInfluxDB, uniqueDatabase } from '../support/services.ts';

test.before(async () => {
  await ensureServices();
});

function connect(connectString: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = zookeeper.createClient(connectString, { sessionTimeout: 10_000, spinDelay: 100, retries: 3 });
    const timer = setTimeout(() => {
      client.close();
      reject(new Error(`no session from ${connectString} within 15 s`));
    }, 15_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.connect();
  });
}

function create(client: Client, path: string, data: string): Promise<void> {
  return new Promise((resolve, reject) =>
    client.create(path, Buffer.from(data), zookeeper.CreateMode.PERSISTENT, (error) => (error ? reject(error) : resolve())),
  );
}

function getData(client: Client, path: string): Promise<string> {
  return new Promise((resolve, reject) =>
    client.getData(path, (error, data) => (error ? reject(error) : resolve(data?.toString('utf8') ?? ''))),
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('freePort hands out distinct loopback ports', async (t) => {
  const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  t.is(new Set(ports).size, ports.length);
  for (const port of ports) t.true(port > 0 && port < 65536);
});

test('a standalone ZooKeeper accepts a session; pause() silences it and resume() lets it answer again', async (t) => {
  const zk = await startZooKeeper();
  t.teardown(() => zk.stop());
  t.is(zk.connectString, `127.0.0.1:${zk.port}`);
  t.is(await fourLetterWord(zk.port, 'ruok'), 'imok');
  const client = await connect(zk.connectString);
  t.teardown(() => client.close());
  t.is(client.getState(), zookeeper.State.SYNC_CONNECTED);

  await zk.pause();
  const pending = new Promise<boolean>((resolve, reject) =>
    client.exists('/', (error, stat) => (error ? reject(error) : resolve(stat !== null))),
  );
  const within1s = await Promise.race([pending, new Promise<'silent'>((resolve) => setTimeout(() => resolve('silent'), 1000))]);
  t.is(within1s, 'silent', 'a paused server must not answer');
  await t.throwsAsync(fourLetterWord(zk.port, 'ruok', 500), { message: /no answer/ });

  zk.resume();
  t.true(await pending, 'the request sent during the pause is answered after resume()');
  t.is(await fourLetterWord(zk.port, 'ruok'), 'imok');
});

test('kill(SIGKILL) then start() keeps a persistent node, on the same port', async (t) => {
  const zk = await startZooKeeper();
  t.teardown(() => zk.stop());
  const before = await connect(zk.connectString);
  await create(before, '/kept', 'still here');
  before.close();

  const oldPid = zk.pid;
  await zk.kill('SIGKILL');
  t.false(isAlive(oldPid), 'the process has exited when kill() resolves');
  await t.throwsAsync(fourLetterWord(zk.port, 'ruok', 500));

  await zk.start();
  t.not(zk.pid, oldPid);
  t.true(isAlive(zk.pid));
  const after = await connect(zk.connectString);
  t.teardown(() => after.close());
  t.is(await getData(after, '/kept'), 'still here');
});

test('stop() ends the process and removes the data dir', async (t) => {
  const zk = await startZooKeeper({ tickTime: 200 });
  t.true(fs.existsSync(zk.dataDir));
  const pid = zk.pid;
  await zk.stop();
  t.false(isAlive(pid));
  t.false(fs.existsSync(zk.dataDir));
  await t.throwsAsync(zk.start(), { message: /stopped/ });
});

test('an ensemble of 3 elects a leader and serves writes made through its connect string', async (t) => {
  const ensemble = await startEnsemble(3);
  t.teardown(() => ensemble.stop());
  t.is(ensemble.members.length, 3);
  t.is(ensemble.connectString.split(',').length, 3);

  const leader = await ensemble.leader();
  t.true(ensemble.members.includes(leader));
  t.regex(await fourLetterWord(leader.port, 'srvr'), /^Mode: leader$/m);
  const modes = await Promise.all(ensemble.members.map(async (m) => /^Mode: (\w+)/m.exec(await fourLetterWord(m.port, 'srvr'))?.[1]));
  t.deepEqual([...modes].sort(), ['follower', 'follower', 'leader']);

  const writer = await connect(ensemble.connectString);
  t.teardown(() => writer.close());
  await create(writer, '/ensemble-write', 'quorum');
  t.is(await getData(writer, '/ensemble-write'), 'quorum');
  // The leader has applied every acknowledged write, so a session on it reads the node back.
  const reader = await connect(leader.connectString);
  t.teardown(() => reader.close());
  t.is(await getData(reader, '/ensemble-write'), 'quorum');
});

/** node-influx (the client the writer's transport is built on) for the database `db` of the InfluxDB at `url`. */
function influxAt(url: string, db: string): InfluxDB {
  return influxClient(parseInfluxUrl(`${url}/${db}`), 10_000);
}

const PROBE_TIME = new Date(1_700_000_000_000);

/** The probe points as [ms, value], read back with node-influx's query API. */
async function probes(client: InfluxDB, where = ''): Promise<[number, unknown][]> {
  const rows = await client.query<{ value: number }>(`SELECT value FROM probe ${where}`);
  return rows.map((r) => [r.time.getTime(), r.value]);
}

test('the shared InfluxDB answers /ping 204 and reads back a written point', async (t) => {
  const url = await sharedInfluxDB();
  const ping = await fetch(`${url}/ping`);
  t.is(ping.status, 204);

  const db = uniqueDatabase();
  const client = influxAt(url, db);
  await client.createDatabase(db);
  await client.writePoints([{ measurement: 'probe', tags: { cluster: 'a' }, fields: { value: 42 }, timestamp: PROBE_TIME }]);
  t.deepEqual(await probes(client, `WHERE cluster = 'a'`), [[PROBE_TIME.getTime(), 42]]);
});

test('an own InfluxDB keeps its data across kill(SIGKILL) and start()', async (t) => {
  const influx = await startInfluxDB();
  t.teardown(() => influx.stop());
  t.is(influx.url, `http://127.0.0.1:${influx.port}`);
  const client = influxAt(influx.url, 'kept');
  await client.createDatabase('kept');
  await client.writePoints([{ measurement: 'probe', fields: { value: 7 }, timestamp: PROBE_TIME }]);

  const oldPid = influx.pid;
  await influx.kill('SIGKILL');
  t.false(isAlive(oldPid));
  await influx.start();
  t.deepEqual(await probes(client), [[PROBE_TIME.getTime(), 7]]);
});
