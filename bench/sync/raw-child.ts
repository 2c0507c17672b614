/**
 * Child process: the floor for node-zookeeper-client. After connect: getChildren(R/workers) with a
 * watch, then getData with a watch of every child, all issued at once; done when all answered.
 * argv: connectString root workers [--profile file]. Prints one JSON line {connectMs, afterConnectMs, children, profile?}.
 */
import fs from 'node:fs';
import zookeeper from 'node-zookeeper-client';
import { WindowProfiler, summarize } from '../support/cpu-profile.ts';
import { hardenClient } from '../../zk/harden.ts';

const [connectString, root, workersArg, ...flags] = process.argv.slice(2);
const profileFile = flags.includes('--profile') ? flags[flags.indexOf('--profile') + 1] : undefined;
const profiler = profileFile ? new WindowProfiler() : null;
if (!connectString || !root || !workersArg) throw new Error('usage: raw-child connectString root workers');
const expected = Number(workersArg);
const parent = `${root}/workers`;
const client = zookeeper.createClient(connectString, { sessionTimeout: 10_000, retries: 0 });
// Without this, a burst of 10,000 replies in one socket read overflows the library's recursive parser.
hardenClient(client);
const noop = () => undefined;
profiler?.start();
const startedAt = performance.now();
let cpuAtConnect: NodeJS.CpuUsage | undefined;
let cpuMs = 0;

const connectedAt = await new Promise<number>((resolve) => {
  client.once('connected', () => {
    cpuAtConnect = process.cpuUsage();
    resolve(performance.now());
  });
  client.connect();
});

const doneAt = await new Promise<{ at: number; children: number }>((resolve, reject) => {
  client.getChildren(parent, noop, (err, children) => {
    if (err) return reject(err);
    if (children.length < expected) return reject(new Error(`${children.length} children, expected ${expected}`));
    let left = children.length;
    for (const name of children) {
      client.getData(`${parent}/${name}`, noop, (e) => {
        if (e) return reject(e);
        if (--left === 0) {
          const cpu = process.cpuUsage(cpuAtConnect);
          cpuMs = (cpu.user + cpu.system) / 1000;
          resolve({ at: performance.now(), children: children.length });
        }
      });
    }
  });
});

const profile = await profiler?.stop();
if (profile && profileFile) await fs.promises.writeFile(profileFile, JSON.stringify(profile));
const result = { connectMs: connectedAt - startedAt, afterConnectMs: doneAt.at - connectedAt, cpuMs, children: doneAt.children, profile: profile ? summarize(profile) : undefined };
console.log(JSON.stringify(result));
client.close();
setTimeout(() => process.exit(0), 200).unref();
