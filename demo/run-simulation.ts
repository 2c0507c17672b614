/**
 * Only the simulated cluster of `zkpulse demo`, against a ZooKeeper you give it — the `demo` service
 * of docker-compose.yml. While it runs, --ready-file exists (a health check can test for it); it is
 * removed on SIGINT/SIGTERM after every simulated process has left on purpose.
 *
 *   node --import tsx demo/run-simulation.ts --zk zk1:2181,zk2:2181 [--root /zkpulse-demo] [--workers 8] [--ready-file f]
 */
import { rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSimulatedCluster } from './simulated-cluster.ts';

const USAGE = 'usage: run-simulation --zk host:port,... [--root /zkpulse-demo] [--workers 8] [--ready-file path]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      zk: { type: 'string' },
      root: { type: 'string', default: '/zkpulse-demo' },
      workers: { type: 'string', default: '8' },
      'ready-file': { type: 'string' },
    },
  }));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
if (!values.zk) fail('--zk: required');
const workers = Number(values.workers);
if (!/^\d+$/.test(values.workers) || workers < 1 || workers > 1000) fail(`--workers: expected 1..1000, got ${JSON.stringify(values.workers)}`);
if (!values.root.startsWith('/')) fail(`--root: expected an absolute znode path, got ${JSON.stringify(values.root)}`);

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const cluster = await startSimulatedCluster({ connectString: values.zk, root: values.root, workers, log });
const readyFile = values['ready-file'];
if (readyFile) writeFileSync(readyFile, `${process.pid}\n`);
log(`simulated cluster running at ${values.root} on ${values.zk} (${workers} workers)`);

// the handlers stay: a repeated signal (a second Ctrl-C) must not end the process half-way through leaving
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  if (readyFile) rmSync(readyFile, { force: true });
  log('stopping: every simulated process leaves on purpose');
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
