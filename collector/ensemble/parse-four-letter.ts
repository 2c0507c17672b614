/**
 * Parsers of ZooKeeper 3.8's four-letter-word answers (FourLetterCommands, MonitorCommand, StatCommand,
 * ConsCommand): real outputs in test/fixtures/zookeeper/. Pure; garbled or hostile text gives nulls and
 * empty lists, never an exception.
 */
import type { ClientConnection, ServerMetrics, ServerMode } from './types.ts';
import { addressOf, metricsFrom, modeOf, sessionOf, zxidOf } from './parse-values.ts';

/** ZooKeeper's answer to a word missing from `4lw.commands.whitelist` (`srvr` is always allowed). */
const REFUSED = /^(\w{4}) is not executed because it is not in the whitelist\./;
/** the answer to any word but ruok (and a few others) while the server does not serve (ZK_NOT_SERVING) */
const NOT_SERVING = 'This ZooKeeper instance is not currently serving requests';

export type WordAnswer = { kind: 'answer'; text: string } | { kind: 'refused' } | { kind: 'not-serving' };

/** What kind of answer `text` is: the data asked for, a refusal (whitelist), or "not currently serving". */
export function classifyAnswer(text: string): WordAnswer {
  const head = text.slice(0, 200).trimStart();
  if (REFUSED.test(head)) return { kind: 'refused' };
  if (head.startsWith(NOT_SERVING)) return { kind: 'not-serving' };
  return { kind: 'answer', text };
}

/** `ruok`: `imok` when the server runs (it says so also while it does not serve). */
export function isImok(text: string): boolean {
  return text.trim() === 'imok';
}

export interface MntrReading {
  mode: ServerMode | null;
  metrics: ServerMetrics;
}

/** `mntr`: one `zk_<key>\t<value>` line per metric; null when no line is one. */
export function parseMntr(text: string): MntrReading | null {
  const values = new Map<string, string>();
  for (const line of text.split('\n', 2000)) {
    const tab = line.indexOf('\t');
    if (tab <= 3 || !line.startsWith('zk_')) continue;
    values.set(line.slice(3, tab), line.slice(tab + 1).trim());
  }
  if (values.size === 0) return null;
  return { mode: modeOf(values.get('server_state')), metrics: metricsFrom((key) => values.get(key)) };
}

export interface SrvrReading {
  mode: ServerMode | null;
  /** decimal */
  zxid: string | null;
}

/** `srvr`: `Zxid: 0x100000008` and `Mode: leader` lines; null when neither is there. */
export function parseSrvr(text: string): SrvrReading | null {
  const mode = /^Mode: *(\S+) *$/m.exec(text)?.[1];
  const zxid = /^Zxid: *(0x[0-9a-fA-F]+) *$/m.exec(text)?.[1];
  if (mode === undefined && zxid === undefined) return null;
  return { mode: modeOf(mode), zxid: zxidOf(zxid) };
}

/**
 * `cons`: one line per connection, ` /127.0.0.1:47490[1](queued=0,recved=2,sent=2,sid=0x10001439d070001,lop=CREA,...)`.
 * Connections without a session yet (the `cons` connection itself: `[0](queued=0,recved=1,sent=0)`) are left out.
 */
export function parseCons(text: string, server: string): ClientConnection[] {
  const out: ClientConnection[] = [];
  for (const line of text.split('\n', 200_000)) {
    const match = /^\s*(\S+?)\[\d+\]\((.*)\)\s*$/.exec(line);
    if (!match) continue;
    const address = addressOf(match[1]);
    const sid = /(?:^|,)sid=(0x[0-9a-fA-F]{1,16})(?:,|$)/.exec(match[2] ?? '')?.[1];
    const session = sessionOf(sid);
    if (address && session) out.push({ server, address, session });
  }
  return out;
}
