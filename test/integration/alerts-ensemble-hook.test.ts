/** The engine hook of the ensemble rules: a poll fed through `ensembles.latest` reaches a real webhook receiver. */
import test from 'ava';
import { NEVER } from 'rxjs';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { Alerting } from '../../alerts/service.ts';
import type { WebhookBody } from '../../alerts/notify/webhook-body.ts';
import type { EnsembleSnapshot } from '../../collector/ensemble/types.ts';
import { down, poll, serving } from '../support/ensemble-fixtures.ts';
import { startRecordingReceiver } from '../support/recording-receiver.ts';

test('a fired ZooKeeperServerDown reaches a webhook receiver, labelled ensemble/server and no cluster; recovery sends the resolve', async (t) => {
  const rx = await startRecordingReceiver();
  t.teardown(() => rx.close());
  let latest: EnsembleSnapshot[] = [];
  const alerting = new Alerting({
    config: parseAlertsConfig({ evalInterval: '20ms', defaults: { ZooKeeperServerDown: { for: 0 } } }),
    receivers: [{ kind: 'webhook', name: 'ops', url: rx.url, route: { groupWaitMs: 10, groupIntervalMs: 50, repeatIntervalMs: 3_600_000 } }],
    domainEvents$: NEVER,
    watchEvents$: NEVER,
    getModels: () => [],
    isConnected: () => true,
    ensembles: { latest: () => latest },
    externalURL: 'http://127.0.0.1:7070',
  });
  t.teardown(() => alerting.stop());
  await alerting.start();
  const leader = serving('zk1:2181', 'leader', {}, { synced_followers: 2 });
  const now = () => Date.now();
  latest = [poll(now(), [leader, serving('zk2:2181', 'follower'), down('zk3:2181'), serving('zk4:2181', 'follower'), serving('zk5:2181', 'follower')], 'main')];
  const first = (await rx.received(1)).json as WebhookBody;
  t.is(first.status, 'firing');
  t.is(first.groupKey, '{}:{alertname="ZooKeeperServerDown", ensemble="main"}');
  t.deepEqual(first.alerts.map((a) => a.labels), [{ alertname: 'ZooKeeperServerDown', ensemble: 'main', severity: 'critical', server: 'zk3:2181' }]);
  t.is(first.alerts[0]?.annotations.problem, 'connect ECONNREFUSED zk3:2181');
  t.is(first.alerts[0]?.generatorURL, 'http://127.0.0.1:7070/api/ensembles');

  latest = [poll(now(), [leader, serving('zk2:2181', 'follower'), serving('zk3:2181', 'follower'), serving('zk4:2181', 'follower'), serving('zk5:2181', 'follower')], 'main')];
  const second = (await rx.received(2)).json as WebhookBody;
  t.is(second.status, 'resolved');
  t.is(second.alerts[0]?.labels.server, 'zk3:2181');
});
