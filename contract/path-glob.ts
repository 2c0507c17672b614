/**
 * Path globs of `clusters.<name>.locks` and `.config` (docs/contract.md §9): a path relative to the cluster
 * root whose segments are name globs of glob.ts (`locks/*`, `app/config/*`). A segment
 * matches one child name, never a run of levels (no `**`), so a glob of n segments matches paths of exactly
 * n names and costs one linear name match per segment. Pure.
 */
import { compileGlob, type Glob } from './glob.ts';

/** The most segments a path glob may have (deeper trees are a mistake, and each level is a watched container) */
export const MAX_PATH_GLOB_SEGMENTS = 16;

export interface PathGlob {
  /** the glob as configured */
  readonly pattern: string;
  /** its segments' patterns ("locks", "*") */
  readonly parts: readonly string[];
  readonly segments: readonly Glob[];
  /** how many leading segments are plain names (no `*`, `?` or class): the part that is a fixed path */
  readonly literalPrefix: number;
  /** do these names (a relative path split at "/") match, segment for segment? */
  matches(names: readonly string[]): boolean;
}

export type CompiledPathGlob = { ok: true; glob: PathGlob } | { ok: false; reason: string };

const SPECIAL = /[*?[\]]/;

/** Is this name pattern a plain name (it matches only itself)? */
export function isLiteralSegment(pattern: string): boolean {
  return !SPECIAL.test(pattern);
}

export function compilePathGlob(pattern: string): CompiledPathGlob {
  if (pattern === '') return { ok: false, reason: 'must not be empty: give a path relative to the cluster root, e.g. "locks/*"' };
  if (pattern.startsWith('/')) return { ok: false, reason: `must be relative to the cluster root (no leading "/"), got ${JSON.stringify(pattern)}` };
  const parts = pattern.split('/');
  if (parts.length > MAX_PATH_GLOB_SEGMENTS) return { ok: false, reason: `has more than ${MAX_PATH_GLOB_SEGMENTS} segments` };
  const segments: Glob[] = [];
  for (const [i, part] of parts.entries()) {
    if (part === '') return { ok: false, reason: `has an empty segment (${JSON.stringify(pattern)}): no "//" and no trailing "/"` };
    if (part === '.' || part === '..') return { ok: false, reason: `segment ${i + 1} is "${part}": ZooKeeper paths have no relative segments` };
    const compiled = compileGlob(part);
    if (!compiled.ok) return { ok: false, reason: `segment ${i + 1} ${JSON.stringify(part)} ${compiled.reason}` };
    segments.push(compiled.glob);
  }
  let literalPrefix = 0;
  while (literalPrefix < parts.length && isLiteralSegment(parts[literalPrefix] as string)) literalPrefix++;
  return {
    ok: true,
    glob: {
      pattern,
      parts,
      segments,
      literalPrefix,
      matches(names) {
        if (names.length !== segments.length) return false;
        for (let i = 0; i < segments.length; i++) if (!(segments[i] as Glob).matches(names[i] as string)) return false;
        return true;
      },
    },
  };
}

/** Do the first `names.length` segments of `glob` match `names` (a path at or above the glob's nodes)? */
export function matchesPrefix(glob: PathGlob, names: readonly string[]): boolean {
  if (names.length > glob.segments.length) return false;
  for (let i = 0; i < names.length; i++) if (!(glob.segments[i] as Glob).matches(names[i] as string)) return false;
  return true;
}
