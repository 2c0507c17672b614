/**
 * Shared services for tests. `npm test` (test/run.ts) starts one ZooKeeper and one InfluxDB and passes them in
 * ZKPULSE_TEST_ZK / ZKPULSE_TEST_INFLUX; a test file run alone (`npx ava test/x.test.ts`) starts its own, lazily,
 * once per worker process, stopped when the process exits.
 */
import { randomBytes } from 'node:crypto';
import { startInfluxDB, startZooKeeper } from '../../stack/index.ts';

let zooKeeper: Promise<string> | undefined;
let influxDB: Promise<string> | undefined;

/** Connect string ("127.0.0.1:PORT") of a ZooKeeper shared by the tests of this run. */
export function sharedZooKeeper(): Promise<string> {
  const fromRunner = process.env.ZKPULSE_TEST_ZK;
  if (fromRunner) return Promise.resolve(fromRunner);
  zooKeeper ??= startZooKeeper().then((zk) => zk.connectString);
  return zooKeeper;
}

/** Base URL ("http://127.0.0.1:PORT") of an InfluxDB shared by the tests of this run. */
export function sharedInfluxDB(): Promise<string> {
  const fromRunner = process.env.ZKPULSE_TEST_INFLUX;
  if (fromRunner) return Promise.resolve(fromRunner);
  influxDB ??= startInfluxDB().then((influx) => influx.url);
  return influxDB;
}

function randomId(): string {
  return randomBytes(6).toString('hex');
}

/** A znode root no other test uses, e.g. `/t-reducer_handles_crash-1a2b3c4d5e6f`. */
export function uniqueRoot(t?: { title: string }): string {
  const slug = (t?.title ?? '')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return slug ? `/t-${slug}-${randomId()}` : `/t-${randomId()}`;
}

/** An InfluxDB database name no other test uses, e.g. `t_1a2b3c4d5e6f`. */
export function uniqueDatabase(): string {
  return `t_${randomId()}`;
}
