/**
 * In-process V8 CPU profiling of a window (start → stop), and a summary of self time by layer.
 * `node --cpu-prof` profiles the whole process (tsx's loader included) and, under tsx, its loader
 * thread writes a profile too; the inspector gives exactly the measured window.
 */
import { Session } from 'node:inspector';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export class WindowProfiler {
  private readonly session = new Session();

  start(): void {
    this.session.connect();
    this.session.post('Profiler.enable');
    this.session.post('Profiler.setSamplingInterval', { interval: 200 });
    this.session.post('Profiler.start');
  }

  stop(): Promise<CpuProfile> {
    return new Promise((resolve, reject) => {
      this.session.post('Profiler.stop', (err, res) => {
        this.session.disconnect();
        if (err) reject(err);
        else resolve(res.profile as unknown as CpuProfile);
      });
    });
  }
}

/** Which layer a frame belongs to. */
export function layerOf(frame: ProfileNode['callFrame']): string {
  const u = frame.url;
  if (frame.functionName === '(garbage collector)') return 'garbage collector';
  if (frame.functionName === '(idle)') return 'idle (waiting for the server)';
  if (u.includes('node-zookeeper-client')) return 'node-zookeeper-client (jute decode, packets)';
  if (u.includes('/collector/model/') || u.includes('/collector/cluster-models')) return 'reducer (collector/model)';
  if (u.includes('/collector/watch/') || u.includes('/collector/zk/')) return 'watch layer (collector/watch, collector/zk)';
  if (u.includes('/immutable/')) return 'immutable (model maps)';
  if (u.includes('/rxjs/')) return 'rxjs (event emission)';
  if (u.includes('/bench/')) return 'benchmark harness';
  if (u.startsWith('node:') || u === '') return 'node core + native (timers, promises, sockets, Buffer)';
  return 'other';
}

/** Self time (ms) per layer, and the top functions by self time. */
export function summarize(profile: CpuProfile, topN = 15): { layers: Record<string, number>; top: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const layers: Record<string, number> = {};
  const fns = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const layer = layerOf(node.callFrame);
    layers[layer] = (layers[layer] ?? 0) + ms;
    const f = node.callFrame;
    const where = f.url.replace(/^.*node_modules\//, '').replace(/^.*\/(collector|bench)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
  });
  const top = [...fns].sort((a, b) => b[1] - a[1]).slice(0, topN);
  return { layers, top };
}
