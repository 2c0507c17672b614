/**
 * The sequence number ZooKeeper appends to an EPHEMERAL_SEQUENTIAL / PERSISTENT_SEQUENTIAL name, and the
 * order of such children. docs/contract.md §8: order by the trailing sequence number, never by the whole name
 * (Curator and kazoo prefix their names with a random UUID, so name order is random).
 *
 * Upstream: apache/zookeeper zookeeper-server/src/main/java/org/apache/zookeeper/server/PrepRequestProcessor.java
 * (pRequest2TxnCreate, read at 000ce4e7e8bb; the same line since 3.x):
 *     path = path + String.format(Locale.ENGLISH, "%010d", parentCVersion);
 * `parentCVersion` is the parent's cversion, a Java int: it counts up to 2147483647 and then wraps to
 * -2147483648. `%010d` pads to a width of 10 *including the sign*, so (checked with Java 17):
 *     0 → "0000000000"   2147483647 → "2147483647"
 *     -1 → "-000000001" (a '-' and 9 digits)   -2147483648 → "-2147483648" (a '-' and 10 digits)
 *
 * How zkpulse reads a name (the digit run at its end, `d` digits long):
 * - d ≥ 10: the last 10 digits. They are negative only when the character before them is '-' and the
 *   one before that is a separator '-' or '_' (the recipe's own separator, then the sign: `latch--2147483648`,
 *   `n_-1000000000`); otherwise the '-' is the recipe's separator (`latch-0000000005` is 5, not -5).
 * - d = 9 and a '-' before them: the negative -1 … -999999999 (`lock--000000001`); 9 digits never
 *   stand for a non-negative sequence.
 * - anything else: no sequence (null).
 * Names that need no separator (ZooKeeper allows a bare prefix) read the same way; only a negative value
 * after a prefix that does not end in '-' or '_' is ambiguous, and is read as positive.
 *
 * Order: by the signed value, then by the whole name (Solr's LeaderElector.sortSeqs does the same tie
 * break; its joinAtHead creates a second node with the head's number). Before the wrap this is every
 * recipe's order. After it the recipes themselves disagree: Curator (StandardLockInternalsDriver.
 * standardFixForSorting) and kazoo (lock.py `sorted(..., key=m.groups())`) compare the suffix as text,
 * which puts "-…" before "0…" (as the signed value does) but orders negatives by magnitude; kazoo's
 * `(-?\d{10})$` does not match a '-' with 9 digits at all; Solr's `-n_(\d+)` matches no negative. The
 * SequenceNearExhaustion alert (§9) fires well before that point.
 */

export interface SequenceSuffix {
  /** The signed 32-bit value ZooKeeper formatted. */
  seq: number;
  /** The name before the sequence text (and its sign): the recipe's prefix, e.g. `_c_<uuid>-latch-`. */
  prefix: string;
  /** The sequence text as it appears in the name, e.g. `0000000042` or `-000000001`. */
  text: string;
}

const INT32_MAX = 2147483647;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isSeparator = (ch: string | undefined): boolean => ch === '-' || ch === '_';

export function sequenceSuffix(name: string): SequenceSuffix | null {
  let run = 0;
  while (run < name.length && isDigit(name.charCodeAt(name.length - 1 - run))) run++;
  const end = name.length;
  if (run >= 10) {
    const digitsAt = end - 10;
    const digits = name.slice(digitsAt);
    const value = Number(digits);
    const negative = run === 10 && name[digitsAt - 1] === '-' && isSeparator(name[digitsAt - 2]);
    if (negative) {
      if (value > INT32_MAX + 1 || value === 0) return null;
      return { seq: -value, prefix: name.slice(0, digitsAt - 1), text: name.slice(digitsAt - 1) };
    }
    if (value > INT32_MAX) return null;
    return { seq: value, prefix: name.slice(0, digitsAt), text: digits };
  }
  if (run === 9 && name[end - 10] === '-') {
    const value = Number(name.slice(end - 9));
    if (value === 0) return null;
    return { seq: -value, prefix: name.slice(0, end - 10), text: name.slice(end - 10) };
  }
  return null;
}

/** The sequence number of `name`, or null when it has none. */
export function sequenceOf(name: string): number | null {
  return sequenceSuffix(name)?.seq ?? null;
}

/** Comparator for names that all carry a sequence: by the signed value, then by the whole name. */
export function compareBySequence(a: string, b: string): number {
  const sa = sequenceOf(a);
  const sb = sequenceOf(b);
  if (sa !== null && sb !== null && sa !== sb) return sa - sb;
  if (sa === null && sb !== null) return 1;
  if (sa !== null && sb === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The names that carry a sequence, lowest first; the first is the leader of a latch or election. */
export function bySequence(names: readonly string[]): string[] {
  const keyed: { name: string; seq: number }[] = [];
  for (const name of names) {
    const seq = sequenceOf(name);
    if (seq !== null) keyed.push({ name, seq });
  }
  keyed.sort((x, y) => x.seq - y.seq || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return keyed.map((k) => k.name);
}
