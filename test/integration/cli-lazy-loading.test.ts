/**
 * What each verb loads (issue 17): `zkpulse agent` (its --help and a real run against ZooKeeper) loads neither
 * express nor the dashboards' SDK (@grafana/grafana-foundation-sdk), `collect` never loads the SDK, and a JSON
 * logger does not load pino-pretty. Each run is a real process of bin/zkpulse.js with a module.register() load
 * hook (test/support/module-log/) that writes every module URL it loads to a file; require()d CommonJS files
 * come from require.cache at exit. Each test also checks that the log holds what the verb must load, so an
 * empty log (a hook that recorded nothing) cannot pass.
 * Every test runs twice: from the sources (bin/zkpulse.js through tsx) and from the esbuild bundle users run
 * (scripts/bundle.mjs, built here into a temporary folder), where a loaded chunk counts as every source and
 * package esbuild put in it (its metafile), so "agent loads no express" holds for the chunks too.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { ZKPULSE_BIN } from '../support/cli.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { connectPlain } from '../support/plain-zk.ts';
import { freePort } from '../../stack/ports.ts';
import { until } from '../support/poll.ts';
import { ROOT, bundleCli, type Metafile } from '../../scripts/bundle.mjs';

const REGISTER = new URL('../support/module-log/register.mjs', import.meta.url).href;
/** a process start with tsx, a connection and a sync on 2 loaded cores: generous (see agent-cli.test.ts) */
const RUN_MS = 90_000;

const under = (pkg: string) => (url: string) => url.includes(`/node_modules/${pkg}/`);
const EXPRESS = under('express');
const GRAFANA = under('@grafana');
const PRETTY = under('pino-pretty');
const ZK_CLIENT = under('node-zookeeper-client');

/** How the CLI is started: its entry file, and what a loaded file stands for (a bundle chunk: its inputs). */
interface Entry {
  file: string;
  expand(url: string): string[];
}

const SOURCES: Entry = { file: ZKPULSE_BIN, expand: (url) => [url] };

// the bundle, built once (in .tmp/ of the checkout, so the package and node_modules resolve as from dist/)
let bundleDir: string | undefined;
let bundled: Promise<Entry> | undefined;
function bundle(): Promise<Entry> {
  bundled ??= (async () => {
    const tmp = join(ROOT, '.tmp');
    mkdirSync(tmp, { recursive: true });
    bundleDir = mkdtempSync(join(tmp, 'cli-bundle-'));
    // module-relative files (the live page) from the sources: the test needs no build
    const meta: Metafile = await bundleCli({ outdir: bundleDir, assets: ROOT });
    const inputs = new Map(
      Object.entries(meta.outputs).map(([out, o]) => [pathToFileURL(resolve(ROOT, out)).href, Object.keys(o.inputs).map((i) => pathToFileURL(resolve(ROOT, i)).href)]),
    );
    return { file: join(bundleDir, 'cli.mjs'), expand: (url) => inputs.get(url) ?? [url] };
  })();
  return bundled;
}
test.after.always(() => {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

interface Logged {
  code: number | null;
  stderr: string;
  modules: string[];
}

interface Started {
  /** SIGTERM (a verb that runs until stopped) */
  stop(): void;
  done: Promise<Logged>;
}

/** Starts `zkpulse <args>` with the module log; `onLine` sees each stdout line and may return true to stop it. */
function startLogged(entry: Entry, args: string[], onLine: (line: string) => boolean = () => false): Started {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-modules-'));
  const file = join(dir, 'modules.txt');
  const child = spawn(process.execPath, ['--import', REGISTER, entry.file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ZKPULSE_MODULE_LOG: file },
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_MS);
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (onLine(line)) child.kill('SIGTERM');
  });
  const done = new Promise<Logged>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      let modules: string[] = [];
      try {
        modules = readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .flatMap((url) => [url, ...entry.expand(url).filter((u) => u !== url)]);
      } catch {
        // no module logged at all: the assertions below say so
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stderr, modules });
    });
  });
  return { stop: () => child.kill('SIGTERM'), done };
}

const runLogged = (entry: Entry, args: string[], onLine?: (line: string) => boolean): Promise<Logged> => startLogged(entry, args, onLine).done;

for (const [mode, entryOf] of [
  ['sources', () => Promise.resolve(SOURCES)],
  ['bundle', bundle],
] as const) {

  test(`${mode}: agent --help loads neither express nor the dashboards SDK`, async (t) => {
    const entry = await entryOf();
    const run = await runLogged(entry, ['agent', '--help']);
    t.is(run.code, 0, run.stderr);
    t.true(run.modules.some(under('commander')), 'the log holds the CLI parser');
    t.deepEqual(run.modules.filter(EXPRESS), []);
    t.deepEqual(run.modules.filter(GRAFANA), []);
  });

  test(`${mode}: a real agent run (register, beat, leave on SIGTERM) loads neither express nor the dashboards SDK`, async (t) => {
    const entry = await entryOf();
    const zk = await sharedZooKeeper();
    const root = uniqueRoot(t);
    const plain = await connectPlain(t, zk);
    const agent = startLogged(entry, ['agent', '--zk', zk, '--root', root, '--id', 'w1', '--heartbeat', '200']);
    await until('the agent registered', () => plain.exists(`${root}/workers/w1`), (stat) => stat !== null, RUN_MS);
    agent.stop();
    const run = await agent.done;
    t.is(run.code, 0, run.stderr);
    t.is(await plain.exists(`${root}/workers/w1`), null, 'left on purpose');
    t.true(run.modules.some(ZK_CLIENT), 'the log holds the ZooKeeper client');
    t.deepEqual(run.modules.filter(EXPRESS), []);
    t.deepEqual(run.modules.filter(GRAFANA), []);
  });

  test(`${mode}: collect never loads the dashboards SDK; with --log-format json not pino-pretty; it logs the first sync and serves the live page`, async (t) => {
    const entry = await entryOf();
    const zk = await sharedZooKeeper();
    const root = uniqueRoot(t);
    const plain = await connectPlain(t, zk);
    await plain.mkdirp(`${root}/workers`);
    await plain.create(`${root}/workers/w1`, JSON.stringify({ id: 'w1', host: 'h1', heartbeatMs: 1000, state: 'ready' }));
    const port = await freePort();
    const lines: Record<string, unknown>[] = [];
    let listening = false;
    let synced: Record<string, unknown> | undefined;
    let ready!: () => void;
    const listeningAndSynced = new Promise<void>((resolve) => (ready = resolve));
    const collect = startLogged(entry, ['collect', '--zk', zk, '--cluster', `c1=${root}`, '--http', `127.0.0.1:${port}`, '--log-format', 'json'], (text) => {
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      if (String(line.msg).startsWith('zkpulse collector listening')) listening = true;
      if (line.cluster === 'c1' && String(line.msg).includes(' synced: ')) synced = line;
      // go on once both the API listens (express loaded) and the model is complete
      if (listening && synced !== undefined) ready();
      return false;
    });
    await Promise.race([listeningAndSynced, collect.done]);
    // the live page's files are read relative to their module: from a bundle chunk too
    const page = listening ? await fetch(`http://127.0.0.1:${port}/`) : undefined;
    const pageText = (await page?.text()) ?? '';
    const script = listening ? await fetch(`http://127.0.0.1:${port}/live/app.js`) : undefined;
    collect.stop();
    const run = await collect.done;
    t.is(page?.status, 200);
    t.regex(pageText, /<html/i);
    t.is(script?.status, 200);
    t.is(run.code, 0, run.stderr);
    t.truthy(synced, `a "synced" line; got ${JSON.stringify(lines.map((l) => l.msg))}`);
    t.regex(String(synced?.msg), /^cluster c1 synced: \d+ znodes?, 1 of 1 workers up, [\d,]+ ms after connect$/);
    t.like(synced, { cluster: 'c1', workers: 1, workersUp: 1, resync: false });
    t.true(typeof synced?.syncMs === 'number', 'syncMs is a number of ms');
    t.true(run.modules.some(EXPRESS), 'the API loaded express (the log sees CommonJS packages)');
    t.true(run.modules.some(ZK_CLIENT), 'the log holds the ZooKeeper client');
    t.deepEqual(run.modules.filter(GRAFANA), []);
    t.deepEqual(run.modules.filter(PRETTY), []);
  });

  test(`${mode}: the module log names files under node_modules by URL (so the filters above can match)`, async (t) => {
    const entry = await entryOf();
    const run = await runLogged(entry, ['--version']);
    t.is(run.code, 0, run.stderr);
    const commander = run.modules.find(under('commander'));
    t.truthy(commander);
    t.true(commander!.startsWith('file://'), commander);
    t.true(run.modules.includes(pathToFileURL(entry.file).href), 'the binary itself');
  });
}
