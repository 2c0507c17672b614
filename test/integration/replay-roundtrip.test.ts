/**
 * Record → replay round trip on a real collector against the shared ZooKeeper: the collector
 * records while a worker joins, beats and crashes; replaying the file rebuilds the same model
 * events and the rules find the crash (WorkerLost firing, then resolved).
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Collector } from '../../server/collector.ts';
import { collectConfigSchema } from '../../collector/config.ts';
import { loadReplayConfig } from '../../replay/config.ts';
import { replay } from '../../replay/replay.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk, workerData } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';

test('a real collector run, recorded, replays to WorkerLost firing and resolved', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-roundtrip-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'rec.ndjson');
  const alerts = {
    evalInterval: '200ms',
    route: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
    defaults: { MasterMissing: { enabled: false }, WorkerLost: { resolveAfter: '2s' } },
  };
  const admin = await PlainZk.connect(zkAddr);
  t.teardown(() => admin.close());
  await admin.mkdirp(`${root}/workers`);
  const collector = new Collector({
    logger: pino({ level: 'silent' }),
    config: collectConfigSchema.parse({ zk: zkAddr, clusters: { app: root }, http: '127.0.0.1:0', instance: 'roundtrip', record: file, alerts }),
  });
  await collector.start({ http: false });
  t.teardown(() => collector.stop());
  await collector.whenSynced();

  const worker = await PlainZk.connect(zkAddr, 4000);
  await worker.create(`${root}/workers/w1`, workerData('w1'), 'ephemeral');
  await worker.set(`${root}/workers/w1`, workerData('w1'));
  await until('w1 up', async () => collector.model('app')?.workers.get('w1')?.up, (up) => up === true);
  await worker.close();
  await until('w1 down', async () => collector.model('app')?.workers.get('w1')?.up, (up) => up === false);
  await collector.stop();

  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { v: number; kind: string; path?: string });
  t.true(lines.every((l) => l.v === 1));
  // (a set right after the create may reach the collector folded into the "added")
  const w1 = lines.filter((l) => l.path === 'workers/w1').map((l) => l.kind);
  t.is(w1[0], 'added');
  t.is(w1.at(-1), 'removed');
  t.is(lines[0]?.kind, 'connection');

  const config = join(dir, 'config.yaml');
  writeFileSync(config, JSON.stringify({ clusters: { app: root }, alerts }));
  // the collector's own shutdown is recorded too (a disconnection at the end): not a problem for WorkerLost
  const result = await replay({ files: [file], config: loadReplayConfig(config, () => []), tailMs: 10_000 });
  t.is(result.events, lines.length);
  const lost = result.notifications.filter((n) => n.alerts.some((a) => a.labels.alertname === 'WorkerLost' && a.labels.worker === 'w1'));
  t.deepEqual(lost.map((n) => n.status), ['firing', 'resolved']);
});
