/**
 * The one place user-supplied regular expressions are compiled and matched (silence matchers, and any
 * regex a config accepts): RE2 syntax and semantics through the pure-JS `re2js`, as Alertmanager (Go's
 * regexp, also RE2) has them. RE2 matches in time linear in the input, so no pattern can backtrack
 * exponentially. What is left is bounded here: a pattern's size (characters, and instructions after
 * counted repetitions such as `x{1000}` are expanded), and the length of a value it is matched against.
 * A match is anchored at both ends, as Alertmanager anchors matcher regexes (`^(?:…)$`).
 */
import { RE2JS } from 're2js';

/** longest pattern accepted, characters */
export const MAX_PATTERN_CHARS = 1024;
/** largest compiled pattern accepted, RE2 instructions (an alternation of 100 eight-letter names is ~900) */
export const MAX_PROGRAM_SIZE = 1024;
/**
 * Longest value a regex is run against, characters. A longer label value never satisfies a regex
 * matcher, `=~` or `!~`: a silence with one does not mute that alert, which is then delivered.
 */
export const MAX_MATCHED_VALUE_CHARS = 1024;

export interface UserRegex {
  readonly pattern: string;
  /** whether the whole value matches (false for a value over MAX_MATCHED_VALUE_CHARS) */
  matches(value: string): boolean;
}

export type CompiledRegex = { ok: true; regex: UserRegex } | { ok: false; problem: string };

const CACHE_SIZE = 1000;
const RESULTS_PER_PATTERN = 1024;
const cache = new Map<string, CompiledRegex>();

/**
 * Compiles a user pattern (cached: the same silence is matched on every notification flush). The
 * problem, when there is one, is one line without the pattern itself (callers name the field).
 */
export function compileUserRegex(pattern: string): CompiledRegex {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const compiled = compile(pattern);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}

function compile(pattern: string): CompiledRegex {
  if (pattern.length > MAX_PATTERN_CHARS) return { ok: false, problem: `a regular expression may have at most ${MAX_PATTERN_CHARS} characters` };
  // checked before compiling: compiling `\pL{1000}` a hundred times over would itself take seconds
  if (expandedSize(pattern) > MAX_PROGRAM_SIZE) return tooLarge();
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    return { ok: false, problem: `bad regular expression: ${(err as Error).message}` };
  }
  if (re.programSize() > MAX_PROGRAM_SIZE) return tooLarge();
  // The pattern is compiled alone and matched whole (testExact), which is `^(?:pattern)$` without
  // letting a pattern such as `a)|(b` escape the group.
  const results = new Map<string, boolean>();
  return {
    ok: true,
    regex: {
      pattern,
      matches(value) {
        if (value.length > MAX_MATCHED_VALUE_CHARS) return false;
        let r = results.get(value);
        if (r === undefined) {
          r = re.testExact(value);
          if (results.size >= RESULTS_PER_PATTERN) results.clear();
          results.set(value, r);
        }
        return r;
      },
    },
  };
}

/** the instructions every program has (fail, the whole match's captures, match) */
const PROGRAM_OVERHEAD = 4;

const tooLarge = (): CompiledRegex => ({
  ok: false,
  problem: `regular expression too large (more than ${MAX_PROGRAM_SIZE} instructions once repetitions like x{100} are expanded)`,
});

/**
 * An upper bound, without compiling, of the instructions a pattern compiles to: every atom and operator counts 1, `|` 2, a group what it holds + 2 (its captures),
 * and a counted repetition `{n}`, `{n,}`, `{n,m}` its largest count of copies, each + 2 (splits).
 * Over-counting only makes the bound safer (a property test checks it against re2js).
 */
export function expandedSize(p: string): number {
  const groups: Array<{ total: number; last: number }> = [{ total: 0, last: 0 }];
  const top = () => groups[groups.length - 1]!;
  const atom = (cost: number) => {
    const g = top();
    g.total += cost;
    g.last = cost;
  };
  const repeat = /\{(\d+)(?:,(\d*))?\}/y;
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '\\') {
      const next = p[i + 1];
      if (next === 'Q') {
        // \Q...\E: literal text, each character an atom (a repetition after it applies to the last one)
        const end = p.indexOf('\\E', i + 2);
        const stop = end < 0 ? p.length : end;
        const g = top();
        g.total += stop - (i + 2);
        g.last = 1;
        i = end < 0 ? p.length : end + 2;
        continue;
      }
      if ((next === 'p' || next === 'P' || next === 'x') && p[i + 2] === '{') {
        const end = p.indexOf('}', i + 3);
        i = end < 0 ? p.length : end + 1;
      } else {
        i += 2;
      }
      atom(1);
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (p[j] === '^') j++;
      if (p[j] === ']') j++;
      while (j < p.length && p[j] !== ']') {
        if (p[j] === '\\') j += 2;
        else if (p[j] === '[' && p[j + 1] === ':') {
          const end = p.indexOf(':]', j + 2);
          j = end < 0 ? j + 1 : end + 2;
        } else j++;
      }
      i = j + 1;
      atom(1);
      continue;
    }
    if (c === '(') {
      groups.push({ total: 0, last: 0 });
      i++;
      continue;
    }
    if (c === ')') {
      if (groups.length > 1) atom(groups.pop()!.total + 2);
      else atom(1);
      i++;
      continue;
    }
    if (c === '{') {
      repeat.lastIndex = i;
      const m = repeat.exec(p);
      if (m) {
        const n = Number(m[1]);
        const most = m[2] === undefined ? n : m[2] === '' ? n + 1 : Math.max(n, Number(m[2]));
        const g = top();
        const copies = Math.max(most, 1);
        g.total += g.last * (copies - 1) + 2 * copies;
        g.last = g.last * copies + 2 * copies;
        i += m[0].length;
        continue;
      }
    }
    atom(c === '|' ? 2 : 1);
    i++;
  }
  while (groups.length > 1) atom(groups.pop()!.total);
  return groups[0]!.total + PROGRAM_OVERHEAD;
}
