/**
 * ZooKeeper's four-letter words over TCP: connect, send the word, read the answer to EOF. Bounded in
 * time (a paused server accepts the connection but never answers) and in size (what comes back is input).
 * The answer is plain text; collector/ensemble/parse-*.ts reads it.
 */
import net from 'node:net';

export const FOUR_LETTER_TIMEOUT_MS = 2000;
/** `cons` of a server with 10,000 clients is ~2.5 MB; more than this is not a ZooKeeper answer */
export const FOUR_LETTER_MAX_BYTES = 8 * 1024 * 1024;

export interface FourLetterOptions {
  timeoutMs?: number;
  maxBytes?: number;
}

/** Why a word got no (whole) answer; `code` is the socket error's (ECONNREFUSED, ...), `timeout` or `too-large`. */
export class FourLetterError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'FourLetterError';
  }
}

/** Sends `word` to host:port and resolves with the whole answer (UTF-8). */
export function sendFourLetterWord(host: string, port: number, word: string, options: FourLetterOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? FOUR_LETTER_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? FOUR_LETTER_MAX_BYTES;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: FourLetterError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new FourLetterError(`${word} to ${where} got no answer within ${timeoutMs} ms`, 'timeout')), timeoutMs);
    socket.on('connect', () => socket.end(word));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return fail(new FourLetterError(`${word} to ${where}: answer larger than ${maxBytes} bytes`, 'too-large'));
      chunks.push(chunk);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => fail(new FourLetterError(`${word} to ${where}: ${error.message}`, error.code ?? 'error')));
    socket.on('close', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
