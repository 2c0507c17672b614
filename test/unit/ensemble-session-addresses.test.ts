import test from 'ava';
import { sessionAddresses } from '../../collector/ensemble/session-addresses.ts';
import type { EnsembleSnapshot } from '../../collector/ensemble/types.ts';

const snap = (ensemble: string, time: number, connections: EnsembleSnapshot['connections']): EnsembleSnapshot => ({ ensemble, time, servers: [], connections });

test('a session maps to the client address its ensemble lists, case-insensitively; unknown sessions are null', (t) => {
  const addressOf = sessionAddresses([snap('default', 1, [{ server: 'zk1:2181', address: '127.0.0.1:51234', session: '0100017E3E1B0002' }])]);
  t.is(addressOf('app', '0100017e3e1b0002'), '127.0.0.1:51234');
  t.is(addressOf('app', '0100017e3e1b0009'), null);
});

test('the newest poll of each ensemble wins, and a cluster reads the ensemble it is on', (t) => {
  const polls = [
    snap('default', 2, [{ server: 'a:2181', address: '10.0.0.2:1', session: '00000000000000aa' }]),
    snap('default', 1, [{ server: 'a:2181', address: '10.0.0.1:1', session: '00000000000000aa' }]),
    snap('east', 1, [{ server: 'e:2181', address: '10.9.0.1:1', session: '00000000000000aa' }]),
  ];
  t.is(sessionAddresses(polls)('app', '00000000000000aa'), '10.0.0.2:1');
  t.is(sessionAddresses(polls, new Map([['app', 'east']]))('app', '00000000000000aa'), '10.9.0.1:1');
  t.is(sessionAddresses(polls, new Map([['app', 'west']]))('app', '00000000000000aa'), null);
});
