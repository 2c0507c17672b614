/**
 * `collect --record f.ndjson`: appends every watch event (node changes, syncs, connection states)
 * as one JSON object a line, in the order observed. Schema version 1: the WatchEvent of
 * collector/watch/events.ts plus `"v":1`. Writes are buffered by the stream; close() flushes.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { WatchEvent } from './watch/events.ts';

export const RECORD_SCHEMA_VERSION = 1;

export class Recorder {
  private readonly out: WriteStream;
  private failed: Error | null = null;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', (err) => {
      this.failed = err;
    });
  }

  /** the error that stopped recording, if any (the collector goes on without it) */
  get error(): Error | null {
    return this.failed;
  }

  record(event: WatchEvent): void {
    if (this.failed) return;
    this.out.write(JSON.stringify({ v: RECORD_SCHEMA_VERSION, ...event }) + '\n');
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(() => resolve()));
  }
}
