/**
 * A group of real `zkpulse collect` processes sharing one config (the HA tests: `--ha`, `--ha-mode shard`): the
 * config they share, the processes with their output kept, and the WorkerLost notices a receiver got.
 */
import type { ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { RecordingReceiver } from './recording-receiver.ts';

const BIN = fileURLToPath(new URL('../../bin/zkpulse.js', import.meta.url));

interface WebhookBody {
  alerts: { status: string; labels: Record<string, string> }[];
}

/** The deliveries that carry a WorkerLost of `worker` in `status`. */
export function workerLost(receiver: RecordingReceiver, worker: string, status: 'firing' | 'resolved') {
  return receiver.requests.filter((r) =>
    (r.json as WebhookBody).alerts.some((a) => a.labels.alertname === 'WorkerLost' && a.labels.worker === worker && a.status === status),
  );
}

export interface Proc {
  name: string;
  url: string;
  child: ChildProcess;
  output: string[];
}

/** `zkpulse collect --config <file> --http 127.0.0.1:<port> --instance <name> [haFlags]`, its output kept. */
export function spawnCollector(name: string, port: number, configFile: string, haFlags: readonly string[]): Proc {
  const child = spawn(process.execPath, [BIN, 'collect', '--config', configFile, '--http', `127.0.0.1:${port}`, '--instance', name, ...haFlags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
  child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
  return { name, url: `http://127.0.0.1:${port}`, child, output };
}

export interface GroupConfig {
  zk: string;
  sessionTimeout: number;
  clusters: Record<string, string>;
  webhook: string;
  haPath: string;
  statePath: string;
}

/**
 * The YAML every member reads, in a temp folder removed with the test: fast probes, evaluation and grouping, and
 * only the rules the HA tests are about (no MasterMissing, HeartbeatStale or CollectorDisconnected).
 */
export function writeGroupConfig(t: ExecutionContext, c: GroupConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-ha-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'collect.yaml');
  writeFileSync(
    file,
    stringify({
      zk: c.zk,
      sessionTimeout: c.sessionTimeout,
      probeIntervalMs: 500,
      probeTimeoutMs: 1000,
      clusters: c.clusters,
      webhook: [c.webhook],
      haPath: c.haPath,
      alerts: {
        evalInterval: '200ms',
        route: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
        statePath: c.statePath,
        defaults: { MasterMissing: { enabled: false }, HeartbeatStale: { enabled: false }, CollectorDisconnected: { enabled: false } },
      },
    }),
  );
  return file;
}
