/**
 * Reads a file line by line, synchronously, in large chunks: a recording can hold millions of
 * lines and replay is CPU-bound, so this avoids readline's per-line events. Splits on the
 * newline byte (never inside a UTF-8 sequence). A last line without a newline is still yielded
 * (flagged `unterminated`): a recording cut off mid-write ends that way.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface Line {
  /** 1-based */
  number: number;
  text: string;
  unterminated: boolean;
}

const CHUNK = 1 << 22;
const NL = 10;

export function* readLines(path: string): Generator<Line> {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(CHUNK);
    let filled = 0;
    let number = 0;
    for (;;) {
      if (filled === buf.length) {
        // one line longer than the buffer: grow it
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const n = readSync(fd, buf, filled, buf.length - filled, null);
      const end = filled + n;
      let start = 0;
      for (let nl = buf.indexOf(NL, filled); nl !== -1 && nl < end; nl = buf.indexOf(NL, start)) {
        number++;
        const stop = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
        yield { number, text: buf.toString('utf8', start, stop), unterminated: false };
        start = nl + 1;
        if (start >= end) break;
      }
      if (n === 0) {
        if (start < end) yield { number: number + 1, text: buf.toString('utf8', start, end), unterminated: true };
        return;
      }
      buf.copy(buf, 0, start, end);
      filled = end - start;
    }
  } finally {
    closeSync(fd);
  }
}
