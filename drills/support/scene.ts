/**
 * One drill's world: its private services, processes, receiver and temp files, torn down in reverse
 * order whatever happens; and the list of checks that held.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../stack/index.ts';
import { DrillFailure } from '../types.ts';
import { spawnAgent, spawnCollector, type AgentSpec, type Proc } from './processes.ts';
import { DrillReceiver, notices } from './receiver.ts';
import { readEvents, type EventStream } from './sse.ts';
import { until } from './until.ts';

export const CLUSTER = 'app';

/** A collector that neither serves /healthz nor exits within this is hung (a guard, not an estimate of its start). */
const COLLECTOR_START_HANG_MS = 180_000;

export interface ClusterView {
  master: { id: string; epoch: string } | null;
  workers: { id: string; up: boolean; state: string }[];
}

export interface CollectorYaml {
  zk: string;
  root: string;
  sessionTimeout: number;
  webhook?: string;
  influx?: string;
  /** extra keys of the collect YAML (e.g. haPath) */
  extra?: Record<string, unknown>;
  /** extra keys of its `alerts:` section (e.g. retry) */
  alerts?: Record<string, unknown>;
}

export interface RunningCollector {
  proc: Proc;
  url: string;
  port: number;
}

export class Scene {
  readonly checks: string[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), 'zkpulse-drill-'));
  readonly receiver = new DrillReceiver();
  private readonly procs: Proc[] = [];
  private readonly cleanups: (() => Promise<void> | void)[] = [() => rmSync(this.dir, { recursive: true, force: true })];
  readonly statePath = `/zkpulse-drill-state/${process.pid}-${Date.now().toString(36)}`;

  constructor(readonly log: (line: string) => void) {}

  defer(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  /** Record a check that held, or fail the drill with it. */
  check(ok: boolean, what: string, detail?: () => string): void {
    if (!ok) throw new DrillFailure(what, detail?.() ?? '');
    this.checks.push(what);
  }

  /** The output of every process of the scene (for a failure report). */
  outputs(): string {
    return this.procs.map((p) => `--- ${p.name} (pid ${p.pid}${p.alive ? '' : ', exited'})\n${p.tail(1500)}`).join('\n');
  }

  async startReceiver(): Promise<DrillReceiver> {
    await this.receiver.start();
    this.defer(() => this.receiver.stop());
    return this.receiver;
  }

  /**
   * The collect YAML every drill uses: every built-in rule at its defaults (a real configuration), fast
   * evaluation and grouping so that notices are quick, state in a path of this drill only.
   */
  writeConfig(c: CollectorYaml): string {
    const file = join(this.dir, `collect-${this.procs.length}.yaml`);
    const config: Record<string, unknown> = {
      zk: c.zk,
      sessionTimeout: c.sessionTimeout,
      probeIntervalMs: 500,
      probeTimeoutMs: 1000,
      clusters: { [CLUSTER]: c.root },
      ...(c.webhook ? { webhook: [c.webhook] } : {}),
      ...(c.influx ? { influx: c.influx } : {}),
      ...c.extra,
      alerts: {
        evalInterval: '200ms',
        route: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
        statePath: this.statePath,
        ...c.alerts,
      },
    };
    writeFileSync(file, stringify(config));
    return file;
  }

  /** Spawn `zkpulse collect` and wait until it serves the API (not waiting for ZooKeeper). */
  async startCollector(name: string, configFile: string, extra: string[] = [], port?: number): Promise<RunningCollector> {
    const p = port ?? (await freePort());
    const proc = spawnCollector(name, configFile, p, extra);
    this.track(proc);
    const url = `http://127.0.0.1:${p}`;
    // The API answers before ZooKeeper does (server/README.md), so nothing the drill knows bounds this wait: it is
    // the process's own start (Node, and the sources through tsx with ZKPULSE_FROM_SOURCE), seconds on a quiet
    // machine, much longer on a loaded one. So wait for its outcome, serving or exited (at once, with its output),
    // and keep only a guard against a hang, far above any start.
    const outcome = await until(
      `${name} to serve /healthz (or exit)`,
      (): Promise<number | 'exited'> => (proc.alive ? fetch(`${url}/healthz`).then((r) => r.status) : Promise.resolve('exited')),
      (s) => s === 200 || s === 503 || s === 'exited',
      COLLECTOR_START_HANG_MS,
      100,
    ).catch((err: unknown) => {
      throw new DrillFailure(`${name} did not start: ${String(err)}`, this.outputs());
    });
    if (outcome === 'exited') throw new DrillFailure(`${name} exited before serving /healthz`, this.outputs());
    return { proc, url, port: p };
  }

  startAgent(spec: AgentSpec): Proc {
    const proc = spawnAgent(spec);
    this.track(proc);
    return proc;
  }

  private track(proc: Proc): void {
    this.procs.push(proc);
    this.defer(() => proc.kill('SIGKILL'));
  }

  async view(url: string): Promise<ClusterView> {
    const res = await fetch(`${url}/api/clusters/${CLUSTER}`);
    if (!res.ok) throw new Error(`GET /api/clusters/${CLUSTER}: ${res.status}`);
    return (await res.json()) as ClusterView;
  }

  /** Wait until the collector is connected and shows exactly `ids` up (and a master when `master`). */
  async untilUp(url: string, ids: readonly string[], master = false, ms = 30_000): Promise<ClusterView> {
    const want = [...ids].sort().join(',');
    const view = await until(
      `workers ${want} up${master ? ' and a master' : ''} at ${url}`,
      async () => {
        const health = await fetch(`${url}/healthz`);
        await health.arrayBuffer();
        return health.status === 200 ? this.view(url) : null;
      },
      (v) =>
        v !== null &&
        v.workers.filter((w) => w.up).map((w) => w.id).sort().join(',') === want &&
        (!master || v.master !== null),
      ms,
    );
    return view!;
  }

  async events(url: string): Promise<EventStream> {
    const stream = await readEvents(url);
    this.defer(() => stream.close());
    return stream;
  }

  /** The notices received so far, one line per alert (`WorkerLost[w1] firing`). */
  notices(): string[] {
    return notices(this.receiver.requests);
  }

  /** Check the receiver got exactly `expected` (in any order), and every delivery id once. */
  checkNotices(expected: readonly string[], why: string): void {
    const got = this.notices();
    const same = [...got].sort().join('\n') === [...expected].sort().join('\n');
    const what = expected.length === 0 ? `no notification at all (${why})` : `notifications exactly: ${expected.join(', ')} (${why})`;
    this.check(same, what, () => `received: ${JSON.stringify(got)}\n${this.outputs()}`);
    const ids = this.receiver.requests.map((r) => r.delivery);
    if (ids.length > 0) {
      this.check(new Set(ids).size === ids.length && ids.every((id) => id !== ''), 'each delivery id received once', () => JSON.stringify(ids));
    }
  }

  async close(): Promise<void> {
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        this.log(`cleanup: ${String(err)}`);
      }
    }
  }
}

/** Run a scene: the drill body gets it, the checks come back, the scene is always closed. */
export async function inScene(log: (line: string) => void, body: (scene: Scene) => Promise<void>): Promise<string[]> {
  const scene = new Scene(log);
  try {
    await body(scene);
    return scene.checks;
  } catch (err) {
    if (err instanceof DrillFailure) throw err;
    throw new DrillFailure(err instanceof Error ? err.message : String(err), scene.outputs());
  } finally {
    await scene.close();
  }
}
