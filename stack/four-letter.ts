import { sendFourLetterWord } from '../zk/four-letter.ts';

/**
 * Sends a ZooKeeper four-letter word (ruok, srvr, stat, mntr...) and returns the whole answer: the
 * collector's client (zk/four-letter.ts) with the tests' loopback defaults.
 * Rejects after `timeoutMs` (a paused server accepts the TCP connection but never answers).
 */
export function fourLetterWord(port: number, word: string, timeoutMs = 2000, host = '127.0.0.1'): Promise<string> {
  return sendFourLetterWord(host, port, word, { timeoutMs });
}

/** The `Mode:` line of a `srvr`/`stat` answer: "standalone", "leader", "follower", or undefined. */
export function parseMode(srvr: string): string | undefined {
  return /^Mode:\s*(\S+)/m.exec(srvr)?.[1];
}
