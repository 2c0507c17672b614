/** /api/silences and /api/alerts mounted in the collector's HTTP app, over real HTTP. */
import test from 'ava';
import { Registry } from 'prom-client';
import { Subject } from 'rxjs';
import { fingerprint } from '../../alerts/fingerprint.ts';
import { alertsRouter } from '../../alerts/http/alerts-router.ts';
import { silencesRouter } from '../../alerts/http/silences-router.ts';
import { Silences } from '../../alerts/silences/silences.ts';
import type { GettableSilence } from '../../alerts/silences/types.ts';
import type { AlertInstance } from '../../alerts/types.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { createHttpApp, startHttpServer } from '../../collector/http/server.ts';

const TOKEN = 'secret-token';

async function start(t: { teardown(fn: () => unknown): void }, alerts: AlertInstance[] = []) {
  let now = Date.UTC(2030, 0, 1);
  const silences = new Silences();
  const app = createHttpApp({
    getModels: () => [],
    isConnected: () => ({ ok: true }),
    events$: new Subject<DomainEvent>(),
    registry: new Registry(),
    apiToken: TOKEN,
    now: () => now,
    routers: [silencesRouter({ silences, apiToken: TOKEN, now: () => now }), alertsRouter({ getAlerts: () => alerts })],
  });
  const server = await startHttpServer(app, { port: 0 });
  t.teardown(() => server.close());
  return { url: server.url, silences, advance: (ms: number) => (now += ms) };
}

const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
const silence = {
  matchers: [{ name: 'cluster', value: 'crawler', isRegex: false, isEqual: true }],
  startsAt: '2030-01-01T00:00:00Z',
  endsAt: '2030-01-01T02:00:00Z',
  createdBy: 'alice',
  comment: 'maintenance window',
};

test('writes need the token: 401 without it or with a wrong one', async (t) => {
  const { url } = await start(t);
  const none = await fetch(`${url}/api/silences`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(silence) });
  t.is(none.status, 401);
  const wrong = await fetch(`${url}/api/silences`, { method: 'POST', headers: { ...auth, Authorization: 'Bearer nope' }, body: JSON.stringify(silence) });
  t.is(wrong.status, 401);
  const del = await fetch(`${url}/api/silences/x`, { method: 'DELETE' });
  t.is(del.status, 401);
});

test('a bad matcher or body is a 400 with the reason', async (t) => {
  const { url } = await start(t);
  const badRegex = await fetch(`${url}/api/silences`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ ...silence, matchers: [{ name: 'worker', value: '(unclosed', isRegex: true, isEqual: true }] }),
  });
  t.is(badRegex.status, 400);
  t.regex(((await badRegex.json()) as { error: string }).error, /bad regular expression/);
  const noMatchers = await fetch(`${url}/api/silences`, { method: 'POST', headers: auth, body: JSON.stringify({ ...silence, matchers: [] }) });
  t.is(noMatchers.status, 400);
  t.regex(((await noMatchers.json()) as { error: string }).error, /matchers/);
  const badName = await fetch(`${url}/api/silences`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ ...silence, matchers: [{ name: 'bad name', value: 'x', isRegex: false }] }),
  });
  t.is(badName.status, 400);
});

test('create, list, update, expire', async (t) => {
  const { url, silences, advance } = await start(t);
  const created = await fetch(`${url}/api/silences`, { method: 'POST', headers: auth, body: JSON.stringify(silence) });
  t.is(created.status, 200);
  const { silenceID } = (await created.json()) as { silenceID: string };
  t.truthy(silenceID);
  t.deepEqual(silences.mutes({ cluster: 'crawler' }, Date.UTC(2030, 0, 1, 1)), [silenceID]);

  const listed = (await (await fetch(`${url}/api/silences`)).json()) as GettableSilence[];
  t.is(listed.length, 1);
  t.like(listed[0], { id: silenceID, createdBy: 'alice', comment: 'maintenance window', status: { state: 'active' }, endsAt: '2030-01-01T02:00:00.000Z' });
  t.deepEqual(listed[0]?.matchers, [{ name: 'cluster', value: 'crawler', isRegex: false, isEqual: true }]);

  const updated = await fetch(`${url}/api/silences`, { method: 'POST', headers: auth, body: JSON.stringify({ ...silence, id: silenceID, comment: 'longer' }) });
  t.deepEqual(await updated.json(), { silenceID });

  advance(60_000);
  const expired = await fetch(`${url}/api/silences/${silenceID}`, { method: 'DELETE', headers: auth });
  t.is(expired.status, 200);
  const after = (await (await fetch(`${url}/api/silences`)).json()) as GettableSilence[];
  t.is(after[0]?.status.state, 'expired');
  t.is(after[0]?.comment, 'longer');
  const missing = await fetch(`${url}/api/silences/nope`, { method: 'DELETE', headers: auth });
  t.is(missing.status, 404);
});

test('GET /api/alerts lists pending and firing alerts', async (t) => {
  const labels = { alertname: 'WorkerLost', cluster: 'crawler', severity: 'critical', worker: 'w1' };
  const a: AlertInstance = { fingerprint: fingerprint(labels), labels, annotations: { summary: 's' }, state: 'firing', activeAt: 0, startsAt: 1000, endsAt: null };
  const { url } = await start(t, [a, { ...a, fingerprint: 'r', state: 'resolved', endsAt: 2000 }]);
  const res = await fetch(`${url}/api/alerts`);
  t.is(res.status, 200);
  t.deepEqual(await res.json(), [{ labels, annotations: { summary: 's' }, state: 'firing', startsAt: '1970-01-01T00:00:01.000Z', fingerprint: a.fingerprint }]);
});

async function post(url: string, body: unknown): Promise<{ status: number; error?: string }> {
  const res = await fetch(`${url}/api/silences`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  return { status: res.status, ...((await res.json()) as { error?: string }) };
}

test('silence times must be RFC 3339: anything else is a 400 naming the field', async (t) => {
  const { url, silences } = await start(t);
  for (const bad of ['9999', 'March 7 2099', '2099-01-01 10:00', '2099-01-01T10:00:00', '2099-02-30T00:00:00Z', '2099-01-01T24:00:00Z', '1767225600000']) {
    const startsAt = await post(url, { ...silence, startsAt: bad, endsAt: '2099-12-31T00:00:00Z' });
    t.is(startsAt.status, 400, `startsAt ${bad}`);
    t.regex(startsAt.error ?? '', /^startsAt: not an RFC 3339 time/, `startsAt ${bad}`);
    const endsAt = await post(url, { ...silence, endsAt: bad });
    t.is(endsAt.status, 400, `endsAt ${bad}`);
    t.regex(endsAt.error ?? '', /^endsAt: not an RFC 3339 time/, `endsAt ${bad}`);
  }
  t.is(silences.list().length, 0);
  // offsets, fractions and lower-case t/z are RFC 3339
  const ok = await post(url, { ...silence, startsAt: '2030-01-01T01:00:00.5+01:00', endsAt: '2030-01-01t02:00:00z' });
  t.is(ok.status, 200);
  t.like(silences.list()[0], { startsAt: Date.UTC(2030, 0, 1, 0, 0, 0, 500), endsAt: Date.UTC(2030, 0, 1, 2) });
});

test('silence regexes are RE2: linear time, RE2 syntax, size bounded; oversize fields are a 400 naming the field', async (t) => {
  const { url, silences } = await start(t);
  const regex = (value: string, name = 'worker') => ({ ...silence, matchers: [{ name, value, isRegex: true, isEqual: true }] });
  // accepted, and matching it against a near-miss label returns at once (JavaScript's RegExp would take ~2^40 steps)
  t.is((await post(url, regex('(a+)+$'))).status, 200);
  t.deepEqual(silences.mutes({ worker: `${'a'.repeat(39)}b` }, Date.UTC(2030, 0, 1, 1)), []);
  t.is(silences.mutes({ worker: 'a'.repeat(40) }, Date.UTC(2030, 0, 1, 1)).length, 1);
  // JavaScript-only syntax is refused, RE2 syntax accepted
  const lookahead = await post(url, regex('(?=w)w1'));
  t.is(lookahead.status, 400);
  t.regex(lookahead.error ?? '', /^matchers\.0\.value: matcher worker: bad regular expression/);
  t.is((await post(url, regex('(?P<n>w)\\d+'))).status, 200);
  // a pattern may not escape its anchoring group
  t.regex((await post(url, regex('w1)|(.*'))).error ?? '', /^matchers\.0\.value: .*bad regular expression/);

  const long = await post(url, regex('w'.repeat(1025)));
  t.is(long.status, 400);
  t.regex(long.error ?? '', /^matchers\.0\.value: a matcher value may have at most 1024 characters/);
  const large = await post(url, regex('x{1000}'.repeat(10)));
  t.is(large.status, 400);
  t.regex(large.error ?? '', /^matchers\.0\.value: matcher worker: regular expression too large/);
  const name = await post(url, { ...silence, matchers: [{ name: 'n'.repeat(257), value: 'x', isRegex: false, isEqual: true }] });
  t.is(name.status, 400);
  t.regex(name.error ?? '', /^matchers\.0\.name: a label name may have at most 256 characters/);
  t.is(silences.list().length, 2);
});
