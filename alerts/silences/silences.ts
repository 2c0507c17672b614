/**
 * The silence set: create/update/expire, snapshot for persistence, merge with another collector's copy.
 * Every change calls `onChange` (the ZkStateStore saves it). Time comes in as `now`.
 */
import { randomUUID } from 'node:crypto';
import type { Labels } from '../types.ts';
import { silencedBy, silenceState } from './match.ts';
import type { GettableSilence, Matcher, Silence } from './types.ts';

export interface SilenceInput {
  id?: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export class SilenceError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404,
  ) {
    super(message);
  }
}

export interface SilencesOptions {
  /** expired silences are dropped this long after their end; 5 days like Alertmanager's --data.retention default */
  retentionMs?: number;
  newId?: () => string;
  onChange?: (snapshot: Silence[]) => void;
}

const FIVE_DAYS = 5 * 24 * 3600_000;

export class Silences {
  private readonly byId = new Map<string, Silence>();
  private readonly retentionMs: number;
  private readonly newId: () => string;

  constructor(private readonly options: SilencesOptions = {}) {
    this.retentionMs = options.retentionMs ?? FIVE_DAYS;
    this.newId = options.newId ?? randomUUID;
  }

  /** Creates a silence, or updates the one named by `input.id` (an expired one is replaced by a new id). */
  upsert(input: SilenceInput, now: number): string {
    if (input.endsAt <= input.startsAt) throw new SilenceError('endsAt must be after startsAt', 400);
    if (input.endsAt <= now) throw new SilenceError('endsAt is in the past', 400);
    let id = input.id;
    if (id !== undefined) {
      const old = this.byId.get(id);
      if (!old) throw new SilenceError(`no silence ${JSON.stringify(id)}`, 404);
      if (silenceState(old, now) === 'expired') id = undefined;
    }
    id ??= this.newId();
    const { matchers, startsAt, endsAt, createdBy, comment } = input;
    this.byId.set(id, { id, matchers: matchers.map((m) => ({ ...m })), startsAt, endsAt, createdBy, comment, updatedAt: now });
    this.changed(now);
    return id;
  }

  /** Ends a silence now (a pending one never starts). */
  expire(id: string, now: number): void {
    const s = this.byId.get(id);
    if (!s) throw new SilenceError(`no silence ${JSON.stringify(id)}`, 404);
    if (silenceState(s, now) === 'expired') throw new SilenceError(`silence ${id} is already expired`, 400);
    this.byId.set(id, { ...s, startsAt: Math.min(s.startsAt, now), endsAt: now, updatedAt: now });
    this.changed(now);
  }

  get(id: string): Silence | undefined {
    return this.byId.get(id);
  }

  list(): Silence[] {
    return [...this.byId.values()];
  }

  /** Ids of the active silences muting these labels. */
  mutes(labels: Labels, now: number): string[] {
    return silencedBy(labels, this.byId.values(), now);
  }

  snapshot(): Silence[] {
    return this.list();
  }

  /** Takes in a stored copy (another collector's, or ours from before a restart): the later update of each id wins. */
  merge(silences: readonly Silence[]): void {
    for (const s of silences) {
      const mine = this.byId.get(s.id);
      if (!mine || mine.updatedAt < s.updatedAt) this.byId.set(s.id, s);
    }
  }

  private changed(now: number): void {
    for (const [id, s] of this.byId) if (s.endsAt + this.retentionMs < now) this.byId.delete(id);
    this.options.onChange?.(this.snapshot());
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

export function gettableSilence(s: Silence, now: number): GettableSilence {
  return {
    id: s.id,
    matchers: s.matchers.map((m) => ({ ...m })),
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    updatedAt: iso(s.updatedAt),
    createdBy: s.createdBy,
    comment: s.comment,
    status: { state: silenceState(s, now) },
  };
}

/** Merge function for ZkStateStore conflicts on the silences key. */
export function mergeSilenceSnapshots(ours: readonly Silence[], theirs: readonly Silence[]): Silence[] {
  const byId = new Map<string, Silence>();
  for (const s of [...theirs, ...ours]) {
    const prev = byId.get(s.id);
    if (!prev || prev.updatedAt <= s.updatedAt) byId.set(s.id, s);
  }
  return [...byId.values()];
}
