import test from 'ava';
import { ConfigError, collectConfigSchema, loadConfig } from '../../collector/config.ts';

const base = { zk: '127.0.0.1:2181', clusters: { a: '/a' }, instance: 'i' };

test('ensembles, ensemblePollMs and adminPort parse; absent they stay absent (the poller has the defaults)', (t) => {
  const config = collectConfigSchema.parse({ ...base, ensembles: { other: '10.0.0.1:2181,10.0.0.2:2181' }, ensemblePollMs: 5000, adminPort: false });
  t.deepEqual([config.ensembles, config.ensemblePollMs, config.adminPort], [{ other: '10.0.0.1:2181,10.0.0.2:2181' }, 5000, false]);
  const plain = collectConfigSchema.parse(base);
  t.deepEqual([plain.ensembles, plain.ensemblePollMs, plain.adminPort], [undefined, undefined, undefined]);
});

const bad: [string, Record<string, unknown>, string][] = [
  ['a bad connect string', { ensembles: { b: '127.0.0.1:x' } }, 'config: ensembles.b: expected host:port, port "x" is not a number (in "127.0.0.1:x")'],
  ['default is taken', { ensembles: { default: '127.0.0.1:2181' } }, 'config: ensembles.default: "default" is the ensemble of zk, give it another name, got "default"'],
  ['not a map', { ensembles: ['127.0.0.1:2181'] }, 'config: ensembles: expected a map of ensemble name to connect string (host:port,...)'],
  ['poll too often', { ensemblePollMs: 10 }, 'config: ensemblePollMs: must be between 1000 and 3600000 ms'],
  ['admin port out of range', { adminPort: 70000 }, 'config: adminPort: expected a port number (1-65535) or false'],
  ['admin port true', { adminPort: true }, 'config: adminPort: expected a port number (1-65535) or false'],
];

for (const [title, values, message] of bad) {
  test(`one clear line: ${title}`, (t) => {
    const error = t.throws(() => loadConfig({ recorded: { ...base, ...values } }), { instanceOf: ConfigError });
    t.is(error?.message.replace(/^recording: /, 'config: '), message);
  });
}
