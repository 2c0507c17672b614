/** Conflict merges for the notifier's keys in the ZkStateStore. */
import { mergeNflogSnapshots, type NflogSnapshot } from '../notify/nflog.ts';
import { mergeSilenceSnapshots } from '../silences/silences.ts';
import type { Silence } from '../silences/types.ts';
import type { MergeFn } from './zk-state-store.ts';

export const NFLOG_KEY = 'nflog';
export const SILENCES_KEY = 'silences';
export const ENGINE_KEY = 'engine';

export const NOTIFIER_MERGES: Readonly<Record<string, MergeFn>> = {
  [NFLOG_KEY]: (ours, theirs) => mergeNflogSnapshots(ours as NflogSnapshot, Array.isArray(theirs) ? (theirs as NflogSnapshot) : []),
  [SILENCES_KEY]: (ours, theirs) => mergeSilenceSnapshots(ours as Silence[], Array.isArray(theirs) ? (theirs as Silence[]) : []),
};

/** Default state path for an instance group: /zkpulse/state/<group>. */
export function statePath(instanceGroup = 'default', base = '/zkpulse/state'): string {
  return `${base}/${instanceGroup}`;
}
