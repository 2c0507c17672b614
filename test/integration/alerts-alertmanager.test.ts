/** The `alertmanager` receiver against a real Alertmanager (Debian prometheus-alertmanager). */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { fingerprint } from '../../alerts/fingerprint.ts';
import { Notifier, type NotificationRecord } from '../../alerts/notify/notifier.ts';
import type { AlertInstance } from '../../alerts/types.ts';
import { freePort } from '../../stack/index.ts';

const BINARY = '/usr/bin/prometheus-alertmanager';

async function startAlertmanager(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zkpulse-am-'));
  const config = join(dir, 'alertmanager.yml');
  await writeFile(config, 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n');
  const port = await freePort();
  const child = spawn(BINARY, [`--config.file=${config}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.teardown(async () => {
    child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer) => {
      log += b.toString();
      if (/Listening on/i.test(log)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`alertmanager exited with ${code}: ${log}`)));
  });
  return `http://127.0.0.1:${port}`;
}

test('an alert posted through the alertmanager receiver is listed by GET /api/v2/alerts', async (t) => {
  const base = await startAlertmanager(t);
  const labels = { alertname: 'WorkerLost', cluster: 'crawler', severity: 'critical', worker: 'w7' };
  const alert: AlertInstance = { fingerprint: fingerprint(labels), labels, annotations: { summary: 'w7 lost' }, state: 'firing', activeAt: Date.now() - 60_000, startsAt: Date.now() - 30_000, endsAt: null };
  const done = new Promise<NotificationRecord>((resolve) => {
    const n = new Notifier({
      receivers: [{ kind: 'alertmanager', name: 'am', url: base, route: { groupWaitMs: 10, groupIntervalMs: 60_000 } }],
      externalURL: 'http://127.0.0.1:7070',
      onNotification: (r) => {
        n.stop();
        resolve(r);
      },
    });
    n.update([alert]);
  });
  const record = await done;
  t.true(record.ok, record.reason);
  const res = await fetch(`${base}/api/v2/alerts`);
  t.is(res.status, 200);
  const listed = (await res.json()) as { labels: Record<string, string>; annotations: Record<string, string>; status: { state: string }; generatorURL: string }[];
  const ours = listed.find((a) => a.labels.worker === 'w7');
  t.truthy(ours, JSON.stringify(listed));
  t.deepEqual(ours?.labels, labels);
  t.deepEqual(ours?.annotations, { summary: 'w7 lost' });
  t.is(ours?.status.state, 'active');
  t.is(ours?.generatorURL, 'http://127.0.0.1:7070/api/clusters/crawler');
});
