/**
 * `bench load --attribute`: where the collector's lag tail comes from. The collector runs with a preload
 * (stall-probe.mjs) that records each event-loop stall and GC pause with its time; here the slowest
 * lag samples (above the collector's p99) are matched against them — a sample whose [ack, seen] window
 * holds a stall waited for it — and, with `--cpu-prof`, each stall is attributed to the zkpulse frames
 * that were on the CPU profile's stack during it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fmtMs, percentile } from '../support/stats.ts';
import { printTable } from '../support/table.ts';

export const STALL_PROBE = fileURLToPath(new URL('./stall-probe.mjs', import.meta.url));

interface Stall {
  endAbs: number;
  endMono: number;
  ms: number;
}
interface Gc {
  startAbs: number;
  ms: number;
  kind: string;
}
export interface StallRecord {
  clock: { abs: number; mono: number };
  stalls: Stall[];
  gcs: Gc[];
  loop: { p50: number; p99: number; max: number };
}

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function readStalls(file: string): StallRecord {
  return JSON.parse(readFileSync(file, 'utf8')) as StallRecord;
}

/** Overlap (ms) of [a0, a1] and [b0, b1]. */
const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/**
 * Print: the loop's delay, the stalls and GC pauses in the window, and for the lag samples above p99
 * how much of their wait a stall (and a GC pause) covered.
 */
export function reportAttribution(rec: StallRecord, samples: { ack: number; seen: number }[], window: { from: number; to: number }, profile?: Profile): void {
  const stalls = rec.stalls.filter((s) => s.endAbs >= window.from && s.endAbs - s.ms <= window.to);
  const gcs = rec.gcs.filter((g) => g.startAbs >= window.from && g.startAbs <= window.to);
  const seconds = (window.to - window.from) / 1000;
  const bucket = (lo: number, hi: number) => stalls.filter((s) => s.ms >= lo && s.ms < hi);
  const gcOf = (kind: string) => gcs.filter((g) => g.kind === kind);
  const sum = (xs: { ms: number }[]) => xs.reduce((a, x) => a + x.ms, 0);
  printTable(
    `Collector event loop over the load window (${seconds.toFixed(0)} s; whole life: delay p50 ${fmtMs(rec.loop.p50)}, p99 ${fmtMs(rec.loop.p99)}, max ${fmtMs(rec.loop.max)})`,
    ['what', 'count', 'total', 'max'],
    [
      ['stalls 5–10 ms', ...row(bucket(5, 10))],
      ['stalls 10–20 ms', ...row(bucket(10, 20))],
      ['stalls 20–50 ms', ...row(bucket(20, 50))],
      ['stalls ≥ 50 ms', ...row(bucket(50, Infinity))],
      ...['scavenge', 'mark-compact', 'incremental', 'weak-callbacks'].map((k) => [`GC ${k}`, ...row(gcOf(k))]),
    ],
  );
  function row(xs: { ms: number }[]): string[] {
    return [String(xs.length), fmtMs(sum(xs)), fmtMs(xs.reduce((a, x) => Math.max(a, x.ms), 0))];
  }

  const lags = samples.map((s) => s.seen - s.ack);
  const p99 = percentile(lags, 99);
  const tail = samples.filter((s) => s.seen - s.ack >= p99);
  let inStall = 0;
  let stallMs = 0;
  let gcMs = 0;
  let lagMs = 0;
  for (const s of tail) {
    let covered = 0;
    for (const st of stalls) covered += overlap(s.ack, s.seen, st.endAbs - st.ms, st.endAbs);
    for (const g of gcs) gcMs += overlap(s.ack, s.seen, g.startAbs, g.startAbs + g.ms);
    if (covered > 0) inStall++;
    stallMs += covered;
    lagMs += s.seen - s.ack;
  }
  console.log(
    `\nlag samples ≥ p99 (${fmtMs(p99)}): ${tail.length}; ${inStall} (${((100 * inStall) / Math.max(1, tail.length)).toFixed(0)} %) waited through a stall ≥ 5 ms; ` +
      `stalls cover ${((100 * stallMs) / Math.max(1, lagMs)).toFixed(0)} % of their summed lag, GC pauses ${((100 * gcMs) / Math.max(1, lagMs)).toFixed(0)} %`,
  );
  // where the stalls fall within the second and the 10 s gauge period (periodic work shows up as a phase)
  const top = [...stalls].sort((a, b) => b.ms - a.ms).slice(0, 12);
  const frames = profile ? stallFrames(profile, rec.clock, top) : null;
  printTable(
    'Largest stalls in the window (t = end − window start; GC = GC pause time inside the stall)',
    ['t (s)', 'stall', 'GC in it', 'zkpulse frames on the stack (CPU profile, share of samples)'],
    top.map((s, i) => [
      ((s.endAbs - window.from) / 1000).toFixed(3),
      fmtMs(s.ms),
      fmtMs(gcs.reduce((a, g) => a + overlap(s.endAbs - s.ms, s.endAbs, g.startAbs, g.startAbs + g.ms), 0)),
      frames?.[i] ?? (profile ? '—' : 'run with --cpu-prof'),
    ]),
  );
}

/** Per stall, the zkpulse (dist/) frames most often on the stack of the profile's samples inside it. */
function stallFrames(profile: Profile, clock: StallRecord['clock'], stalls: Stall[]): string[] {
  const parent = new Map<number, number>();
  const byId = new Map<number, Node>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const label = (n: Node): string | null => {
    const f = n.callFrame;
    if (f.functionName === '(garbage collector)') return 'GC';
    const i = f.url.indexOf('/dist/');
    if (i < 0) return null;
    return `${f.functionName || '(anon)'} ${f.url.slice(i + 6)}:${f.lineNumber + 1}`;
  };
  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) times.push((t += d));
  return stalls.map((s) => {
    // the stall's window on the profile's (monotonic µs) clock
    const end = s.endMono;
    const start = end - s.ms * 1000;
    const entry = new Map<string, number>();
    const hot = new Map<string, number>();
    let n = 0;
    const bump = (m: Map<string, number>, l: string) => m.set(l, (m.get(l) ?? 0) + 1);
    profile.samples.forEach((id, k) => {
      const at = times[k]!;
      if (at < start || at > end) return;
      n++;
      // innermost and outermost zkpulse frame of the sample: what was hot, and what it was called for
      let inner: string | null = null;
      let outer: string | null = null;
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const l = label(byId.get(cur)!);
        if (l) {
          inner ??= l;
          outer = l;
        }
      }
      bump(hot, inner ?? '(node/deps)');
      bump(entry, outer ?? '(node/deps)');
    });
    if (n === 0) return `(no samples; clock offset ${((clock.mono - clock.abs * 1000) / 1e6).toFixed(0)} s)`;
    const top = (m: Map<string, number>) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([l, c]) => `${l} ${((100 * c) / n).toFixed(0)}%`)
        .join(', ');
    return `called for: ${top(entry)} | hot: ${top(hot)}`;
  });
}
