/**
 * `npm test`: starts one ZooKeeper and one InfluxDB for the whole suite, runs ava against them
 * (ZKPULSE_TEST_ZK, ZKPULSE_TEST_INFLUX), stops them, prints `N passed, N failed` and exits with ava's code.
 * Extra arguments go to ava: `npm test -- test/unit/foo.test.ts`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServices, ServicesMissingError, startInfluxDB, startZooKeeper } from '../stack/index.ts';
import { parseAvaSummary } from './support/ava-summary.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function startServices() {
  await ensureServices();
  const [zk, influx] = await Promise.allSettled([startZooKeeper(), startInfluxDB()]);
  if (zk.status === 'rejected' || influx.status === 'rejected') {
    if (zk.status === 'fulfilled') await zk.value.stop();
    if (influx.status === 'fulfilled') await influx.value.stop();
    throw zk.status === 'rejected' ? zk.reason : (influx as PromiseRejectedResult).reason;
  }
  return { zk: zk.value, influx: influx.value };
}

function runAva(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const ava = spawn(path.join(root, 'node_modules', '.bin', 'ava'), args, {
      cwd: root,
      env,
      stdio: ['inherit', 'pipe', 'inherit'],
    });
    let output = '';
    ava.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString('utf8');
    });
    // Stop ava first on Ctrl-C / SIGTERM, so we still stop the services and print the summary.
    const forward = (signal: NodeJS.Signals) => ava.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    ava.once('error', reject);
    ava.once('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

async function main(): Promise<number> {
  let services: Awaited<ReturnType<typeof startServices>>;
  try {
    services = await startServices();
  } catch (error) {
    if (error instanceof ServicesMissingError) console.error(error.message);
    else console.error(error);
    console.log('0 passed, 1 failed');
    return 1;
  }
  const { zk, influx } = services;
  console.error(`test services: ZooKeeper ${zk.connectString}, InfluxDB ${influx.url}`);
  // Output is piped through us: keep ava's colours when a person watches.
  const colour = process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {};
  const env = { ...process.env, ...colour, ZKPULSE_TEST_ZK: zk.connectString, ZKPULSE_TEST_INFLUX: influx.url };
  let result: { code: number; output: string };
  try {
    result = await runAva(process.argv.slice(2), env);
  } finally {
    await Promise.allSettled([zk.stop(), influx.stop()]);
  }
  const summary = parseAvaSummary(result.output);
  let failed = summary.failed;
  if (result.code !== 0 && failed === 0) {
    // ava failed without counting a failed test (a crash before its summary, no test file...): say so.
    console.error(`ava exited with code ${result.code} without reporting a failed test${summary.complete ? '' : ' (no summary printed)'}`);
    failed = 1;
  }
  const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : '';
  console.log(`${summary.passed} passed, ${failed} failed${skipped}`);
  return result.code;
}

process.exitCode = await main();
