/**
 * The collector's logger in the chosen format: `pretty` (one readable line per entry, pino-pretty)
 * for a person at a terminal, `json` (one JSON object a line, pino's own) for a log shipper. Default:
 * pretty when stdout is a terminal, JSON otherwise. Either way secrets are redacted by the same rules
 * (http/log-redaction.ts). pino-pretty runs as a synchronous stream in this thread, not as a worker
 * transport: what is logged before exit is written before exit. It is loaded only for `pretty` (a JSON
 * logger does not need its ~30 files at start-up: bench/cold-start); it is CommonJS, so require() is synchronous.
 */
import { createRequire } from 'node:module';
import type { DestinationStream, Logger } from 'pino';
import { createCollectorLogger } from './http/log-redaction.ts';
import type { LogFormat } from './config/schema.ts';

export { LOG_FORMATS, type LogFormat } from './config/schema.ts';

/** pretty on a terminal, JSON when stdout is a pipe or a file */
export function defaultLogFormat(isTTY: boolean = process.stdout.isTTY === true): LogFormat {
  return isTTY ? 'pretty' : 'json';
}

export interface LoggerOptions {
  /** default: defaultLogFormat() */
  format?: LogFormat;
  level?: string;
  /** literal secret values to redact from every line (http/log-redaction.ts secretsOf) */
  secrets?: readonly string[];
  /** where lines go (default stdout) */
  destination?: DestinationStream;
  /** pretty only: ANSI colours (default: when stdout is a terminal) */
  colorize?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? defaultLogFormat();
  if (format === 'json') return createCollectorLogger({ level: options.level, secrets: options.secrets, destination: options.destination });
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const pretty = pinoPretty({
    sync: true,
    destination: options.destination ?? 1,
    colorize: options.colorize ?? process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    // one line per entry, its fields at the end of it
    singleLine: true,
  });
  return createCollectorLogger({ level: options.level, secrets: options.secrets, destination: pretty });
}
