import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, type CollectFlags } from '../../collector/config.ts';

const base: CollectFlags = { zk: 'localhost:2181', cluster: ['crawler=/apps/crawler'] };

function tempFile(t: { teardown(fn: () => void): void }, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('defaults fill in everything optional', (t) => {
  const config = loadConfig({ flags: base, hostname: 'box1' });
  t.deepEqual(config, {
    zk: 'localhost:2181',
    sessionTimeout: 10_000,
    clusters: { crawler: '/apps/crawler' },
    http: { host: '127.0.0.1', port: 7070 },
    webhook: [],
    alertmanager: [],
    instance: 'box1',
    probeIntervalMs: 2000,
    probeTimeoutMs: 3000,
    maxDataBytes: 65536,
  });
});

test('every flag lands in its key; repeatables become a map and a list', (t) => {
  const config = loadConfig({
    hostname: 'ignored',
    flags: {
      zk: 'zk1:2181,zk2:2182/chroot/x',
      zkAuth: 'user:secret',
      sessionTimeout: '5000',
      cluster: ['crawler=/apps/crawler', 'etl.v2=/apps/etl-v2'],
      influx: 'http://127.0.0.1:8086/zkpulse',
      http: '[::1]:0',
      webhook: ['http://hooks.local/a', 'https://hooks.local/b'],
      webhookSecret: 's3cret',
      alertmanager: ['http://127.0.0.1:9093'],
      apiToken: 'tok',
      record: 'events.ndjson',
      instance: 'collector-a',
      probeIntervalMs: '1000',
      probeTimeoutMs: '1500',
      maxDataBytes: '1024',
    },
  });
  t.deepEqual(config, {
    zk: 'zk1:2181,zk2:2182/chroot/x',
    zkAuth: 'user:secret',
    sessionTimeout: 5000,
    clusters: { crawler: '/apps/crawler', 'etl.v2': '/apps/etl-v2' },
    influx: 'http://127.0.0.1:8086/zkpulse',
    http: { host: '::1', port: 0 },
    webhook: ['http://hooks.local/a', 'https://hooks.local/b'],
    webhookSecret: 's3cret',
    alertmanager: ['http://127.0.0.1:9093'],
    apiToken: 'tok',
    record: 'events.ndjson',
    instance: 'collector-a',
    probeIntervalMs: 1000,
    probeTimeoutMs: 1500,
    maxDataBytes: 1024,
  });
});

const badFlags: Array<[string, CollectFlags, string]> = [
  ['no zk', { cluster: ['a=/a'] }, '--zk: missing; give --zk host:port,... or "zk" in the --config file'],
  ['no cluster', { zk: 'h:1' }, '--cluster: missing; give at least one --cluster name=root or "clusters" in the --config file'],
  ['zk without port', { ...base, zk: 'localhost' }, '--zk: expected host:port, got "localhost" (in "localhost")'],
  ['zk bad port', { ...base, zk: 'a:1,b:x' }, '--zk: expected host:port, port "x" is not a number (in "a:1,b:x")'],
  ['zk port too large', { ...base, zk: 'a:70000' }, '--zk: expected host:port, port 70000 is out of range (in "a:70000")'],
  ['zk IPv6', { ...base, zk: '[::1]:2181' }, '--zk: IPv6 addresses are not supported by the ZooKeeper client, use a host name (in "[::1]:2181")'],
  ['zk chroot trailing slash', { ...base, zk: 'a:1/x/' }, '--zk: chroot must not end with "/"'],
  ['zk auth without colon', { ...base, zkAuth: 'user' }, '--zk-auth: expected user:password'],
  ['session timeout too small', { ...base, sessionTimeout: '999' }, '--session-timeout: must be between 1000 and 60000 ms'],
  ['session timeout too large', { ...base, sessionTimeout: '60001' }, '--session-timeout: must be between 1000 and 60000 ms'],
  ['session timeout not a number', { ...base, sessionTimeout: '10s' }, '--session-timeout: expected a whole number, got "10s"'],
  ['cluster without =', { ...base, cluster: ['crawler'] }, '--cluster: expected name=root or name=root@layout, got "crawler"'],
  ['cluster twice', { ...base, cluster: ['a=/a', 'a=/b'] }, '--cluster a: given twice'],
  ['cluster bad name', { ...base, cluster: ['a b=/a'] }, '--cluster a b: cluster names may only contain letters, digits, "_", "." and "-", got "a b"'],
  ['cluster relative root', { ...base, cluster: ['crawler=apps/crawler'] }, '--cluster crawler: root must start with "/"'],
  ['cluster root trailing slash', { ...base, cluster: ['crawler=/apps/'] }, '--cluster crawler: root must not end with "/"'],
  ['cluster root is /', { ...base, cluster: ['crawler=/'] }, '--cluster crawler: root must be a path below "/"'],
  ['cluster root with //', { ...base, cluster: ['crawler=/a//b'] }, '--cluster crawler: root must not contain an empty segment ("//")'],
  ['cluster root with ..', { ...base, cluster: ['crawler=/a/../b'] }, '--cluster crawler: root must not contain "." or ".." segments'],
  ['influx not a URL', { ...base, influx: 'localhost:8086' }, '--influx: expected an http(s) URL, got protocol "localhost:"'],
  ['influx garbage', { ...base, influx: 'not a url' }, '--influx: expected an http(s) URL, got "not a url"'],
  ['http nonsense', { ...base, http: 'nonsense' }, '--http: expected host:port, got "nonsense"'],
  ['http bad port', { ...base, http: '127.0.0.1:99999' }, '--http: expected host:port, port 99999 is out of range'],
  ['http IPv4 out of range', { ...base, http: '999.1.1.1:8080' }, '--http: expected host:port, "999.1.1.1" is not an IPv4 address (four numbers 0-255)'],
  ['http IPv4 with three numbers', { ...base, http: '10.0.1:8080' }, '--http: expected host:port, "10.0.1" is not an IPv4 address (four numbers 0-255)'],
  ['http numeric last label', { ...base, http: 'host.42:8080' }, '--http: expected host:port, "host.42" is not an IPv4 address (four numbers 0-255)'],
  ['http bad IPv6', { ...base, http: '[1:2:3:4:5:6:7:8:9]:8080' }, '--http: expected host:port, "[1:2:3:4:5:6:7:8:9]" is not an IPv6 address'],
  ['http long label', { ...base, http: `${'a'.repeat(64)}.example:8080` }, `--http: expected host:port, "${'a'.repeat(64)}.example" has a label longer than 63 characters`],
  ['zk IPv4 out of range', { ...base, zk: '256.0.0.1:2181' }, '--zk: expected host:port, "256.0.0.1" is not an IPv4 address (four numbers 0-255) (in "256.0.0.1:2181")'],
  ['webhook ftp', { ...base, webhook: ['http://ok', 'ftp://x'] }, '--webhook: expected an http(s) URL, got protocol "ftp:"'],
  ['empty webhook secret', { ...base, webhookSecret: '' }, '--webhook-secret: must not be empty'],
  ['empty api token', { ...base, apiToken: '  ' }, '--api-token: must not be empty'],
  ['empty record', { ...base, record: '' }, '--record: must not be empty'],
  ['probe interval 0', { ...base, probeIntervalMs: '0' }, '--probe-interval-ms: must be between 100 and 600000 ms'],
  ['max data bytes too large', { ...base, maxDataBytes: '2000000' }, '--max-data-bytes: must be between 1 and 1048576 bytes'],
];

test('--http takes IPv4, IPv6 and host names, ports 0-65535', (t) => {
  const cases: [string, { host: string; port: number }][] = [
    ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
    ['255.255.255.255:65535', { host: '255.255.255.255', port: 65535 }],
    ['[::]:0', { host: '::', port: 0 }],
    ['[::ffff:127.0.0.1]:7070', { host: '::ffff:127.0.0.1', port: 7070 }],
    ['localhost:7070', { host: 'localhost', port: 7070 }],
    ['zk-1.example.com:80', { host: 'zk-1.example.com', port: 80 }],
    ['1password.example:80', { host: '1password.example', port: 80 }],
  ];
  for (const [http, expected] of cases) t.deepEqual(loadConfig({ flags: { ...base, http }, hostname: 'h' }).http, expected, http);
});

for (const [name, flags, message] of badFlags) {
  test(`bad flag: ${name}`, (t) => {
    const err = t.throws(() => loadConfig({ flags, hostname: 'h' }), { instanceOf: ConfigError });
    t.is(err?.message, message);
    t.false(err?.message.includes('\n'));
  });
}

const badFile: Array<[string, string, string]> = [
  ['relative root', 'zk: h:1\nclusters:\n  crawler: apps/crawler\n', 'config: clusters.crawler: root must start with "/"'],
  ['clusters as a list', 'zk: h:1\nclusters: [a, b]\n', 'config: clusters: expected a map of cluster name to root path or {root, layout}'],
  ['empty clusters', 'zk: h:1\nclusters: {}\n', 'config: clusters: at least one cluster is required'],
  ['session timeout as text', 'zk: h:1\nclusters: {a: /a}\nsessionTimeout: soon\n', 'config: sessionTimeout: expected a number (ms)'],
  ['fractional session timeout', 'zk: h:1\nclusters: {a: /a}\nsessionTimeout: 1500.5\n', 'config: sessionTimeout: expected a whole number (ms)'],
  ['second webhook bad', 'zk: h:1\nclusters: {a: /a}\nwebhook: [http://a, "mailto:x@y"]\n', 'config: webhook[1]: expected an http(s) URL, got protocol "mailto:"'],
  ['unknown key', 'zk: h:1\nclusters: {a: /a}\nsession-timeout: 5000\n', 'config: unknown key "session-timeout" (did you mean "sessionTimeout"?)'],
  ['http as a number', 'zk: h:1\nclusters: {a: /a}\nhttp: 7070\n', 'config: http: expected a string'],
];

for (const [name, yaml, message] of badFile) {
  test(`bad config file value: ${name}`, (t) => {
    const path = tempFile(t, 'zkpulse.yaml', yaml);
    const err = t.throws(() => loadConfig({ configFile: path, hostname: 'h' }), { instanceOf: ConfigError });
    t.is(err?.message, message);
  });
}

test('the YAML file gives every key; flags override it key by key', (t) => {
  const path = tempFile(
    t,
    'zkpulse.yaml',
    [
      'zk: zk1:2181',
      'sessionTimeout: 20000',
      'clusters:',
      '  crawler: /apps/crawler',
      '  etl: /apps/etl',
      'http: 0.0.0.0:8080',
      'webhook: http://hooks.local/one',
      'apiToken: from-file',
      'alerts:',
      '  WorkerLost: { for: 30s }',
      '',
    ].join('\n'),
  );
  const config = loadConfig({ flags: { config: path, http: '127.0.0.1:0', apiToken: 'from-flag' }, hostname: 'h' });
  t.is(config.zk, 'zk1:2181');
  t.is(config.sessionTimeout, 20000);
  t.deepEqual(config.clusters, { crawler: '/apps/crawler', etl: '/apps/etl' });
  t.deepEqual(config.http, { host: '127.0.0.1', port: 0 });
  t.deepEqual(config.webhook, ['http://hooks.local/one']);
  t.is(config.apiToken, 'from-flag');
  t.deepEqual(config.alerts, { WorkerLost: { for: '30s' } });

  // --cluster flags replace the file's clusters map as a whole
  const replaced = loadConfig({ configFile: path, flags: { cluster: ['only=/only'] }, hostname: 'h' });
  t.deepEqual(replaced.clusters, { only: '/only' });
});

test('ZKPULSE_* variables sit between the file and the flags', (t) => {
  const path = tempFile(t, 'zkpulse.yaml', 'zk: zk1:2181\nclusters: {a: /a}\napiToken: file\nwebhookSecret: file\n');
  const env = { ZKPULSE_API_TOKEN: 'env', ZKPULSE_WEBHOOK_SECRET: 'env', ZKPULSE_SESSION_TIMEOUT: '4000' };
  const config = loadConfig({ configFile: path, env, flags: { webhookSecret: 'flag' }, hostname: 'h' });
  t.is(config.apiToken, 'env');
  t.is(config.webhookSecret, 'flag');
  t.is(config.sessionTimeout, 4000);
  const err = t.throws(() => loadConfig({ flags: base, env: { ZKPULSE_HTTP: 'x' } }), { instanceOf: ConfigError });
  t.is(err?.message, 'ZKPULSE_HTTP: expected host:port, got "x"');
});

test('a missing or broken config file is one line naming --config', (t) => {
  const missing = t.throws(() => loadConfig({ configFile: '/nonexistent/zkpulse.yaml' }), { instanceOf: ConfigError });
  t.is(missing?.message, '--config: cannot read "/nonexistent/zkpulse.yaml": no such file');
  const path = tempFile(t, 'bad.yaml', 'zk: [unclosed\n');
  const broken = t.throws(() => loadConfig({ configFile: path }), { instanceOf: ConfigError });
  t.regex(broken?.message ?? '', /^--config: ".*bad\.yaml" is not valid YAML/);
  t.false(broken?.message.includes('\n'));
  const list = tempFile(t, 'list.yaml', '- a\n- b\n');
  const notMap = t.throws(() => loadConfig({ configFile: list }), { instanceOf: ConfigError });
  t.regex(notMap?.message ?? '', /must hold a map of keys/);
});

test('instance defaults to the host name', (t) => {
  t.is(loadConfig({ flags: base, hostname: 'node-7' }).instance, 'node-7');
  t.is(typeof loadConfig({ flags: base }).instance, 'string');
});

test('a wrong value given is reported before a key still missing', (t) => {
  const err = t.throws(() => loadConfig({ flags: { http: 'nonsense' } }), { instanceOf: ConfigError });
  t.is(err?.message, '--http: expected host:port, got "nonsense"');
});
