import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { ConfigError } from '../../collector/config.ts';
import { UsageError, describeCliError } from '../../cli/errors.ts';
import { runZkpulse, type FinishedRun } from '../support/cli.ts';

type Run = FinishedRun;
const zkpulse = (...args: string[]): Promise<Run> => runZkpulse(args);

function assertOneLine(t: { is(a: unknown, b: unknown): void }, run: Run, line: string) {
  t.is(run.code, 2);
  t.is(run.stderr, `${line}\n`);
  t.is(run.stdout, '');
}

test('collect --http nonsense: one line naming --http, exit 2', async (t) => {
  assertOneLine(t, await zkpulse('collect', '--http', 'nonsense'), '--http: expected host:port, got "nonsense"');
});

test('collect --http 999.1.1.1:8080: one line naming --http, exit 2, nothing started', async (t) => {
  assertOneLine(t, await zkpulse('collect', '--zk', '127.0.0.1:2181', '--cluster', 'x=/x', '--http', '999.1.1.1:8080'), '--http: expected host:port, "999.1.1.1" is not an IPv4 address (four numbers 0-255)');
});

test('collect with an unknown flag: one line, exit 2', async (t) => {
  assertOneLine(t, await zkpulse('collect', '--zk', 'h:1', '--bogus'), "zkpulse: unknown option '--bogus'");
});

test('collect with a bad value in the --config file: one line naming the key, exit 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'zkpulse.yaml');
  writeFileSync(file, 'zk: 127.0.0.1:2181\nclusters:\n  crawler: apps/crawler\n');
  assertOneLine(t, await zkpulse('collect', '--config', file), 'config: clusters.crawler: root must start with "/"');
});

test('collect --help explains the verb on stdout, exit 0', async (t) => {
  const run = await zkpulse('collect', '--help');
  t.is(run.code, 0);
  t.is(run.stderr, '');
  for (const flag of ['--zk ', '--zk-auth', '--session-timeout', '--cluster', '--influx', '--http', '--webhook ', '--webhook-secret', '--api-token', '--record', '--config']) {
    t.true(run.stdout.includes(flag), flag);
  }
});

test('describeCliError: usage problems are exit 2, failures exit 1, help exit 0 and silent', (t) => {
  t.deepEqual(describeCliError(new ConfigError('--http: expected host:port')), { line: '--http: expected host:port', exitCode: 2 });
  t.deepEqual(describeCliError(new UsageError('--workers: bad\nvalue')), { line: '--workers: bad value', exitCode: 2 });
  t.deepEqual(
    describeCliError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--zz'\n(Did you mean --zk?)")),
    { line: "zkpulse: unknown option '--zz' (Did you mean --zk?)", exitCode: 2 },
  );
  t.deepEqual(describeCliError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')), { line: null, exitCode: 0 });
  t.deepEqual(describeCliError(new Error('ZooKeeper unreachable')), { line: 'zkpulse: ZooKeeper unreachable', exitCode: 1 });
});
