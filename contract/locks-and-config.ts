/**
 * `clusters.<name>.locks` and `.config` (docs/contract.md §9) for any layout: path globs (path-glob.ts) naming
 * the lock nodes (their children are the contenders, contract/locks.ts) and the configuration keys of a
 * cluster. `withLocksAndConfig(layout, spec)` is the layout plus those: it watches only what the globs can
 * match (containers with a `match` filter, WatchedContainer) and classifies those paths before the base
 * layout does. `checkLocksAndConfig` says what is wrong with a spec (the key and a reason), including a glob
 * that reaches into nodes the base layout gives another role. Pure.
 */
import type { Layout, NodeClass, WatchedContainer } from './layout.ts';
import { parseLockContender } from './locks.ts';
import { compileGlob } from './glob.ts';
import { compilePathGlob, isLiteralSegment, matchesPrefix, type PathGlob } from './path-glob.ts';
import { splitRelPath } from './paths.ts';

/** A config glob with options: `diff` keeps a digest per top-level JSON field (names which fields changed). */
export interface ConfigGlobSpec {
  readonly path: string;
  readonly diff?: boolean;
}

/** What `clusters.<name>` adds besides root and layout. */
export interface LocksAndConfigSpec {
  readonly locks?: readonly string[];
  readonly config?: readonly (string | ConfigGlobSpec)[];
}

export interface LocksAndConfigProblem {
  /** below the cluster: ["locks", 0] or ["config", 1, "path"] */
  readonly key: readonly (string | number)[];
  readonly reason: string;
}

const OTHER: NodeClass = { role: 'other' };

const globPath = (entry: string | ConfigGlobSpec): string => (typeof entry === 'string' ? entry : entry.path);

/** The problem of a spec over `base`, or null. */
export function checkLocksAndConfig(base: Layout, spec: LocksAndConfigSpec): LocksAndConfigProblem | null {
  const locks: PathGlob[] = [];
  for (const [i, pattern] of (spec.locks ?? []).entries()) {
    const compiled = compilePathGlob(pattern);
    if (!compiled.ok) return { key: ['locks', i], reason: compiled.reason };
    const overlap = overlapWithBase(base, compiled.glob, 'lock-contender');
    if (overlap) return { key: ['locks', i], reason: overlap };
    locks.push(compiled.glob);
  }
  for (const [i, entry] of (spec.config ?? []).entries()) {
    const key = typeof entry === 'string' ? ['config', i] : ['config', i, 'path'];
    const compiled = compilePathGlob(globPath(entry));
    if (!compiled.ok) return { key, reason: compiled.reason };
    const overlap = overlapWithBase(base, compiled.glob, 'config');
    if (overlap) return { key, reason: overlap };
    for (const lock of locks) {
      if (mayOverlap(compiled.glob.parts, lock.parts) || mayOverlap(compiled.glob.parts, [...lock.parts, '*'])) {
        return { key, reason: `${JSON.stringify(compiled.glob.pattern)} may match the same nodes as the lock glob ${JSON.stringify(lock.pattern)} or its contenders: give each a path of its own` };
      }
    }
  }
  return null;
}

/**
 * Could two globs of the same length match one path? Exact where a segment is a plain name; two wildcard
 * segments are taken to meet (deciding that for globs in general is not worth the rule it would make).
 */
function mayOverlap(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (isLiteralSegment(x) && !matchesName(y, x)) return false;
    if (isLiteralSegment(y) && !matchesName(x, y)) return false;
  }
  return true;
}

const matchesName = (pattern: string, name: string): boolean => {
  const compiled = compileGlob(pattern);
  return compiled.ok && compiled.glob.matches(name);
};

const isOwnContainer = (node: NodeClass, kind: 'lock-contender' | 'config'): boolean => node.role === 'container' && node.holds === kind;
const isOwn = (node: NodeClass, kind: 'lock-contender' | 'config'): boolean => node.role === 'other' || node.role === kind || isOwnContainer(node, kind);

/**
 * Why `glob` (and, for a lock, its contenders one level below) reaches into nodes the base layout gives
 * another role, or null. Nodes the base already gives this kind (zkpulse `config/*`) are no overlap: a glob
 * there only adds options (a diff). Plain names are probed with the base's classify; a wildcard inside a
 * container of the base's plan is an overlap unless that container holds this kind.
 */
function overlapWithBase(base: Layout, glob: PathGlob, kind: 'lock-contender' | 'config'): string | null {
  const shapes: (readonly string[])[] = kind === 'lock-contender' ? [glob.parts, [...glob.parts, '*']] : [glob.parts];
  const tail = `the ${base.name} layout: give a path the layout does not use`;
  for (const shape of shapes) {
    const what = shape.length > glob.parts.length ? `the contenders of ${JSON.stringify(glob.pattern)}` : JSON.stringify(glob.pattern);
    const compiled = compilePathGlob(shape.join('/'));
    if (!compiled.ok) continue;
    const g = compiled.glob;
    for (const leaf of base.watch.leaves) {
      const names = splitRelPath(leaf);
      if (names !== null && g.matches(names) && !isOwn(base.classify(leaf), kind)) return `${what} would match "${leaf}", a node of ${tail}`;
    }
    for (const c of base.watch.containers) {
      const cNames = splitRelPath(c.path) ?? [];
      if (shape.length < cNames.length || !matchesPrefix(g, cNames)) continue;
      const levels = shape.length - cNames.length;
      if (levels > c.depth) continue;
      const belowC = shape.slice(cNames.length);
      if (belowC.every(isLiteralSegment)) {
        const probe = shape.join('/');
        if (!isOwn(base.classify(probe), kind)) return `${what} would match "${probe}", a node of ${tail}`;
      } else if (!isOwnContainer(base.classify(c.path), kind)) {
        const inside = c.path === '' ? 'the cluster root' : JSON.stringify(c.path);
        return `${what} may match children of ${inside}, watched by ${tail}`;
      }
    }
  }
  return null;
}

/** The layout's contenders of a lock, classified: the lock's relative path and the child's name. */
function contender(lock: string, node: string): NodeClass {
  const parsed = parseLockContender(node);
  return parsed === null ? OTHER : { role: 'lock-contender', lock, node, seq: parsed.seq, mode: parsed.mode };
}

/** `base` with the spec's locks and configuration keys (checked by checkLocksAndConfig: a bad glob here throws). */
export function withLocksAndConfig(base: Layout, spec: LocksAndConfigSpec): Layout {
  const compile = (pattern: string): PathGlob => {
    const compiled = compilePathGlob(pattern);
    if (!compiled.ok) throw new Error(`withLocksAndConfig: ${JSON.stringify(pattern)} ${compiled.reason}`);
    return compiled.glob;
  };
  const locks = (spec.locks ?? []).map(compile);
  const config = (spec.config ?? []).map((entry) => ({ glob: compile(globPath(entry)), diff: typeof entry === 'object' && entry.diff === true }));
  if (locks.length === 0 && config.length === 0) return base;

  // the watch plan: the fixed prefix of each glob is a container, what follows its `match` (contenders: "*")
  const byPath = new Map<string, { depth: number; match: (readonly string[])[] }>();
  const leaves: string[] = [];
  const addContainer = (parts: readonly string[], literal: number, below: readonly string[]) => {
    const path = parts.slice(0, literal).join('/');
    const entry = byPath.get(path) ?? { depth: 0, match: [] };
    entry.depth = Math.max(entry.depth, below.length);
    entry.match.push(below);
    byPath.set(path, entry);
  };
  for (const g of locks) addContainer(g.parts, g.literalPrefix, [...g.parts.slice(g.literalPrefix), '*']);
  for (const { glob: g } of config) {
    if (g.literalPrefix === g.parts.length) leaves.push(g.pattern);
    else addContainer(g.parts, g.literalPrefix, g.parts.slice(g.literalPrefix));
  }
  const containers: WatchedContainer[] = [...base.watch.containers];
  for (const [path, { depth, match }] of byPath) containers.push({ path, depth, match });

  // the hot path: most events are the base layout's; when every glob starts with a plain name, others skip the globs
  const firsts = [...locks, ...config.map((c) => c.glob)];
  const firstNames = firsts.every((g) => g.literalPrefix > 0) ? new Set(firsts.map((g) => g.parts[0] as string)) : null;

  const classify = (rel: string): NodeClass => {
    if (firstNames !== null) {
      const slash = rel.indexOf('/');
      if (!firstNames.has(slash === -1 ? rel : rel.slice(0, slash))) return base.classify(rel);
    }
    const names = splitRelPath(rel);
    if (names === null || names.length === 0) return base.classify(rel);
    for (const g of locks) {
      const n = g.segments.length;
      if (names.length === n && g.matches(names)) return { role: 'container', holds: 'lock-contender', group: names.join('/') };
      if (names.length === n + 1 && matchesPrefix(g, names.slice(0, n))) return contender(names.slice(0, n).join('/'), names[n] as string);
    }
    for (const { glob: g } of config) if (g.matches(names)) return { role: 'config', key: names.join('/') };
    return base.classify(rel);
  };

  const diffs = config.filter((c) => c.diff).map((c) => c.glob);
  const baseDiff = base.configDiff;
  const configDiff = (key: string): boolean => {
    const names = splitRelPath(key);
    if (names !== null && diffs.some((g) => g.matches(names))) return true;
    return baseDiff ? baseDiff(key) : false;
  };

  return {
    ...base,
    watch: { containers, leaves: [...base.watch.leaves, ...leaves.filter((l) => !base.watch.leaves.includes(l))] },
    classify,
    capabilities: {
      ...base.capabilities,
      locks: base.capabilities.locks === true || locks.length > 0,
      config: base.capabilities.config === true || config.length > 0,
    },
    configDiff,
  };
}
