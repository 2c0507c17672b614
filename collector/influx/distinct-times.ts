import type { EncodedParts } from './line-protocol.ts';

/**
 * InfluxDB keeps one point per (series, timestamp): a second point of the same series in the same
 * millisecond would silently replace the first (ten WorkerJoined seen in one resync would leave one
 * `event` point). This hands out a nanosecond offset inside the millisecond instead: 0 for the first
 * point of a series at that ms, 1 for the next, and so on. It remembers only the last ms per series
 * and forgets everything past `capacity` series, which is enough for points that come roughly in order.
 */
export class DistinctTimes {
  private last = new Map<string, { ms: bigint; n: number }>();

  constructor(private readonly capacity = 100_000) {}

  offsetFor(parts: EncodedParts): number {
    const seen = this.last.get(parts.series);
    if (seen !== undefined && seen.ms === parts.ms) {
      seen.n = Math.min(seen.n + 1, 999_999);
      return seen.n;
    }
    if (seen === undefined && this.last.size >= this.capacity) this.last.clear();
    this.last.set(parts.series, { ms: parts.ms, n: 0 });
    return 0;
  }
}
