/** haMode / shardReplicas: flags and their checks (docs/ha.md "haMode: shard"). */
import test from 'ava';
import { ConfigError, loadConfig } from '../../collector/config.ts';

const base = { zk: 'h:1', cluster: ['a=/x'] };

test('--ha-mode shard implies ha; --shard-replicas is a number 0..3', (t) => {
  const c = loadConfig({ flags: { ...base, haMode: 'shard', shardReplicas: '2' }, hostname: 'h' });
  t.is(c.haMode, 'shard');
  t.is(c.ha, true);
  t.is(c.shardReplicas, 2);
  t.is(loadConfig({ flags: { ...base, ha: true }, hostname: 'h' }).haMode, undefined, 'single by default');
});

test('bad combinations are one clear line naming the key', (t) => {
  const bad = (flags: Record<string, unknown>) => t.throws(() => loadConfig({ flags: { ...base, ...flags }, hostname: 'h' }), { instanceOf: ConfigError })!.message;
  t.regex(bad({ haMode: 'ring' }), /--ha-mode.*single or shard/);
  t.regex(bad({ haMode: 'shard', shardReplicas: '4' }), /--shard-replicas.*between 0 and 3/);
  t.regex(bad({ shardReplicas: '1', ha: true }), /--shard-replicas.*only applies with haMode shard/);
});

test('haMode shard with ha: false in the file is refused', (t) => {
  const err = t.throws(() => loadConfig({ flags: { ...base, haMode: 'shard', ha: false }, hostname: 'h' }), { instanceOf: ConfigError });
  t.regex(err!.message, /ha-mode.*leave ha out or set it to true/);
});
