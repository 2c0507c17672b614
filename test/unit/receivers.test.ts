import test from 'ava';
import { receiversOf } from '../../alerts/receivers.ts';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { collectConfigSchema } from '../../collector/config.ts';
import { replayReceivers } from '../../replay/config.ts';

const config = collectConfigSchema.parse({
  zk: '127.0.0.1:2181',
  instance: 'test',
  clusters: { app: '/app' },
  webhook: ['http://a.example/hook', 'http://b.example/hook'],
  alertmanager: ['http://am.example:9093'],
  webhookSecret: 's3cret',
});
const alerts = parseAlertsConfig({ route: { groupWait: '5s' } }, ['app']);

test('receiversOf: one signed webhook per --webhook, then one Alertmanager per --alertmanager, with the route', (t) => {
  t.deepEqual(receiversOf(config, alerts.route), [
    { kind: 'webhook', name: 'webhook-1', url: 'http://a.example/hook', secret: 's3cret', route: alerts.route },
    { kind: 'webhook', name: 'webhook-2', url: 'http://b.example/hook', secret: 's3cret', route: alerts.route },
    { kind: 'alertmanager', name: 'alertmanager-1', url: 'http://am.example:9093', route: alerts.route },
  ]);
  t.is(alerts.route.groupWaitMs, 5000);
});

test('the replay keeps the collector\'s receiver names and route (its notification log keys), delivered as unsigned webhooks', (t) => {
  const live = receiversOf(config, alerts.route);
  const replayed = replayReceivers(config, alerts);
  t.deepEqual(
    replayed.map((r) => r.name),
    live.map((r) => r.name),
  );
  t.true(replayed.every((r) => r.kind === 'webhook' && !('secret' in r) && r.route === alerts.route));
  const none = collectConfigSchema.parse({ zk: '127.0.0.1:2181', instance: 'test', clusters: { app: '/app' } });
  t.deepEqual(receiversOf(none, alerts.route), []);
  t.deepEqual(
    replayReceivers(none, alerts).map((r) => r.name),
    ['replay'],
  );
});
