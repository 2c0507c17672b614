/**
 * Who saw which version of which worker node, when; and from that, per acknowledged write, the lag
 * and whether that exact version was seen. A one-shot watch re-reads the node after it fires: writes
 * that land between the fire and the re-read coalesce, and only the later version is read — by any
 * watcher, zkpulse or the bare client alike. So "seen" is counted two ways: the exact version (distinct
 * versions seen vs written) and covered (that version or a later one was seen: nothing is left behind).
 */
import type { LoadWriterResult } from './writer-thread.ts';

export class Observations {
  /** per worker, (version, at) in increasing version order */
  private readonly seen: { version: number; at: number }[][];

  constructor(workers: number) {
    this.seen = Array.from({ length: workers }, () => []);
  }

  record(worker: number, version: number, at: number): void {
    const list = this.seen[worker];
    if (!list) return;
    const last = list[list.length - 1];
    if (last && version <= last.version) return;
    list.push({ version, at });
  }

  /** Lag from ack (ms) of each write that was covered (and when it was seen); exact/covered/uncovered counts; last version seen per node. */
  judge(w: LoadWriterResult): { lags: number[]; seenAt: number[]; written: number; exact: number; uncovered: number; lastSeen: number; nodes: number } {
    const lags: number[] = [];
    const seenAt: number[] = [];
    const cursor = new Int32Array(this.seen.length);
    const lastWritten = new Int32Array(this.seen.length).fill(-1);
    let written = 0;
    let exact = 0;
    let uncovered = 0;
    for (let i = 0; i < w.version.length; i++) {
      const v = w.version[i]!;
      if (v < 0) continue;
      written++;
      const worker = w.worker[i]!;
      lastWritten[worker] = v;
      const list = this.seen[worker]!;
      let c = cursor[worker]!;
      while (c < list.length && list[c]!.version < v) c++;
      cursor[worker] = c;
      const hit = list[c];
      if (!hit) {
        uncovered++;
        continue;
      }
      if (hit.version === v) exact++;
      lags.push(hit.at - w.ackAt[i]!);
      seenAt.push(hit.at);
    }
    let lastSeen = 0;
    let nodes = 0;
    lastWritten.forEach((v, worker) => {
      if (v < 0) return;
      nodes++;
      if (this.seen[worker]!.some((s) => s.version === v)) lastSeen++;
    });
    return { lags, seenAt, written, exact, uncovered, lastSeen, nodes };
  }
}
