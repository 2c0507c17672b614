/**
 * When each worker version became visible to a pipeline, and the lag of each write computed from it.
 * A version that a pipeline never saw (two writes coalesced before its re-read) counts as reflected
 * when a later version of the same worker was.
 */
import { absNow } from '../support/clock.ts';
import type { WriterResult } from './writer-thread.ts';

export class Reflections {
  private readonly seen: { version: number; at: number }[][];
  private latest: Int32Array;

  constructor(workers: number) {
    this.seen = Array.from({ length: workers }, () => []);
    this.latest = new Int32Array(workers).fill(-1);
  }

  /** `worker` index, the version now reflected; time is taken now. */
  record(worker: number, version: number, at = absNow()): void {
    const list = this.seen[worker];
    if (!list || version <= (this.latest[worker] ?? -1)) return;
    this.latest[worker] = version;
    list.push({ version, at });
  }

  /** Has every acknowledged write been reflected? */
  caughtUp(writes: WriterResult): boolean {
    for (let i = 0; i < writes.version.length; i++) {
      const v = writes.version[i]!;
      if (v >= 0 && (this.latest[writes.worker[i]!] ?? -1) < v) return false;
    }
    return true;
  }

  lags(writes: WriterResult): { fromAck: number[]; fromSend: number[]; unseen: number; bySecond: number[][] } {
    const fromAck: number[] = [];
    const bySecond: number[][] = [];
    const t0 = writes.sentAt[0] ?? 0;
    const fromSend: number[] = [];
    let unseen = 0;
    for (let i = 0; i < writes.version.length; i++) {
      const v = writes.version[i]!;
      if (v < 0) continue;
      const hit = this.seen[writes.worker[i]!]?.find((s) => s.version >= v);
      if (!hit) {
        unseen++;
        continue;
      }
      fromAck.push(hit.at - writes.ackAt[i]!);
      (bySecond[Math.floor((writes.sentAt[i]! - t0) / 1000)] ??= []).push(hit.at - writes.ackAt[i]!);
      fromSend.push(hit.at - writes.sentAt[i]!);
    }
    return { fromAck, fromSend, unseen, bySecond };
  }
}
