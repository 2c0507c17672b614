/** Silences in Alertmanager's API v2 shape (docs/contract.md §3). */

/** One label matcher: `=` (isEqual, !isRegex), `!=`, `=~` (isRegex), `!~`. */
export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** false negates the match (`!=`, `!~`); Alertmanager's default is true */
  isEqual: boolean;
}

export type SilenceState = 'active' | 'pending' | 'expired';

/** A silence as stored: times in ms. */
export interface Silence {
  id: string;
  matchers: readonly Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  /** last change, ms; a merge of two copies keeps the later one */
  updatedAt: number;
}

/** A silence as the API returns it (RFC 3339 times, like Alertmanager's gettableSilence). */
export interface GettableSilence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  createdBy: string;
  comment: string;
  status: { state: SilenceState };
}
