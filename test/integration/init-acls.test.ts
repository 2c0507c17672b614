/**
 * `zkpulse init` against a real ZooKeeper: digest ACLs that let agents (agent library, --zk-auth) register
 * and elect, let the collector (--zk-auth) read everything, and give an anonymous client nothing: no
 * forged R/master, no deleted worker, no listing. A re-run is idempotent and fixes a loosened ACL.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import zookeeper from 'node-zookeeper-client';
import { firstValueFrom, filter } from 'rxjs';
import { pino } from 'pino';
import { createAgent } from '../../agent/index.ts';
import { Collector } from '../../server/collector.ts';
import { collectConfigSchema } from '../../collector/config.ts';
import { runInit } from '../../cli/init.ts';
import { CONTAINERS } from '../../collector/init/acl-plan.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk, workerData } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';
import { codeOf, NO_AUTH, rejection } from '../support/zk-rejection.ts';

const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));
const COLLECTOR = 'zkpulse:collector-secret';
const AGENT = 'crawler:agent-secret';

async function authed(zk: string, auth: string): Promise<PlainZk> {
  const client = await PlainZk.connect(zk);
  client.client.addAuthInfo('digest', Buffer.from(auth));
  return client;
}

test.serial('init: agents register and elect, the collector reads, an anonymous client can neither forge a master nor delete a worker', async (t) => {
  const zk = await sharedZooKeeper();
  const root = `${uniqueRoot(t)}/crawler`;
  const quiet = () => undefined;

  const first = await runInit({ zk, root, ids: { collector: COLLECTOR, agent: AGENT }, sessionTimeout: 10_000 }, quiet);
  t.deepEqual(
    first.map((r) => r.action),
    ['created', 'created', ...CONTAINERS.map(() => 'created')],
  );

  const agent = createAgent({ connectString: zk, root, id: 'w1', auth: AGENT, sessionTimeoutMs: 4000 });
  t.teardown(() => agent.close());
  await agent.register();

  const anon = await PlainZk.connect(zk);
  t.teardown(() => anon.close());
  const forge = await rejection(anon.create(`${root}/master`, JSON.stringify({ id: 'evil', since: 0 }), 'ephemeral'));
  t.is(codeOf(forge), NO_AUTH, 'an anonymous client cannot create R/master');
  const del = await rejection(anon.remove(`${root}/workers/w1`));
  t.is(codeOf(del), NO_AUTH, 'an anonymous client cannot delete a worker');
  const list = await rejection(new Promise((resolve, reject) => anon.client.getChildren(`${root}/workers`, (e, c) => (e ? reject(e) : resolve(c)))));
  t.is(codeOf(list), NO_AUTH, 'an anonymous client cannot list the workers');
  const fake = await rejection(anon.create(`${root}/workers/w9`, workerData('w9'), 'ephemeral'));
  t.is(codeOf(fake), NO_AUTH, 'an anonymous client cannot register a fake worker');

  // the agent identity may create R/master through the election
  const leader = await firstValueFrom(agent.runForMaster().pipe(filter((l) => l.state === 'leader')));
  t.truthy(leader.epoch);

  // the collector with its credentials sees the worker and the master
  const collector = new Collector({
    logger: pino({ level: 'silent' }),
    config: collectConfigSchema.parse({ zk, zkAuth: COLLECTOR, clusters: { app: root }, http: '127.0.0.1:0', instance: 'init-test' }),
  });
  t.teardown(() => collector.stop());
  await collector.start({ http: false });
  await collector.whenSynced();
  await until('the collector sees w1 and the master', async () => collector.model('app'), (m) => m?.workers.get('w1')?.up === true && m.master?.id === 'w1');
  t.pass();

  // idempotent: nothing to do; a loosened ACL is put back
  const again = await runInit({ zk, root, ids: { collector: COLLECTOR, agent: AGENT }, sessionTimeout: 10_000 }, quiet);
  t.true(again.every((r) => r.action === 'ok' || r.action === 'kept'), JSON.stringify(again));
  const admin = await authed(zk, AGENT);
  t.teardown(() => admin.close());
  await new Promise((resolve, reject) =>
    admin.client.setACL(`${root}/workers`, [new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('world', 'anyone'))], -1, (e, s) => (e ? reject(e) : resolve(s))),
  );
  const fixed = await runInit({ zk, root, ids: { collector: COLLECTOR, agent: AGENT }, sessionTimeout: 10_000 }, quiet);
  t.deepEqual(fixed.filter((r) => r.action === 'fixed').map((r) => r.path), [`${root}/workers`]);
  const del2 = await rejection(anon.remove(`${root}/workers/w1`));
  t.is(codeOf(del2), NO_AUTH, 'after the fix the worker cannot be deleted anonymously again');
});

test('zkpulse init: a bad flag is one line and exit code 2', (t) => {
  const run = spawnSync(process.execPath, [BIN, 'init', '--zk', '127.0.0.1:2181', '--root', 'apps', '--collector-auth', COLLECTOR, '--agent-auth', AGENT], { encoding: 'utf8' });
  t.is(run.status, 2);
  t.is(run.stderr.trim().split('\n').length, 1);
  t.regex(run.stderr, /^--root: /);
});
