/** The mute stage: inhibition, then silences. Pure; returns why each muted alert was muted. */
import type { Silence } from '../silences/types.ts';
import { silencedBy } from '../silences/match.ts';
import type { AlertInstance } from '../types.ts';
import type { InhibitRule } from './config.ts';
import { inhibitedBy } from './inhibit.ts';

export interface Muted {
  fingerprint: string;
  reason: string;
}

export function muteAlerts(
  group: readonly AlertInstance[],
  allAlerts: readonly AlertInstance[],
  rules: readonly InhibitRule[],
  silences: Iterable<Silence>,
  now: number,
): { kept: AlertInstance[]; muted: Muted[] } {
  const kept: AlertInstance[] = [];
  const muted: Muted[] = [];
  const silenceList = [...silences];
  for (const a of group) {
    const source = inhibitedBy(a, allAlerts, rules);
    if (source !== null) {
      muted.push({ fingerprint: a.fingerprint, reason: `inhibited by ${source}` });
      continue;
    }
    const ids = silencedBy(a.labels, silenceList, now);
    if (ids.length > 0) muted.push({ fingerprint: a.fingerprint, reason: `silenced by ${ids.join(', ')}` });
    else kept.push(a);
  }
  return { kept, muted };
}
