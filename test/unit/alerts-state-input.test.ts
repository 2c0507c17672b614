/**
 * What the collector takes from outside for alerting: silence regexes (RE2, bounded), silence times
 * (RFC 3339 only), and the state read back from ZooKeeper (validated, refused entry by entry).
 */
import test from 'ava';
import fc from 'fast-check';
import zookeeper from 'node-zookeeper-client';
import { RE2JS } from 're2js';
import { emptyEngineState, serializeEngineState } from '../../alerts/engine/index.ts';
import { compileMatcher, silencedBy } from '../../alerts/silences/match.ts';
import { compileUserRegex, expandedSize, MAX_MATCHED_VALUE_CHARS, MAX_PROGRAM_SIZE } from '../../alerts/silences/regex.ts';
import { parseRfc3339 } from '../../alerts/silences/rfc3339.ts';
import { parseStoredSilences } from '../../alerts/silences/schema.ts';
import type { Matcher, Silence } from '../../alerts/silences/types.ts';
import { parseManifest } from '../../alerts/store/chunks.ts';
import { describeAcl, widerThanOwner } from '../../alerts/store/state-acls.ts';
import { decodeEngine, decodeNflog } from '../../alerts/store/stored-values.ts';

const re = (value: string, isEqual = true): Matcher => ({ name: 'worker', value, isRegex: true, isEqual });
const matches = (pattern: string, value: string) => compileMatcher(re(pattern))(value);

test('regex matchers have RE2 semantics, anchored at both ends like Alertmanager', (t) => {
  t.true(matches('w1|w10', 'w10'), 'the whole value, any alternative');
  t.false(matches('w1', 'w10'));
  t.false(matches('(a+)+$', `${'a'.repeat(39)}b`), 'linear time: returns');
  t.true(matches('(a+)+$', 'a'.repeat(40)));
  // RE2, not JavaScript: \s is ASCII only, . matches \r, named groups in Go syntax
  t.false(matches('a\\sb', 'a\u00a0b'));
  t.true(matches('a.b', 'a\rb'));
  t.false(matches('a.b', 'a\nb'));
  t.true(matches('(?P<id>w)\\d+', 'w42'));
  t.false(compileUserRegex('(?=w)').ok, 'no lookahead');
  t.false(compileUserRegex('(a)\\1').ok, 'no backreferences');
  t.false(compileUserRegex('w1)|(.*').ok, 'a pattern cannot break out of its anchoring group');
});

test('testExact is ^(?:pattern)$ for patterns that compile alone', (t) => {
  const samples = ['a|ab', 'a*', '(?m)a$', '(?s).*', 'x|y|', '\\d+\\.\\d+', '(?i)AbC', '[^a]*', '(a|b)*c?'];
  const values = ['', 'a', 'ab', 'abc', 'a\n', '\n', '12.5', 'ABC', 'bbb', 'abac', 'x', 'y'];
  for (const p of samples) {
    const anchored = RE2JS.compile(`^(?:${p})$`);
    for (const v of values) t.is(matches(p, v), anchored.test(v), `${p} on ${JSON.stringify(v)}`);
  }
});

test('regex size is bounded before compiling: the estimate is never below the compiled size', (t) => {
  t.false(compileUserRegex('\\pL{1000}'.repeat(10)).ok);
  t.regex((compileUserRegex('x{1000}'.repeat(2)) as { problem: string }).problem, /too large/);
  t.true(compileUserRegex(Array.from({ length: 100 }, (_, i) => `host${i}x`).join('|')).ok, 'a list of 100 names fits');
  const token = fc.constantFrom('a', 'b', '.', '\\d', '\\pL', '[a-c]', '[^x]', '(', ')', '(?:', '(?i)', '(?P<n>', '|', '*', '+', '?', 'a*?', '{3}', '{2,5}', '{4,}', '{0,3}', '{0}', '\\Qa{9}\\E', '^', '$');
  fc.assert(
    fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
      const pattern = tokens.join('');
      let size: number;
      try {
        size = RE2JS.compile(pattern).programSize();
      } catch {
        return true;
      }
      return expandedSize(pattern) >= size;
    }),
    { numRuns: 3000 },
  );
  t.true(MAX_PROGRAM_SIZE >= 1000);
});

test('a value too long to match satisfies neither =~ nor !~: the silence does not apply', (t) => {
  const long = 'w'.repeat(MAX_MATCHED_VALUE_CHARS + 1);
  t.false(compileMatcher(re('w+'))(long));
  t.false(compileMatcher(re('x+', false))(long));
  t.true(compileMatcher(re('x+', false))('w'.repeat(MAX_MATCHED_VALUE_CHARS)));
  const s: Silence = { id: 's', matchers: [re('x', false)], startsAt: 0, endsAt: 10, createdBy: 'a', comment: 'c', updatedAt: 0 };
  t.deepEqual(silencedBy({ worker: long }, [s], 5), []);
  t.deepEqual(silencedBy({ worker: 'w1' }, [s], 5), ['s']);
});

test('RFC 3339 only', (t) => {
  t.is(parseRfc3339('2030-01-01T00:00:00Z'), Date.UTC(2030, 0, 1));
  t.is(parseRfc3339('2030-01-01T00:00:00.123456789+02:30'), Date.UTC(2029, 11, 31, 21, 30, 0, 123));
  t.is(parseRfc3339('2028-02-29t23:59:59z'), Date.UTC(2028, 1, 29, 23, 59, 59));
  t.is(parseRfc3339('0050-06-01T00:00:00Z'), new Date(0).setUTCFullYear(50, 5, 1), 'years below 100 are not 19xx');
  for (const bad of ['9999', 'March 7 2099', '2099-01-01 10:00', '2099-01-01T10:00:00', '2099-01-01T10:00Z', '2027-02-29T00:00:00Z', '2030-13-01T00:00:00Z', '2030-01-01T23:59:60Z', '2030-01-01T00:00:00+24:00', '+2030-01-01T00:00:00Z', ' 2030-01-01T00:00:00Z', '2030-01-01T00:00:00.Z', '9999-12-31T23:59:59-01:00']) {
    t.is(parseRfc3339(bad), null, bad);
  }
});

const NOW = Date.UTC(2030, 0, 1);
const stored = (extra: Record<string, unknown> = {}) => ({
  id: 's1',
  matchers: [{ name: 'cluster', value: 'c1', isRegex: false, isEqual: true }],
  startsAt: NOW,
  endsAt: NOW + 3600_000,
  updatedAt: NOW,
  createdBy: 'alice',
  comment: 'x',
  ...extra,
});

test('stored silences pass the API\'s checks one by one; a future updatedAt is taken as now', (t) => {
  const { silences, refused } = parseStoredSilences(
    [
      stored(),
      stored({ id: 's2', startsAt: NOW, endsAt: NOW, updatedAt: NOW + 1e12 }),
      stored({ id: 'all', matchers: [{ name: 'alertname', value: '.*', isRegex: true, isEqual: true }] }),
      stored({ id: 'js', matchers: [{ name: 'worker', value: '(?<=a)b', isRegex: true, isEqual: true }] }),
      stored({ id: 'big', matchers: [{ name: 'worker', value: 'x{1000}x{1000}', isRegex: true, isEqual: true }] }),
      stored({ id: 'back', endsAt: NOW - 1 }),
      stored({ id: 'y'.repeat(200) }),
      stored({ id: 'nan', startsAt: 'soon' }),
      'not a silence',
    ],
    NOW,
  );
  t.deepEqual(silences.map((s) => s.id), ['s1', 's2'], 'an expired one (ends when it starts) is kept');
  t.is(silences[1]?.updatedAt, NOW);
  t.is(refused.length, 7);
  t.regex(refused[0] ?? '', /^silence 2 \(id "all"\): matchers: at least one matcher must not match the empty string$/);
  t.regex(refused[1] ?? '', /^silence 3 \(id "js"\): matchers\.0\.value: matcher worker: bad regular expression/);
  t.regex(refused[2] ?? '', /too large/);
  t.regex(refused[3] ?? '', /endsAt is before startsAt/);
  t.regex(refused[4] ?? '', /^silence 6 .*: id: /);
  t.regex(refused[5] ?? '', /startsAt/);
  t.regex(refused[6] ?? '', /^silence 8: entry: /);
  t.deepEqual(parseStoredSilences({ s1: stored() }, NOW), { silences: [], refused: ['expected a list of silences, got object'] });
});

test('stored notification log and engine state: shapes checked, refused with a reason, never thrown', (t) => {
  const entry = { receiver: 'ops', groupKey: 'g', firing: ['f'], resolved: [], timestamp: NOW, expiresAt: NOW + 1000 };
  const nflog = decodeNflog(() => NOW)([entry, { ...entry, groupKey: 'later', timestamp: NOW + 1e9 }, { ...entry, firing: 'f' }, null]);
  t.deepEqual(nflog.value, [entry, { ...entry, groupKey: 'later', timestamp: NOW }]);
  t.is(nflog.refused.length, 2);
  t.regex(nflog.refused[0] ?? '', /^notification log entry 2: firing: /);
  t.is(decodeNflog(() => NOW)('x').value, undefined);

  const good = serializeEngineState(emptyEngineState());
  t.truthy(decodeEngine(good).value);
  t.deepEqual(decodeEngine(good).refused, []);
  const broken = JSON.stringify({ version: 1, alerts: [], memory: [['c1', { masterChanges: 5 }]] });
  t.is(decodeEngine(broken).value, undefined);
  t.regex(decodeEngine(broken).refused[0] ?? '', /^alert engine state: memory\.0\.1\.masterChanges: /);
  t.regex(decodeEngine(JSON.stringify({ version: 2, alerts: [], memory: [] })).refused[0] ?? '', /version 2 is not supported/);
  t.regex(decodeEngine('{').refused[0] ?? '', /not JSON/);
  t.regex(decodeEngine({ version: 1 }).refused[0] ?? '', /a JSON string/);
});

test('a state node that a store did not write is refused with the reason', (t) => {
  t.throws(() => parseManifest(Buffer.from('garbage')), { message: /not a zkpulse state node: not JSON/ });
  t.throws(() => parseManifest(Buffer.from('{"format":1,"chunks":100000,"gen":"ab","bytes":1}')), { message: /not a zkpulse state node/ });
  t.throws(() => parseManifest(Buffer.from('{"format":1,"chunks":2,"gen":"../x","bytes":1}')), { message: /not a zkpulse state node/ });
  t.throws(() => parseManifest(Buffer.from('{"format":1,"chunks":0}')), { message: /not a zkpulse state node/ });
  t.deepEqual(parseManifest(Buffer.from('{"format":1,"chunks":0,"value":null}')), { format: 1, chunks: 0, value: null });
});

test('state ACLs: anyone but the owner with more than READ is wider', (t) => {
  const { Permission } = zookeeper;
  const acl = (perms: number, scheme: string, id: string) => new zookeeper.ACL(perms, new zookeeper.Id(scheme, id));
  const owner = 'zkpulse:hash=';
  t.false(widerThanOwner([acl(Permission.ALL, 'digest', owner), acl(Permission.READ, 'world', 'anyone')], owner));
  t.true(widerThanOwner([acl(Permission.ALL, 'world', 'anyone')], owner));
  t.true(widerThanOwner([acl(Permission.ALL, 'digest', owner), acl(Permission.READ | Permission.CREATE, 'world', 'anyone')], owner));
  t.true(widerThanOwner([acl(Permission.ALL, 'digest', 'other:hash=')], owner));
  t.true(widerThanOwner([acl(Permission.ALL, 'digest', 'zkpulse:x')], owner), 'a masked digest is not taken as ours');
  t.is(describeAcl([acl(Permission.ALL, 'digest', owner), acl(Permission.READ, 'world', 'anyone')]), 'digest:zkpulse=rwcda, world:anyone=r----', 'no password hash');
});
