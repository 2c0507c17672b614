/**
 * docker-compose.yml without a Docker engine: parsed with `yaml`, it must pin every image to a full
 * version, mount only paths that exist in the repository, publish ports, health-check ZooKeeper,
 * InfluxDB, Grafana and the collector, and start the collector only after healthy ZooKeeper and InfluxDB.
 */
import { existsSync, readFileSync } from 'node:fs';
import test from 'ava';
import { parse } from 'yaml';
import { loadConfig } from '../../collector/config.ts';

interface Service {
  image?: string;
  build?: unknown;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string | number>;
  command?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

test('the stack has a 3-node ZooKeeper ensemble, InfluxDB 1.8, Grafana, the collector and the demo', (t) => {
  t.deepEqual(Object.keys(services).sort(), ['collector', 'demo', 'grafana', 'influxdb', 'zk1', 'zk2', 'zk3']);
  const ids = ['zk1', 'zk2', 'zk3'].map((s) => String(services[s]?.environment?.ZOO_MY_ID));
  t.deepEqual(ids, ['1', '2', '3']);
  for (const s of ['zk1', 'zk2', 'zk3']) t.regex(String(services[s]?.environment?.ZOO_SERVERS), /server\.1=zk1:2888:3888;2181 server\.2=zk2:2888:3888;2181 server\.3=zk3:2888:3888;2181/);
  t.is(services.influxdb?.image, 'influxdb:1.8.10');
});

test('images are pinned to full versions, never latest', (t) => {
  for (const [name, s] of Object.entries(services)) {
    if (s.build !== undefined) continue; // built from the Dockerfile
    t.truthy(s.image, name);
    t.regex(s.image ?? '', /^[\w./-]+:\d+\.\d+\.\d+$/, `${name}: ${s.image}`);
  }
  t.is(services.zk1?.image?.split(':')[1]?.split('.').slice(0, 2).join('.'), '3.8');
  t.regex(services.grafana?.image ?? '', /^grafana\/grafana:\d+\.\d+\.\d+$/);
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  t.regex(dockerfile, /^FROM node:20\.\d+\.\d+-[\w-]*slim$/m);
  t.notRegex(dockerfile, /latest/);
});

test('mounted host paths exist in the repository', (t) => {
  let mounts = 0;
  for (const [name, s] of Object.entries(services)) {
    for (const volume of s.volumes ?? []) {
      const host = volume.split(':')[0]!;
      if (!host.startsWith('.')) continue; // a named volume
      mounts++;
      t.true(existsSync(host), `${name}: ${host}`);
    }
  }
  t.true(mounts >= 4);
  t.true(existsSync('dashboards/generated/cluster-overview.json'));
});

test('ports are published and health checks exist where it matters', (t) => {
  for (const name of ['zk1', 'zk2', 'zk3', 'influxdb', 'grafana', 'collector']) {
    t.true((services[name]?.ports ?? []).length > 0, `${name} publishes a port`);
    t.truthy(services[name]?.healthcheck?.test, `${name} has a health check`);
  }
  t.true(services.collector?.ports?.includes('7070:7070'));
  t.true(services.grafana?.ports?.includes('3000:3000'));
  t.truthy(services.demo?.healthcheck?.test);
});

test('the collector waits for healthy ZooKeeper and InfluxDB; its config file is valid', (t) => {
  const deps = services.collector?.depends_on ?? {};
  for (const dep of ['zk1', 'zk2', 'zk3', 'influxdb']) t.is(deps[dep]?.condition, 'service_healthy', dep);
  t.is(services.grafana?.depends_on?.influxdb?.condition, 'service_healthy');
  const mount = services.collector?.volumes?.find((v) => v.endsWith(':/etc/zkpulse/zkpulse.yaml:ro'));
  t.is(mount, './deploy/zkpulse.yaml:/etc/zkpulse/zkpulse.yaml:ro');
  t.deepEqual(services.collector?.command, ['node', 'bin/zkpulse.js', 'collect', '--config', '/etc/zkpulse/zkpulse.yaml']);
  const config = loadConfig({ flags: { config: 'deploy/zkpulse.yaml' }, env: {} });
  t.is(config.zk, 'zk1:2181,zk2:2181,zk3:2181');
  t.is(config.influx, 'http://influxdb:8086/zkpulse');
  t.deepEqual(config.http, { host: '0.0.0.0', port: 7070 });
  t.true(existsSync('demo/run-simulation.ts'));
});
