/**
 * One server's observation from what it answered (pure): through the AdminServer, or the four-letter
 * words. An answer is a parsed object / text, or the Error that came instead.
 */
import type { ClientConnection, ServerObservation } from './types.ts';
import { parseAdminConnections, parseMonitor, parseStats } from './parse-admin.ts';
import { classifyAnswer, isImok, parseCons, parseMntr, parseSrvr } from './parse-four-letter.ts';
import { emptyMetrics } from './parse-values.ts';

export type Answer<T> = T | Error;

export interface Observed {
  observation: ServerObservation;
  connections: ClientConnection[];
}

const NOT_SERVING = /not currently serving/;

function base(server: string, voting: boolean | null): ServerObservation {
  return { server, up: false, serving: false, mode: null, voting, source: null, problem: null, metrics: emptyMetrics(), zxid: null };
}

/** voting from the mode (an observer does not vote) unless the dynamic config said it */
function votingOf(known: boolean | null, mode: ServerObservation['mode']): boolean | null {
  if (known !== null) return known;
  if (mode === 'observer') return false;
  return mode === null ? null : true;
}

/**
 * Through the AdminServer: null when `monitor` did not come back as an AdminServer answer (no AdminServer
 * there: the caller falls back to the four-letter words).
 */
export function observeAdmin(
  server: string,
  voting: boolean | null,
  answers: { monitor: Answer<Record<string, unknown>>; stats: Answer<Record<string, unknown>>; connections: Answer<Record<string, unknown>> },
): Observed | null {
  const { monitor, stats, connections } = answers;
  if (monitor instanceof Error) {
    if (!NOT_SERVING.test(monitor.message)) return null;
    return { observation: { ...base(server, voting), up: true, source: 'admin', problem: `${server} is up but not serving requests` }, connections: [] };
  }
  const reading = parseMonitor(monitor);
  if (!reading) return null;
  const statsReading = stats instanceof Error ? null : parseStats(stats);
  const conns = connections instanceof Error ? null : parseAdminConnections(connections, server);
  const mode = reading.mode ?? statsReading?.mode ?? null;
  const missing = [stats instanceof Error ? `stats (${stats.message})` : null, conns === null ? 'connections' : null].filter(Boolean);
  return {
    observation: {
      ...base(server, votingOf(voting, mode)),
      up: true,
      serving: true,
      mode,
      source: 'admin',
      problem: missing.length > 0 ? `AdminServer of ${server}: no ${missing.join(', ')}` : null,
      metrics: reading.metrics,
      zxid: statsReading?.zxid ?? null,
    },
    connections: conns ?? [],
  };
}

/** Through the four-letter words `ruok`, `mntr`, `srvr`, `cons`. */
export function observeFourLetter(
  server: string,
  voting: boolean | null,
  answers: { ruok: Answer<string>; mntr: Answer<string>; srvr: Answer<string>; cons: Answer<string> },
): Observed {
  const words = ['ruok', 'mntr', 'srvr', 'cons'] as const;
  const errors = words.map((w) => answers[w]).filter((a): a is Error => a instanceof Error);
  if (errors.length === words.length) return { observation: { ...base(server, voting), problem: errors[0]?.message ?? `${server} did not answer` }, connections: [] };
  const kinds = Object.fromEntries(words.map((w) => [w, answers[w] instanceof Error ? null : classifyAnswer(answers[w] as string)]));
  const refused = words.filter((w) => kinds[w]?.kind === 'refused');
  const notServing = words.some((w) => kinds[w]?.kind === 'not-serving');
  const textOf = (w: (typeof words)[number]) => (kinds[w]?.kind === 'answer' ? (kinds[w] as { text: string }).text : null);
  const mntrText = textOf('mntr');
  const srvrText = textOf('srvr');
  const consText = textOf('cons');
  const mntr = mntrText === null ? null : parseMntr(mntrText);
  const srvr = srvrText === null ? null : parseSrvr(srvrText);
  const mode = mntr?.mode ?? srvr?.mode ?? null;
  const ruokText = textOf('ruok');
  // reachable is not serving: imok alone says the process runs; mntr/srvr say whether it serves
  const serving = !notServing && (mntr !== null || srvr?.mode != null || (refused.includes('mntr') && refused.includes('srvr') && ruokText !== null && isImok(ruokText)));
  const problems: string[] = [];
  if (notServing) problems.push(`${server} is up but not serving requests`);
  if (refused.length > 0) problems.push(`${server} refuses the four-letter words ${refused.join(', ')}: add them to 4lw.commands.whitelist, or turn on its AdminServer (admin.enableServer)`);
  const failed = words.filter((w) => answers[w] instanceof Error);
  if (failed.length > 0) problems.push(`${failed.join(', ')}: ${(answers[failed[0]!] as Error).message}`);
  return {
    observation: {
      ...base(server, votingOf(voting, mode)),
      up: true,
      serving,
      mode,
      source: '4lw',
      problem: problems.length > 0 ? problems.join('; ') : null,
      metrics: mntr?.metrics ?? emptyMetrics(),
      zxid: srvr?.zxid ?? null,
    },
    connections: consText === null ? [] : parseCons(consText, server),
  };
}
