/**
 * Globs on znode child names, for custom layouts (docs/contract.md §8): `*` (any run, also empty), `?` (one
 * character) and character classes (`[abc]`, `[a-z]`, `[!0-9]` or `[^0-9]`; a `]` first is literal).
 * Nothing else: braces, `**`, extglobs, escapes and `/` are refused with a reason, so a pattern means what it
 * looks like. A name has no leading-dot rule (`*` matches ".x").
 *
 * Matching never backtracks: the pattern is cut at its stars into segments of fixed length; the first is
 * anchored at the start, the last at the end, and each one between is found at its leftmost place after the
 * previous (leftmost is always safe for a segment between stars). That is O(name × pattern) at worst, and a
 * pattern like `*a*a*a*a*b` that takes a backtracking matcher exponential time costs one pass here.
 */

/** The longest pattern accepted (a child name pattern; longer ones are mistakes) */
export const MAX_GLOB_LENGTH = 256;

/** One character position of a segment: a literal code point, `?`, or a class. */
type Atom = { kind: 'char'; cp: number } | { kind: 'any' } | { kind: 'class'; negated: boolean; ranges: readonly (readonly [number, number])[] };

export interface Glob {
  readonly pattern: string;
  matches(name: string): boolean;
}

export type CompiledGlob = { ok: true; glob: Glob } | { ok: false; reason: string };

/** Compile `pattern`; a refusal says what is wrong and what to write instead. */
export function compileGlob(pattern: string): CompiledGlob {
  if (pattern === '') return { ok: false, reason: 'must not be empty (use "*" for every child)' };
  if (pattern.length > MAX_GLOB_LENGTH) return { ok: false, reason: `is longer than ${MAX_GLOB_LENGTH} characters` };
  const cps = Array.from(pattern, (ch) => ch.codePointAt(0) as number);
  const segments: Atom[][] = [[]];
  let anchoredStart = true;
  let anchoredEnd = true;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i] as number;
    const ch = String.fromCodePoint(cp);
    const next = cps[i + 1] === undefined ? '' : String.fromCodePoint(cps[i + 1] as number);
    if ('?*+@!'.includes(ch) && next === '(') return { ok: false, reason: `extended globs such as "${ch}(...)" are not supported: use *, ? and [...]` };
    switch (ch) {
      case '*':
        if (next === '*') return { ok: false, reason: '"**" is not supported: a pattern matches one child name, "*" is any run of characters' };
        if (i === 0) anchoredStart = false;
        if (i === cps.length - 1) anchoredEnd = false;
        segments.push([]);
        break;
      case '?':
        (segments.at(-1) as Atom[]).push({ kind: 'any' });
        break;
      case '[': {
        const parsed = parseClass(cps, i);
        if (typeof parsed === 'string') return { ok: false, reason: parsed };
        (segments.at(-1) as Atom[]).push(parsed.atom);
        i = parsed.end;
        break;
      }
      case '{':
      case '}':
        return { ok: false, reason: 'braces {a,b} are not supported: use one pattern per alternative or a class [ab]' };
      case '\\':
        return { ok: false, reason: 'backslash escapes are not supported: put a special character in a class, e.g. [*]' };
      case '/':
        return { ok: false, reason: 'must not contain "/": a pattern matches one child name' };
      case ']':
        return { ok: false, reason: 'has a "]" without its "["' };
      default:
        if (cp < 0x20 || cp === 0x7f) return { ok: false, reason: 'must not contain control characters' };
        (segments.at(-1) as Atom[]).push({ kind: 'char', cp });
    }
  }
  return { ok: true, glob: build(pattern, segments, anchoredStart, anchoredEnd) };
}

/** `[...]` starting at cps[start] → the class and the index of its `]`, or the reason it is bad. */
function parseClass(cps: readonly number[], start: number): { atom: Atom; end: number } | string {
  let i = start + 1;
  let negated = false;
  if (cps[i] === 0x21 /* ! */ || cps[i] === 0x5e /* ^ */) {
    negated = true;
    i++;
  }
  const ranges: (readonly [number, number])[] = [];
  let first = true;
  for (; i < cps.length; i++) {
    const cp = cps[i] as number;
    if (cp === 0x5d /* ] */ && !first) {
      return { atom: { kind: 'class', negated, ranges }, end: i };
    }
    first = false;
    if (cp === 0x5b /* [ */ && cps[i + 1] === 0x3a /* : */) return 'named classes such as [[:digit:]] are not supported: use [0-9]';
    if (cp === 0x5c /* \ */) return 'backslash escapes are not supported: put a special character in a class, e.g. [*]';
    if (cp === 0x2f /* / */) return 'must not contain "/": a pattern matches one child name';
    if (cp < 0x20 || cp === 0x7f) return 'must not contain control characters';
    const dash = cps[i + 1] === 0x2d /* - */;
    const hi = cps[i + 2];
    if (dash && hi !== undefined && hi !== 0x5d) {
      if (hi < cp) return `the range "${String.fromCodePoint(cp)}-${String.fromCodePoint(hi)}" runs backwards`;
      ranges.push([cp, hi]);
      i += 2;
    } else {
      ranges.push([cp, cp]);
    }
  }
  return 'has a "[" without its "]"';
}

function atomMatches(atom: Atom, cp: number): boolean {
  switch (atom.kind) {
    case 'char':
      return atom.cp === cp;
    case 'any':
      return true;
    case 'class': {
      let inside = false;
      for (const [lo, hi] of atom.ranges) {
        if (cp >= lo && cp <= hi) {
          inside = true;
          break;
        }
      }
      return inside !== atom.negated;
    }
  }
}

/** Does `segment` match name[at .. at + segment.length)? */
function segmentAt(segment: readonly Atom[], name: readonly number[], at: number): boolean {
  for (let k = 0; k < segment.length; k++) if (!atomMatches(segment[k] as Atom, name[at + k] as number)) return false;
  return true;
}

function build(pattern: string, segments: Atom[][], anchoredStart: boolean, anchoredEnd: boolean): Glob {
  const parts = segments.filter((s, i) => s.length > 0 || i === 0 || i === segments.length - 1);
  const onlyChars = parts.every((s) => s.every((a) => a.kind === 'char'));
  // fast paths for the common shapes: "*" and plain names
  if (parts.every((s) => s.length === 0) && !anchoredStart) return { pattern, matches: () => true };
  if (parts.length === 1 && onlyChars) return { pattern, matches: (name) => name === pattern };
  return {
    pattern,
    matches(name) {
      const cps = Array.from(name, (ch) => ch.codePointAt(0) as number);
      return matchSegments(parts, cps, anchoredStart, anchoredEnd);
    },
  };
}

function matchSegments(parts: readonly (readonly Atom[])[], name: readonly number[], anchoredStart: boolean, anchoredEnd: boolean): boolean {
  if (parts.length === 1) {
    // no star at all: one fixed-length segment over the whole name
    const only = parts[0] as readonly Atom[];
    return only.length === name.length && segmentAt(only, name, 0);
  }
  let pos = 0;
  let from = 0;
  let to = parts.length;
  if (anchoredStart) {
    const head = parts[0] as readonly Atom[];
    if (head.length > name.length || !segmentAt(head, name, 0)) return false;
    pos = head.length;
    from = 1;
  }
  let end = name.length;
  if (anchoredEnd) {
    const tail = parts[parts.length - 1] as readonly Atom[];
    if (tail.length > end - pos || !segmentAt(tail, name, end - tail.length)) return false;
    end -= tail.length;
    to = parts.length - 1;
  }
  for (let s = from; s < to; s++) {
    const segment = parts[s] as readonly Atom[];
    if (segment.length === 0) continue;
    let found = -1;
    for (let at = pos; at + segment.length <= end; at++) {
      if (segmentAt(segment, name, at)) {
        found = at;
        break;
      }
    }
    if (found === -1) return false;
    pos = found + segment.length;
  }
  return true;
}
