/**
 * The result every layout decoder returns: a value, or a one-line reason a person can act on. Decoders
 * never throw, whatever bytes they are given (znode data written by programs zkpulse does not control).
 */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
export const fail = <T = never>(reason: string): Decoded<T> => ({ ok: false, reason });

/** Znode data as the ZooKeeper clients hand it over: bytes, or null for a node created without data. */
export type ZnodeData = Uint8Array | null | undefined;

/**
 * What a text decoder reads: the bytes, or the node's data already decoded as UTF-8 text by the watch layer
 * (the common case: decoding it back from bytes would cost an encode and a decode per node of a sync).
 */
export type ZnodeText = ZnodeData | string;

const MAX_SHOWN = 60;

/** A value shown inside a reason: short, on one line, never more than MAX_SHOWN characters of it. */
export function shown(value: unknown): string {
  if (typeof value === 'string') {
    const cut = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(cut).replace(/[\p{Cc}]+/gu, ' ');
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' ? String(value) : `a ${typeof value}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Strict UTF-8 (a Java `new String(bytes, UTF_8)` would substitute U+FFFD; we say what is wrong instead). */
export function utf8Text(data: ZnodeText, what = 'data'): Decoded<string> {
  if (typeof data === 'string') return ok(data);
  if (!data || data.length === 0) return ok('');
  try {
    return ok(utf8.decode(data));
  } catch {
    return fail(`${what} is not valid UTF-8 text (${data.length} bytes)`);
  }
}

/** UTF-8 JSON text → the parsed value. Empty data is a reason ("no data"), not `{}`: these layouts always write some. */
export function jsonOf(data: ZnodeText): Decoded<unknown> {
  const text = utf8Text(data);
  if (!text.ok) return text;
  const body = text.value.replace(/^\uFEFF/, '');
  if (body.trim() === '') return fail('no data (expected JSON)');
  try {
    return ok(JSON.parse(body) as unknown);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return fail(`not JSON: ${message.replace(/\s+/g, ' ').slice(0, 120)}`);
  }
}
