/**
 * The ZooKeeper layer's one table of error codes agrees with node-zookeeper-client's, its error-code
 * helper reads the library's exceptions, and the hardening refuses a library version it was not written for.
 */
import test from 'ava';
import { createRequire } from 'node:module';
import * as errors from '../../zk/errors.ts';
import { checkLibraryVersion, HARDENED_LIBRARY_VERSION, installedLibraryVersion } from '../../zk/harden.ts';

const Exception = createRequire(import.meta.url)('node-zookeeper-client/lib/Exception.js') as Record<string, number | undefined> & {
  create(code: number): unknown;
};

test('each code constant is the library exception of the same name', (t) => {
  const library = Exception;
  for (const name of ['CONNECTION_LOSS', 'OPERATION_TIMEOUT', 'NO_NODE', 'NO_AUTH', 'BAD_VERSION', 'NODE_EXISTS', 'NOT_EMPTY', 'SESSION_EXPIRED'] as const) {
    t.is<number | undefined, number | undefined>(errors[name], library[name], name);
  }
  t.is(library.SESSION_MOVED, undefined, 'SESSION_MOVED is ours alone (the library has no name for -118)');
});

test('zkErrorCode and hasCode read a library exception; anything else has no code', (t) => {
  const noNode = Exception.create(errors.NO_NODE);
  t.is(errors.zkErrorCode(noNode), errors.NO_NODE);
  t.true(errors.hasCode(noNode, errors.NO_NODE));
  t.false(errors.hasCode(noNode, errors.NODE_EXISTS));
  t.is(errors.zkErrorCode(errors.connectionLoss()), errors.CONNECTION_LOSS);
  for (const other of [new Error('x'), null, undefined, 'NO_NODE', { getCode: 'no' }]) t.is(errors.zkErrorCode(other), undefined);
});

test('the hardening accepts the library version it was written for and refuses any other, naming both', (t) => {
  t.is(installedLibraryVersion(), HARDENED_LIBRARY_VERSION, 'the installed library is the one harden.ts was written for');
  t.notThrows(() => checkLibraryVersion());
  const err = t.throws(() => checkLibraryVersion('1.2.0'));
  t.regex(err.message, /node-zookeeper-client 1\.2\.0 is installed/);
  t.regex(err.message, /written for 1\.1\.3/);
  t.regex(err.message, /npm install node-zookeeper-client@1\.1\.3/);
});
