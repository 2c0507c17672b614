/**
 * One `clusters.<name>` value of the collect config (docs/contract.md §8): a root path (the zkpulse layout),
 * or `{root, layout}` where layout is a built-in name (the registry of contract/layouts.ts, asked at run
 * time) or an inline custom layout (contract/custom-layout.ts). Pure; a problem is the key path below the
 * cluster (["layout", "members", "pattern"]) and a reason, for the config's one line.
 */
import { CHILD_ROLES, BEAT_KINDS, DATA_KINDS, LEADER_KINDS, checkCustomLayout, customLayout, type CustomLayoutSpec } from '../../contract/custom-layout.ts';
import type { Layout } from '../../contract/layout.ts';
import { DEFAULT_LAYOUT, layoutNamed, layoutNames } from '../../contract/layouts.ts';
import { checkLocksAndConfig, withLocksAndConfig, type ConfigGlobSpec, type LocksAndConfigSpec } from '../../contract/locks-and-config.ts';
import { checkZkPath } from './validators.ts';

/** A cluster's layout as configured, and the Layout it makes. */
export interface ClusterLayoutConfig {
  readonly layout: Layout;
  /** what the config said: a built-in name, or the inline spec (recorded with the cluster, collector/recorder.ts) */
  readonly configured: string | CustomLayoutSpec;
  /** `clusters.<name>.locks` / `.config` as configured, when given (`layout` includes them; recorded too) */
  readonly recipes?: LocksAndConfigSpec;
}

export interface ClusterEntry {
  root: string;
  /** absent: no layout named (the zkpulse layout) */
  layout?: ClusterLayoutConfig;
  /** `clusters.<name>.ensemble` (docs/contract.md §10); absent: `default`, the ensemble of `zk`. Checked against `ensembles` by the schema */
  ensemble?: string;
}

export type ParsedEntry = { ok: true; entry: ClusterEntry } | { ok: false; path: (string | number)[]; message: string };

const fail = (path: (string | number)[], message: string): ParsedEntry => ({ ok: false, path, message });
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (names: readonly string[]) => names.join(', ');

/** The built-in layout of this name, as configured. */
export function builtInLayout(name: string): ClusterLayoutConfig | string {
  const layout = layoutNamed(name);
  return layout ? { layout, configured: name } : `unknown layout ${JSON.stringify(name)} (built in: ${list(layoutNames())}; or an inline custom layout)`;
}

/** A layout value (a built-in name or an inline spec) → its config, or the problem (path below "layout"). */
export function parseLayoutValue(value: unknown): { ok: true; layout: ClusterLayoutConfig } | { ok: false; path: string[]; message: string } {
  if (typeof value === 'string') {
    const built = builtInLayout(value);
    return typeof built === 'string' ? { ok: false, path: [], message: built } : { ok: true, layout: built };
  }
  if (!isMap(value)) return { ok: false, path: [], message: `expected a layout name (${list(layoutNames())}) or an inline custom layout {leader, candidates, members, ...}` };
  const spec = parseSpec(value);
  if (!spec.ok) return spec;
  const problem = checkCustomLayout(spec.spec);
  if (problem) return { ok: false, path: [...problem.key], message: problem.reason };
  return { ok: true, layout: { layout: customLayout(spec.spec), configured: spec.spec } };
}

export function parseClusterEntry(value: unknown): ParsedEntry {
  if (typeof value === 'string') {
    const problem = checkZkPath(value, 'root');
    if (problem) return fail([], problem);
    return { ok: true, entry: { root: value } };
  }
  if (!isMap(value)) return fail([], 'expected a root path or {root, layout, locks, config, ensemble}');
  for (const key of Object.keys(value)) if (!ENTRY_KEYS.includes(key)) return fail([key], 'unknown key (expected root, layout, locks, config and ensemble)');
  if (value.ensemble !== undefined && typeof value.ensemble !== 'string') return fail(['ensemble'], 'expected an ensemble name (default or a key of ensembles)');
  const parsed = parseRootAndRecipes(value);
  if (!parsed.ok || typeof value.ensemble !== 'string') return parsed;
  return { ok: true, entry: { ...parsed.entry, ensemble: value.ensemble } };
}

function parseRootAndRecipes(value: Record<string, unknown>): ParsedEntry {
  if (value.root === undefined) return fail(['root'], 'missing; give the cluster root path, e.g. /apps/crawler');
  if (typeof value.root !== 'string') return fail(['root'], 'expected a path');
  const rootProblem = checkZkPath(value.root, 'root');
  if (rootProblem) return fail(['root'], rootProblem);
  let layout: ClusterLayoutConfig | undefined;
  if (value.layout !== undefined) {
    const parsed = parseLayoutValue(value.layout);
    if (!parsed.ok) return fail(['layout', ...parsed.path], parsed.message);
    layout = parsed.layout;
  }
  if (value.locks === undefined && value.config === undefined) return { ok: true, entry: layout ? { root: value.root, layout } : { root: value.root } };
  const recipes = parseRecipes(value);
  if (!recipes.ok) return fail(recipes.path, recipes.message);
  const base = layout ?? { layout: layoutNamed(DEFAULT_LAYOUT) as Layout, configured: DEFAULT_LAYOUT };
  const problem = checkLocksAndConfig(base.layout, recipes.spec);
  if (problem) return fail([...problem.key], problem.reason);
  return {
    ok: true,
    entry: { root: value.root, layout: { layout: withLocksAndConfig(base.layout, recipes.spec), configured: base.configured, recipes: recipes.spec } },
  };
}

const ENTRY_KEYS = ['root', 'layout', 'locks', 'config', 'ensemble'];

/**
 * The shape of `locks: [glob, ...]` and `config: [glob | {path, diff}, ...]` (docs/contract.md §9); what the
 * globs mean is checkLocksAndConfig's.
 */
function parseRecipes(value: Record<string, unknown>): { ok: true; spec: LocksAndConfigSpec } | { ok: false; path: (string | number)[]; message: string } {
  const spec: { locks?: string[]; config?: (string | ConfigGlobSpec)[] } = {};
  if (value.locks !== undefined) {
    if (!Array.isArray(value.locks)) return { ok: false, path: ['locks'], message: 'expected a list of path globs relative to the cluster root, e.g. [locks/*]' };
    const locks: string[] = [];
    for (const [i, glob] of (value.locks as unknown[]).entries()) {
      if (typeof glob !== 'string') return { ok: false, path: ['locks', i], message: 'expected a path glob relative to the cluster root, e.g. "locks/*"' };
      locks.push(glob);
    }
    spec.locks = locks;
  }
  if (value.config !== undefined) {
    if (!Array.isArray(value.config)) return { ok: false, path: ['config'], message: 'expected a list of path globs or {path, diff}, e.g. [app/config/*]' };
    const config: (string | ConfigGlobSpec)[] = [];
    for (const [i, entry] of (value.config as unknown[]).entries()) {
      const at: (string | number)[] = ['config', i];
      if (typeof entry === 'string') {
        config.push(entry);
        continue;
      }
      if (!isMap(entry)) return { ok: false, path: at, message: 'expected a path glob or {path, diff}' };
      for (const key of Object.keys(entry)) if (key !== 'path' && key !== 'diff') return { ok: false, path: [...at, key], message: 'unknown key (expected path and diff)' };
      if (typeof entry.path !== 'string') return { ok: false, path: [...at, 'path'], message: entry.path === undefined ? 'missing; give a path glob relative to the cluster root' : 'expected a path glob relative to the cluster root' };
      if (entry.diff !== undefined && typeof entry.diff !== 'boolean') return { ok: false, path: [...at, 'diff'], message: 'expected true or false' };
      config.push(entry.diff === undefined ? { path: entry.path } : { path: entry.path, diff: entry.diff });
    }
    spec.config = config;
  }
  return { ok: true, spec };
}

const SPEC_KEYS = ['leader', ...CHILD_ROLES, 'beat', 'data'] as const;

type SpecResult = { ok: true; spec: CustomLayoutSpec } | { ok: false; path: string[]; message: string };

function oneOf<T extends string>(value: unknown, allowed: readonly T[], key: string[]): { ok: true; value: T } | { ok: false; path: string[]; message: string } {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return { ok: true, value: value as T };
  return { ok: false, path: key, message: `expected ${allowed.join(' or ')}, got ${JSON.stringify(value)}` };
}

/** The shape of an inline spec: known keys, strings where strings go. The meaning is checkCustomLayout's. */
function parseSpec(raw: Record<string, unknown>): SpecResult {
  for (const key of Object.keys(raw)) {
    if (!(SPEC_KEYS as readonly string[]).includes(key)) return { ok: false, path: [key], message: `unknown key (a custom layout has ${list(SPEC_KEYS)})` };
  }
  const spec: { -readonly [K in keyof CustomLayoutSpec]: CustomLayoutSpec[K] } = {};
  if (raw.leader !== undefined) {
    const leader = raw.leader;
    if (!isMap(leader)) return { ok: false, path: ['leader'], message: 'expected {path, kind}' };
    for (const key of Object.keys(leader)) if (key !== 'path' && key !== 'kind') return { ok: false, path: ['leader', key], message: 'unknown key (expected path and kind)' };
    if (leader.path === undefined) return { ok: false, path: ['leader', 'path'], message: 'missing; give the path relative to the cluster root' };
    if (typeof leader.path !== 'string') return { ok: false, path: ['leader', 'path'], message: 'expected a path relative to the cluster root' };
    if (leader.kind === undefined) return { ok: false, path: ['leader', 'kind'], message: `missing; ${LEADER_KINDS.join(' or ')}` };
    const kind = oneOf(leader.kind, LEADER_KINDS, ['leader', 'kind']);
    if (!kind.ok) return kind;
    spec.leader = { path: leader.path, kind: kind.value };
  }
  for (const role of CHILD_ROLES) {
    const section = raw[role];
    if (section === undefined) continue;
    if (!isMap(section)) return { ok: false, path: [role], message: 'expected {path, pattern}' };
    for (const key of Object.keys(section)) if (key !== 'path' && key !== 'pattern') return { ok: false, path: [role, key], message: 'unknown key (expected path and pattern)' };
    if (section.path === undefined) return { ok: false, path: [role, 'path'], message: 'missing; give the path relative to the cluster root' };
    if (typeof section.path !== 'string') return { ok: false, path: [role, 'path'], message: 'expected a path relative to the cluster root' };
    if (section.pattern !== undefined && typeof section.pattern !== 'string') return { ok: false, path: [role, 'pattern'], message: 'expected a glob on the child names, e.g. "n_*"' };
    spec[role] = section.pattern === undefined ? { path: section.path } : { path: section.path, pattern: section.pattern };
  }
  if (raw.beat !== undefined) {
    const beat = oneOf(raw.beat, BEAT_KINDS, ['beat']);
    if (!beat.ok) return beat;
    spec.beat = beat.value;
  }
  if (raw.data !== undefined) {
    const data = oneOf(raw.data, DATA_KINDS, ['data']);
    if (!data.ok) return data;
    spec.data = data.value;
  }
  return { ok: true, spec };
}
