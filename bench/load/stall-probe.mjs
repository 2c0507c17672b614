// A preload (`node --import`) for the collector process of `bench load --attribute`: records, with
// absolute times (performance.timeOrigin + performance.now(), the bench's clock) and monotonic ones (µs,
// the clock of a V8 CPU profile), every stall of the event loop (a 1 ms timer that fired late by more
// than STALL_MS) and every GC pause. Written as JSON to $ZKPULSE_STALL_FILE when the process exits.
// Plain JavaScript: the collector runs compiled (dist/) under plain node.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import process from 'node:process';
import { setInterval } from 'node:timers';

const file = process.env.ZKPULSE_STALL_FILE;
const STALL_MS = 5;
if (file) {
  const abs = () => performance.timeOrigin + performance.now();
  // µs of the monotonic clock (V8's TimeTicks, which a .cpuprofile's timestamps count in)
  const mono = () => Number(process.hrtime.bigint() / 1000n);
  const stalls = [];
  const gcs = [];
  let last = performance.now();
  setInterval(() => {
    const t = performance.now();
    const late = t - last - 1;
    if (late > STALL_MS) stalls.push({ endAbs: abs(), endMono: mono(), ms: late });
    last = t;
  }, 1).unref();
  const kinds = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weak-callbacks' };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcs.push({ startAbs: performance.timeOrigin + e.startTime, ms: e.duration, kind: kinds[e.detail?.kind] ?? String(e.detail?.kind) });
    }
  }).observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // the offset between the two clocks, to place stalls on a CPU profile's timeline
  const clock = { abs: abs(), mono: mono() };
  process.on('exit', () => {
    const pct = (p) => delay.percentile(p) / 1e6;
    const loop = { p50: pct(50), p99: pct(99), max: delay.max / 1e6 };
    writeFileSync(file, JSON.stringify({ clock, stalls, gcs, loop }));
  });
}
