/**
 * Fuzzing the collect config loader (docs/contract.md §1: a bad flag or config value is one line naming the key,
 * exit code 2) and the alerts section: whatever the YAML file and flags hold, loadConfig returns a config
 * or throws a ConfigError with a one-line message — never a TypeError, a YAML exception or a zod dump.
 */
import test from 'ava';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, type CollectFlags } from '../../collector/config.ts';
import { parseAlertsConfig } from '../../alerts/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'zkpulse-fuzz-config-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const KEYS = ['zk', 'zkAuth', 'sessionTimeout', 'clusters', 'influx', 'http', 'webhook', 'webhookSecret', 'alertmanager', 'apiToken', 'record', 'instance', 'probeIntervalMs', 'probeTimeoutMs', 'maxDataBytes', 'ha', 'haPath', 'alerts', 'cluster', 'bogus'];

/** Plausible and implausible values for config keys. */
const value = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom('127.0.0.1:2181', 'http://127.0.0.1:8086/db', '/apps/x', 'a:b', '0.0.0.0:0', '', ' ', '5000', '1e3', 'true', '\n'),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('/a', '/', 'x', '/zookeeper'))),
);

const yamlDoc = fc.oneof(
  fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 8 }).map((o) => {
    try {
      return stringify(o);
    } catch {
      return '{}';
    }
  }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', '---', '- a\n- b', 'zk: [', 'a: &x\n  b: *x', '\t\tzk: 1', 'zk: !!binary AAAA', 'clusters:\n  "": /x'),
);

const flags: fc.Arbitrary<CollectFlags> = fc.record(
  {
    zk: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('127.0.0.1:2181')),
    sessionTimeout: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()),
    cluster: fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constant('a=/a')), { maxLength: 3 }),
    http: fc.string({ maxLength: 25 }),
    webhook: fc.array(fc.string({ maxLength: 25 }), { maxLength: 2 }),
    apiToken: fc.string({ maxLength: 10 }),
    ha: fc.boolean(),
    haPath: fc.string({ maxLength: 20 }),
    probeIntervalMs: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: [] },
);

function oneLineConfigError(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw new Error(`not a ConfigError: ${String(err)}`);
    if (/[\r\n]/.test(err.message) || err.message.length === 0) throw new Error(`not one line: ${JSON.stringify(err.message)}`);
    return true;
  }
}

test('loadConfig with any YAML file and flags: a config or a one-line ConfigError', (t) => {
  let n = 0;
  fc.assert(
    fc.property(yamlDoc, flags, fc.boolean(), (doc, f, withFile) => {
      const file = join(dir, `c${n++}.yaml`);
      writeFileSync(file, doc);
      return oneLineConfigError(() => loadConfig({ flags: withFile ? { ...f, config: file } : f, hostname: 'fuzz' }));
    }),
    { numRuns: 400 },
  );
  t.pass();
});

test('loadConfig: a missing or unreadable file is a one-line ConfigError', (t) => {
  t.true(oneLineConfigError(() => loadConfig({ configFile: join(dir, 'missing.yaml') })));
  t.true(oneLineConfigError(() => loadConfig({ configFile: dir })));
});

test('parseAlertsConfig with any value: a config or a one-line ConfigError', (t) => {
  const alerts = fc.oneof(
    fc.anything({ maxDepth: 4 }),
    fc.record(
      {
        evalInterval: fc.oneof(fc.string({ maxLength: 6 }), fc.integer()),
        resolvedRetention: fc.oneof(fc.string({ maxLength: 6 }), fc.integer()),
        statePath: fc.string({ maxLength: 12 }),
        route: fc.record({ groupWait: fc.string({ maxLength: 5 }), groupBy: fc.array(fc.string({ maxLength: 5 })), repeatInterval: fc.anything() }, { requiredKeys: [] }),
        defaults: fc.dictionary(fc.constantFrom('WorkerLost', 'MasterMissing', 'Nope', 'HeartbeatStale'), fc.oneof(fc.anything(), fc.record({ enabled: fc.anything(), for: fc.string({ maxLength: 5 }), severity: fc.string({ maxLength: 8 }) }, { requiredKeys: [] }))),
        clusters: fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'constructor'), fc.anything({ maxDepth: 2 })),
      },
      { requiredKeys: [] },
    ),
  );
  fc.assert(
    fc.property(alerts, (raw) => oneLineConfigError(() => parseAlertsConfig(raw, ['a'])) && oneLineConfigError(() => parseAlertsConfig(raw))),
    { numRuns: 600 },
  );
  t.pass();
});
