/**
 * The published package, as a Node program sees it: `npm pack` (which runs `prepare`, the build), then a fresh
 * project in a temp folder installs the tarball and, with plain `node` (no tsx anywhere), imports createAgent,
 * registers a worker against the suite's ZooKeeper and leaves; runs the installed `zkpulse` binary; and compiles
 * a TypeScript consumer against the shipped .d.ts. The rest of the suite runs the sources (ZKPULSE_FROM_SOURCE).
 */
import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';
import { freePort } from '../../stack/ports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
// npm pack builds the whole project (tsc) and npm install unpacks ~100 packages: tens of seconds each on a busy
// machine, minutes on a very busy one.
const NPM_MS = 300_000;

/** What a consumer's processes see: no tsx loader, no from-source switch of the test suite. */
function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.ZKPULSE_FROM_SOURCE;
  delete env.NODE_OPTIONS;
  return env;
}

interface Installed {
  app: string;
  files: string[];
  version: string;
}

let installed: Promise<Installed> | undefined;
let tmp: string | undefined;

function readData(zk: PlainZk, path: string): Promise<Buffer | null> {
  return new Promise((resolve) => zk.client.getData(path, (e, data) => resolve(e ? null : data)));
}

/** Packs the repository and installs the tarball into a new project, once for this file's tests. */
function install(): Promise<Installed> {
  installed ??= (async () => {
    tmp = mkdtempSync(join(tmpdir(), 'zkpulse-package-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT, timeout: NPM_MS, maxBuffer: 64 << 20 });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const app = join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // the dependencies are in npm's cache since `npm ci`; the registry is only asked for what is missing
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp, packed!.filename)], { cwd: app, timeout: NPM_MS, env: plainEnv() });
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    return { app, files: packed!.files.map((f) => f.path), version };
  })();
  return installed;
}

test.after.always(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the tarball holds the compiled code, its declarations and assets, and no sources or tests', async (t) => {
  t.timeout(2 * NPM_MS);
  const { files } = await install();
  for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/bundle/cli.mjs', 'bin/zkpulse.js', 'dist/collector/http/live-page/static/index.html',
    'dashboards/generated/cluster-overview.json', 'README.md']) {
    t.true(files.includes(file), file);
  }
  t.deepEqual(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), []);
  t.deepEqual(files.filter((f) => /^(test|bench|drills|scripts)\//.test(f)), []);
});

test('a plain Node program imports createAgent from the installed package and registers a worker', async (t) => {
  t.timeout(2 * NPM_MS);
  const { app } = await install();
  t.false(existsSync(join(app, 'node_modules', 'tsx')), 'tsx is not a runtime dependency');
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(zkAddr);
  t.teardown(() => zk.close());
  writeFileSync(join(app, 'main.mjs'), [
    "import { once } from 'node:events';",
    "import { createAgent } from 'zkpulse';",
    'const [connectString, root] = process.argv.slice(2);',
    "const agent = createAgent({ connectString, root, id: 'w1', heartbeatMs: 300 });",
    'await agent.register();',
    "console.log('registered');",
    'process.stdin.resume();',
    "await once(process.stdin, 'end');",
    'await agent.close();',
    "console.log('closed');",
  ].join('\n'));
  const child = spawn('node', ['main.mjs', zkAddr, root], { cwd: app, env: plainEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  t.teardown(() => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const data = await until('worker node', () => readData(zk, `${root}/workers/w1`), (d) => d !== null, 60_000);
  t.like(JSON.parse(data!.toString()) as Record<string, unknown>, { id: 'w1', state: 'ready', heartbeatMs: 300 });
  child.stdin.end();
  t.is(await exit, 0, err);
  t.is(out, 'registered\nclosed\n');
  t.is(await zk.exists(`${root}/workers/w1`), null);
});

test('the installed zkpulse binary runs the compiled CLI with plain node', async (t) => {
  t.timeout(2 * NPM_MS);
  const { app, version } = await install();
  const bin = join(app, 'node_modules', '.bin', 'zkpulse');
  const help = await run(bin, ['--help'], { cwd: app, env: plainEnv(), timeout: 60_000 });
  t.regex(help.stdout, /^Usage: zkpulse /);
  t.regex(help.stdout, /\bcollect\b/);
  t.is((await run(bin, ['--version'], { cwd: app, env: plainEnv(), timeout: 60_000 })).stdout.trim(), version);
  // the dashboards it ships are found from dist/ and match what its code generates
  const check = await run(bin, ['dashboards', '--check'], { cwd: app, env: plainEnv(), timeout: 60_000 });
  t.is(check.stderr, '');
});

test('the installed binary runs the CLI bundle: collect syncs a cluster and serves the live page', async (t) => {
  t.timeout(2 * NPM_MS);
  const { app } = await install();
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(zkAddr);
  t.teardown(() => zk.close());
  await zk.mkdirp(`${root}/workers`);
  await zk.create(`${root}/workers/w1`, JSON.stringify({ id: 'w1', host: 'h1', heartbeatMs: 1000, state: 'ready' }));
  const bin = join(app, 'node_modules', '.bin', 'zkpulse');
  const port = await freePort();
  // the module log (test/support/module-log) tells which CLI ran: the bundle, not dist/cli/main.js
  const log = join(app, 'modules.txt');
  const env = { ...plainEnv(), NODE_OPTIONS: `--import=${pathToFileURL(join(ROOT, 'test', 'support', 'module-log', 'register.mjs')).href}`, ZKPULSE_MODULE_LOG: log };
  const child = spawn(bin, ['collect', '--zk', zkAddr, '--cluster', `c1=${root}`, '--http', `127.0.0.1:${port}`, '--log-format', 'json'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => child.kill('SIGKILL'));
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const synced = new Promise<string>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('cluster c1 synced: ')) resolve(line);
    });
  });
  t.regex(await synced, /1 of 1 workers up/);
  const page = await until('the live page', () => fetch(`http://127.0.0.1:${port}/`).catch(() => null), (r) => r !== null, 60_000);
  t.is(page!.status, 200);
  t.regex(await page!.text(), /<html/i);
  child.kill('SIGTERM');
  t.is(await exit, 0, err);
  const modules = readFileSync(log, 'utf8');
  t.regex(modules, /\/node_modules\/zkpulse\/dist\/bundle\/cli\.mjs\n/);
  t.false(modules.includes('/node_modules/zkpulse/dist/cli/main.js'), 'not the unbundled CLI');
});

test('a TypeScript consumer type-checks against the shipped declarations', async (t) => {
  t.timeout(3 * NPM_MS);
  const { app } = await install();
  writeFileSync(join(app, 'consumer.ts'), [
    "import { createAgent, type AgentOptions } from 'zkpulse';",
    "const options: AgentOptions = { connectString: '127.0.0.1:2181', root: '/apps/x', id: 'w1' };",
    'const registered: Promise<void> = createAgent(options).register();',
    'void registered;',
    '// @ts-expect-error id is required (fails to compile if the declarations were missing or `any`)',
    "createAgent({ connectString: '127.0.0.1:2181', root: '/apps/x' });",
    // the model's types keep their names, the agent's carry the Agent prefix (once shadowed each other)
    "import type { AgentWorkerState, ClusterModel, WorkerState } from 'zkpulse';",
    "declare const model: ClusterModel;",
    "const worker: WorkerState | undefined = model.workers.get('w1');",
    "const written: AgentWorkerState = 'busy';",
    'void worker; void written;',
  ].join('\n'));
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true,
      // a consumer's usual setting; also keeps the check to seconds (the full .d.ts graph takes minutes)
      skipLibCheck: true,
      typeRoots: [join(ROOT, 'node_modules', '@types')], types: ['node'],
    },
    files: ['consumer.ts'],
  }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await run(process.execPath, [tsc, '-p', app], { cwd: app, env: plainEnv(), timeout: 2 * NPM_MS }).catch((e: { stdout: string }) => e);
  t.is(result.stdout, '');
});
