/**
 * `collect --record f.ndjson`: appends every watch event (node changes, syncs, connection states)
 * as one JSON object a line, in the order observed. Schema version 1: the WatchEvent of
 * collector/watch/events.ts plus `"v":1` (docs/replay.md). The first line of each cluster in each
 * file (after opening, after every rotation) also carries the cluster's `"root"`: any one file of
 * a rotated set replays with the real paths; a cluster whose layout is not zkpulse also gets its `"layout"`
 * there (a built-in name or the inline custom spec), and one with `locks`/`config` globs its `"recipes"`
 * (`{"locks":[...],"config":[...]}`), so the replay reads it with the same layout; one on a named ensemble
 * (`clusters.<name>.ensemble`) its `"ensemble"`, so the replay applies each connection event (whose
 * `"ensemble"` names its session, absent for `default`) to the same clusters.
 *
 * Writes are buffered (flushed at 64 KiB, after `flushMs`, and at close). When the file would
 * grow past `maxBytes` it is rotated like logrotate: f.ndjson → f.1.ndjson → f.2.ndjson ...,
 * keeping `keep` old files. A recording error never reaches the collector: it is reported once
 * through `onError` and recording stops.
 */
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { WatchEvent } from './watch/events.ts';
import { recordLine, RECORD_SCHEMA_VERSION, withRoot } from './record-schema.ts';

export { RECORD_SCHEMA_VERSION };

export const DEFAULT_RECORD_MAX_BYTES = 100 * 1024 * 1024;
export const DEFAULT_RECORD_KEEP = 5;

export interface RecorderOptions {
  /** rotate when the file would grow past this (default 100 MiB) */
  maxBytes?: number;
  /** rotated files kept besides the current one (default 5); older ones are deleted */
  keep?: number;
  /** the longest a line waits in the buffer, ms (default 1000) */
  flushMs?: number;
  /** called once with the error that stopped recording */
  onError?: (err: Error) => void;
  /** cluster name → root znode, written on the first line of each cluster in each file */
  roots?: Readonly<Record<string, string>>;
  /** cluster name → its layout as configured, for the clusters whose layout is not zkpulse (written beside the root) */
  layouts?: Readonly<Record<string, string | object>>;
  /** cluster name → its `locks`/`config` globs as configured, for the clusters that have them (written beside the root) */
  recipes?: Readonly<Record<string, object>>;
  /** cluster name → its ensemble, for the clusters on a named one (written beside the root) */
  ensembles?: Readonly<Record<string, string>>;
}

const FLUSH_BYTES = 64 * 1024;

/** `f.ndjson` → `f.3.ndjson`; `f` → `f.3`. */
export function rotatedPath(path: string, n: number): string {
  const m = /^(.*?)(\.[^./\\]*)?$/.exec(path);
  const base = m?.[1] ?? path;
  const ext = m?.[2] ?? '';
  return `${base}.${n}${ext}`;
}

export class Recorder {
  private fd: number | null = null;
  private size = 0;
  private chunks: string[] = [];
  /** the cluster of each buffered line (undefined for connection events) */
  private chunkClusters: (string | undefined)[] = [];
  /** clusters whose root the current file already holds */
  private rooted = new Set<string>();
  private buffered = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failed: Error | null = null;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly flushMs: number;

  constructor(
    readonly path: string,
    private readonly options: RecorderOptions = {},
  ) {
    this.maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_RECORD_MAX_BYTES);
    this.keep = Math.max(0, options.keep ?? DEFAULT_RECORD_KEEP);
    this.flushMs = options.flushMs ?? 1000;
    this.guard(() => this.open());
  }

  /** the error that stopped recording, if any (the collector goes on without it) */
  get error(): Error | null {
    return this.failed;
  }

  record(event: WatchEvent): void {
    if (this.failed) return;
    const line = recordLine(event);
    this.chunks.push(line);
    this.chunkClusters.push(event.kind === 'connection' ? undefined : event.cluster);
    this.buffered += Buffer.byteLength(line);
    if (this.buffered >= FLUSH_BYTES) this.flush();
    else if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what is buffered now (rotating first when needed). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.failed || this.chunks.length === 0) return;
    const lines = this.chunks;
    const clusters = this.chunkClusters;
    this.chunks = [];
    this.chunkClusters = [];
    this.buffered = 0;
    this.guard(() => this.write(lines, clusters));
  }

  /** The line as written to the current file: with the root when it is the cluster's first there. */
  private rootedLine(line: string, cluster: string | undefined): string {
    const root = cluster === undefined ? undefined : this.options.roots?.[cluster];
    if (root === undefined || this.rooted.has(cluster as string)) return line;
    this.rooted.add(cluster as string);
    return withRoot(line, root, this.options.layouts?.[cluster as string], this.options.recipes?.[cluster as string], this.options.ensembles?.[cluster as string]);
  }

  close(): Promise<void> {
    this.flush();
    if (this.fd !== null) this.guard(() => closeSync(this.fd as number));
    this.fd = null;
    return Promise.resolve();
  }

  private open(): void {
    this.fd = openSync(this.path, 'a');
    this.size = fstatSync(this.fd).size;
    this.rooted.clear();
  }

  private write(lines: string[], clusters: (string | undefined)[]): void {
    const before = new Set(this.rooted);
    const text = lines.map((line, i) => this.rootedLine(line, clusters[i])).join('');
    if (this.size + Buffer.byteLength(text) <= this.maxBytes || this.size === 0) {
      this.append(text);
      return;
    }
    // line by line only when the buffer straddles the limit: rotation happens between whole lines,
    // and the first line of each cluster in the new file gets its root
    this.rooted = before;
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i] as string;
      let line = this.rootedLine(raw, clusters[i]);
      if (this.size > 0 && this.size + Buffer.byteLength(line) > this.maxBytes) {
        this.rotate(); // opens a new file: no root written there yet
        line = this.rootedLine(raw, clusters[i]);
      }
      this.append(line);
    }
  }

  private append(text: string): void {
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd as number, buf, off);
    this.size += buf.length;
  }

  private rotate(): void {
    closeSync(this.fd as number);
    this.fd = null;
    if (this.keep === 0) {
      rmSync(this.path, { force: true });
    } else {
      rmSync(rotatedPath(this.path, this.keep), { force: true });
      for (let n = this.keep - 1; n >= 1; n--) {
        const from = rotatedPath(this.path, n);
        if (existsSync(from)) renameSync(from, rotatedPath(this.path, n + 1));
      }
      renameSync(this.path, rotatedPath(this.path, 1));
    }
    this.open();
  }

  private guard(fn: () => void): void {
    if (this.failed) return;
    try {
      fn();
    } catch (err) {
      this.failed = err instanceof Error ? err : new Error(String(err));
      this.chunks = [];
      this.chunkClusters = [];
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      if (this.fd !== null) {
        try {
          closeSync(this.fd);
        } catch {
          // already failing; the first error is the one reported
        }
        this.fd = null;
      }
      this.options.onError?.(this.failed);
    }
  }
}
