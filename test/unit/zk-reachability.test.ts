/** What the collector says about its ZooKeeper connection (pure), why an attempt failed, and the log formats. */
import test from 'ava';
import { Writable } from 'node:stream';
import { describeConnectError } from '../../zk/connect-failure.ts';
import { clusterList, initialReach, serverCount, stepReach, type ReachInput, type ReachReport, type ReachState } from '../../collector/reachability.ts';
import { createLogger, defaultLogFormat } from '../../collector/logger.ts';

function play(inputs: ReachInput[], servers = 1, clusters = ['crawler']): { state: ReachState; reports: ReachReport[] } {
  let state = initialReach();
  const reports: ReachReport[] = [];
  for (const input of inputs) {
    const step = stepReach(state, input, { servers, clusters });
    state = step.state;
    if (step.report) reports.push(step.report);
  }
  return { state, reports };
}

const refused = (server: string): ReachInput => ({ kind: 'failure', failure: { server, reason: 'connection refused', code: 'ECONNREFUSED' } });

test('one server refusing: one line at the first attempt, none for the retries; connecting says so', (t) => {
  const { reports } = play([
    refused('127.0.0.1:21810'),
    refused('127.0.0.1:21810'),
    refused('127.0.0.1:21810'),
    { kind: 'state', state: 'connected', server: '127.0.0.1:21810', sessionId: '0100000000000001' },
  ]);
  t.deepEqual(reports.map((r) => [r.level, r.message]), [
    ['warn', 'cannot reach ZooKeeper at 127.0.0.1:21810 (connection refused); cluster crawler is not watched yet; retrying'],
    ['info', 'connected to ZooKeeper at 127.0.0.1:21810 (session 0x0100000000000001); watching cluster crawler'],
  ]);
  t.deepEqual(reports[0]?.fields, { zk: '127.0.0.1:21810', reason: 'connection refused', code: 'ECONNREFUSED' });
});

test('an ensemble: one server down is no outage; all down is one line naming each with its reason', (t) => {
  const oneDown = play([refused('a:1'), { kind: 'state', state: 'connected', server: 'b:2', sessionId: '01' }], 3, ['x', 'y']);
  t.deepEqual(oneDown.reports.map((r) => r.message), ['connected to ZooKeeper at b:2 (session 0x01); watching clusters x, y']);
  const allDown = play([refused('a:1'), { kind: 'failure', failure: { server: 'b:2', reason: 'host name not found', code: 'ENOTFOUND' } }, refused('c:3'), refused('a:1')], 3, ['x', 'y']);
  t.deepEqual(allDown.reports.map((r) => r.message), [
    'cannot reach ZooKeeper at a:1 (connection refused), b:2 (host name not found), c:3 (connection refused); clusters x, y are not watched yet; retrying',
  ]);
});

test('each outage is reported once: a lost connection, the unreachable servers, the reconnection', (t) => {
  const { reports } = play([
    { kind: 'state', state: 'connected', server: 'a:1', sessionId: '01' },
    { kind: 'state', state: 'disconnected', server: 'a:1', reason: 'connection lost' },
    refused('a:1'),
    refused('a:1'),
    { kind: 'state', state: 'reconnected', server: 'a:1', sessionId: '01' },
    { kind: 'state', state: 'disconnected', server: 'a:1', reason: 'probe timeout' },
    refused('a:1'),
    { kind: 'state', state: 'expired' },
    { kind: 'state', state: 'connected', server: 'a:1', sessionId: '02' },
  ]);
  t.deepEqual(reports.map((r) => r.message), [
    'connected to ZooKeeper at a:1 (session 0x01); watching cluster crawler',
    'lost the connection to ZooKeeper at a:1 (connection lost); cluster crawler is blind until it is back; reconnecting',
    'cannot reach ZooKeeper at a:1 (connection refused); cluster crawler is not watched until it is back; retrying',
    'reconnected to ZooKeeper at a:1, same session (session 0x01); resyncing cluster crawler',
    'lost the connection to ZooKeeper at a:1 (probe timeout); cluster crawler is blind until it is back; reconnecting',
    'cannot reach ZooKeeper at a:1 (connection refused); cluster crawler is not watched until it is back; retrying',
    'the ZooKeeper session expired; starting a new one, then cluster crawler will be resynced',
    'connected to ZooKeeper at a:1 with a new session (session 0x02); resyncing cluster crawler',
  ]);
});

test('serverCount and clusterList', (t) => {
  t.is(serverCount('a:1'), 1);
  t.is(serverCount('a:1,b:2,c:3/chroot/x'), 3);
  t.is(clusterList(['a']), 'cluster a');
  t.is(clusterList(['a', 'b']), 'clusters a, b');
  t.is(clusterList(['a', 'b', 'c', 'd', 'e', 'f', 'g']), 'clusters a, b, c, d, e, ... (7 in all)');
});

test('describeConnectError: socket error codes in words', (t) => {
  const err = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
  t.deepEqual(describeConnectError(err('ECONNREFUSED')), { reason: 'connection refused', code: 'ECONNREFUSED' });
  t.deepEqual(describeConnectError(err('ETIMEDOUT')), { reason: 'timed out', code: 'ETIMEDOUT' });
  t.deepEqual(describeConnectError(err('ENOTFOUND')), { reason: 'host name not found', code: 'ENOTFOUND' });
  t.deepEqual(describeConnectError(err('EWHATEVER')), { reason: 'ewhatever', code: 'EWHATEVER' });
  t.deepEqual(describeConnectError(Object.assign(new Error('corrupt'), { code: 'ENOTZOOKEEPER', head: 'HTTP' })), {
    reason: 'not a ZooKeeper server: its answer begins "HTTP"',
    code: 'ENOTZOOKEEPER',
  });
  t.regex(describeConnectError(undefined).reason, /^connection closed by the server before a session was established/);
});

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

test('createLogger: pretty is one readable line per entry, json one object; both redact secrets', (t) => {
  const pretty = sink();
  createLogger({ format: 'pretty', destination: pretty.stream, colorize: false }).warn({ apiToken: 's3cret', zk: 'a:1' }, 'cannot reach ZooKeeper at a:1');
  t.regex(pretty.text(), /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: cannot reach ZooKeeper at a:1 \{.*"zk":"a:1".*\}\n$/);
  t.false(pretty.text().includes('s3cret'));
  const json = sink();
  createLogger({ format: 'json', destination: json.stream }).warn({ apiToken: 's3cret' }, 'hello');
  const entry = JSON.parse(json.text()) as { msg: string; level: number; apiToken: string };
  t.is(entry.msg, 'hello');
  t.is(entry.apiToken, '[redacted]');
  t.is(defaultLogFormat(true), 'pretty');
  t.is(defaultLogFormat(false), 'json');
});
