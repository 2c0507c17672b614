/**
 * What the built-in layouts of §8 share: the bytes a binary decoder reads, "no such role" decoders, and a
 * member record with only the fields a layout has. Pure; the layouts themselves are the files beside this one.
 */
import type { CandidateData, Decoded, LayoutPaths, LeaderData, MemberData, StatusData } from '../layout.ts';
import { splitRelPath } from '../paths.ts';
import type { ZnodeText } from '../layouts/decoded.ts';

const TEXT = new TextEncoder();

/**
 * The node's raw data for a decoder of contract/layouts/: the exact bytes when the watch layer carried them
 * (data that is not UTF-8), else the UTF-8 encoding of the text (which is the bytes). Data larger than the
 * collector's limit is a reason, as in the zkpulse layout.
 */
export function rawData(data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<Uint8Array | null> {
  if (bytes !== undefined && bytes !== null) return { ok: true, value: bytes };
  if (data === null) return dataLength > 0 ? { ok: false, reason: `data too large (${dataLength} bytes)` } : { ok: true, value: null };
  return { ok: true, value: TEXT.encode(data) };
}

/** Decode the raw data with `decode`, then map the value; a reason passes through. */
export function decodeRaw<T, U>(
  data: string | null,
  dataLength: number,
  bytes: Uint8Array | null | undefined,
  decode: (raw: Uint8Array | null) => Decoded<T>,
  map: (value: T) => U,
): Decoded<U> {
  const raw = rawData(data, dataLength, bytes);
  if (!raw.ok) return raw;
  const d = decode(raw.value);
  return d.ok ? { ok: true, value: map(d.value) } : d;
}

/**
 * Like decodeRaw, for a text format (JSON, an id): the watch layer's text as it is when it is the exact data,
 * the bytes only when the data is not UTF-8 (the decoder then says so). Saves a UTF-8 encode and a strict
 * decode per node of a sync of 10,000 members.
 */
export function decodeText<T, U>(
  data: string | null,
  dataLength: number,
  bytes: Uint8Array | null | undefined,
  decode: (text: ZnodeText) => Decoded<T>,
  map: (value: T) => U,
): Decoded<U> {
  let d: Decoded<T>;
  if (bytes !== undefined && bytes !== null) d = decode(bytes);
  else if (data === null) {
    if (dataLength > 0) return { ok: false, reason: `data too large (${dataLength} bytes)` };
    d = decode(null);
  } else d = decode(data);
  return d.ok ? { ok: true, value: map(d.value) } : d;
}

/** A member with only the fields the layout has; the rest null. */
export function memberData(fields: Partial<MemberData>): MemberData {
  return {
    id: fields.id ?? null,
    host: fields.host ?? null,
    pid: fields.pid ?? null,
    startedAt: fields.startedAt ?? null,
    heartbeatMs: fields.heartbeatMs ?? null,
    state: fields.state ?? null,
    meta: fields.meta ?? null,
  };
}

/** Decoders of roles a layout does not have: the model never calls them (classify never returns the role). */
export const NO_LEADER = (): Decoded<LeaderData> => ({ ok: false, reason: 'this layout has no leader node' });
export const NO_CANDIDATE = (): Decoded<CandidateData> => ({ ok: false, reason: 'this layout has no candidates' });
export const NO_MEMBER = (): Decoded<MemberData> => ({ ok: false, reason: 'this layout has no members' });
export const NO_STATUS = (): Decoded<StatusData> => ({ ok: false, reason: 'this layout has no task status' });
export const NO_TASK = (): unknown => null;

/** Paths of the roles the layout has; the others are never tracked (classify never returns them). */
export function layoutPaths(p: { leader?: string; candidate?: (node: string) => string; member?: (id: string) => string }): LayoutPaths {
  const none = (...names: string[]) => names.join('/');
  return {
    leader: p.leader ?? '',
    candidate: p.candidate ?? none,
    member: p.member ?? none,
    task: none,
    assignment: none,
    status: none,
  };
}

/** The names of a relative path (null: an empty name, never a node of the layout). */
export const partsOf = splitRelPath;

/** Capabilities of every built-in foreign layout: no heartbeat (nobody rewrites a node to beat), no tasks. */
export const NO_BEAT_NO_TASKS = { heartbeat: false, tasks: false } as const;
