/** CPU time and resident memory of another process, from /proc (Linux). */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** utime + stime of `pid`, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after "(comm)": state is field 3, utime 14, stime 15 (1-based)
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
}

/** VmRSS of `pid`, in MB. */
export function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Samples RSS every `everyMs` until stopped; reports the peak and the last sample. */
export function sampleRss(pid: number, everyMs = 500): { stop(): { peakMb: number; lastMb: number } } {
  let peak = 0;
  let last = Number.NaN;
  const timer = setInterval(() => {
    try {
      last = rssMb(pid);
      peak = Math.max(peak, last);
    } catch {
      // the process is gone
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakMb: peak, lastMb: last };
    },
  };
}
