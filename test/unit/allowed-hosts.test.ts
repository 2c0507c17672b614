/** The Host check's policy (collector/http/host-check.ts) and its `allowedHosts` config key. */
import test from 'ava';
import { ConfigError, loadConfig, type CollectFlags } from '../../collector/config.ts';
import { hostAllowed, hostOfHeader, hostPolicy } from '../../collector/http/host-check.ts';
import { runZkpulse } from '../support/cli.ts';

const base: CollectFlags = { zk: 'localhost:2181', cluster: ['crawler=/apps/crawler'] };

test('bound to loopback: loopback names with any port pass, other names do not, unless allowed', (t) => {
  const policy = hostPolicy('127.0.0.1', undefined);
  for (const ok of ['localhost', 'localhost:7070', 'LOCALHOST.:7070', 'app.localhost:1', '127.0.0.1:7070', '127.1.2.3', '[::1]:7070', '[0:0:0:0:0:0:0:1]']) {
    t.true(hostAllowed(ok, policy), ok);
  }
  for (const bad of ['evil.example', 'evil.example:7070', '127.0.0.1.evil.example', '128.0.0.1', '127.0.0.256', '[::2]', 'a@127.0.0.1', '127.0.0.1:70:70', '', 'localhost/x']) {
    t.false(hostAllowed(bad, policy), bad);
  }
  t.true(hostAllowed(undefined, policy), 'no Host at all (HTTP/1.0) cannot come from a browser');
  const configured = hostPolicy('::1', ['zkpulse.internal', '.corp.example', '10.0.0.5']);
  for (const ok of ['zkpulse.internal:7070', 'corp.example', 'a.b.corp.example:80', '10.0.0.5:7070', 'localhost']) t.true(hostAllowed(ok, configured), ok);
  for (const bad of ['xcorp.example', 'zkpulse.internal.evil', 'evil.example']) t.false(hostAllowed(bad, configured), bad);
  t.is(hostPolicy('127.0.0.1', ['*']), null, '"*" turns the check off');
});

test('bound elsewhere: no check unless allowedHosts is given; then the bound address and loopback names count too', (t) => {
  t.is(hostPolicy('0.0.0.0', undefined), null);
  t.is(hostPolicy('10.1.2.3', undefined), null);
  const policy = hostPolicy('10.1.2.3', ['zkpulse.corp.example']);
  for (const ok of ['10.1.2.3:7070', 'zkpulse.corp.example', 'localhost:7070']) t.true(hostAllowed(ok, policy), ok);
  t.false(hostAllowed('evil.example', policy));
  t.false(hostAllowed('0.0.0.0', hostPolicy('0.0.0.0', ['a.example'])), 'a wildcard bind address is not a name');
  t.is(hostOfHeader('[::1]:7070'), '::1');
  t.is(hostOfHeader('Example.COM.:80'), 'example.com');
});

test('allowedHosts: a comma-separated flag, an environment variable or a YAML list; a bad entry is one line naming the key', (t) => {
  t.deepEqual(loadConfig({ flags: { ...base, allowedHosts: 'zkpulse.internal, .corp.example,[::1]' } }).allowedHosts, ['zkpulse.internal', '.corp.example', '[::1]']);
  t.deepEqual(loadConfig({ flags: base, env: { ZKPULSE_ALLOWED_HOSTS: 'a.example' } }).allowedHosts, ['a.example']);
  t.is(loadConfig({ flags: base }).allowedHosts, undefined);
  t.throws(() => loadConfig({ flags: { ...base, allowedHosts: 'ok.example,bad host' } }), {
    instanceOf: ConfigError,
    message: '--allowed-hosts: "bad host" is not a host name (expected a name, an IP address, ".example.com" or "*")',
  });
  t.throws(() => loadConfig({ flags: base, env: { ZKPULSE_ALLOWED_HOSTS: 'http://x' } }), { message: /^ZKPULSE_ALLOWED_HOSTS: "http:\/\/x" is not/ });
});

test('collect --allowed-hosts with a bad entry: one line naming the flag, exit 2', async (t) => {
  const run = await runZkpulse(['collect', '--zk', 'h:1', '--cluster', 'a=/a', '--allowed-hosts', 'evil/x']);
  t.is(run.code, 2);
  t.is(run.stderr, '--allowed-hosts: "evil/x" is not a host name (expected a name, an IP address, ".example.com" or "*")\n');
});
