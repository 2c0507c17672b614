// `node --import` preload of bench cold-start: reports Node's own process start (performance.timeOrigin, ms
// since the epoch) on stderr, one line, before the CLI loads. Plain JavaScript: the CLI runs from dist/.
import { performance } from 'node:perf_hooks';
import process from 'node:process';

process.stderr.write(`${JSON.stringify({ processStart: performance.timeOrigin })}\n`);
