/** Starts real ZooKeeper and InfluxDB processes on free loopback ports, for tests, benchmarks and `zkpulse demo`. */
export { startZooKeeper, type RunningZooKeeper, type ZooKeeperOptions } from './zookeeper.ts';
export { startEnsemble, type RunningEnsemble, type EnsembleServerOptions } from './ensemble.ts';
export { startInfluxDB, type RunningInfluxDB } from './influxdb.ts';
export { ensureServices } from './ensure.ts';
export { ServicesMissingError, ServiceStartError } from './errors.ts';
export { freePort } from './ports.ts';
export { fourLetterWord } from './four-letter.ts';
