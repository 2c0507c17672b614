/**
 * Custom layouts (docs/contract.md §8): an in-house program's znodes described in the config,
 * `clusters.<name>.layout: {leader, candidates, members, tasks, status, beat, data}`, made into a `Layout`.
 *
 * - `leader: {path, kind}`: `node`: the node at `path` is the leader (its data names it); `lowest-child`:
 *   the children of `path` are the candidates and the lowest sequence leads (leaderRule `lowest-candidate`).
 * - `candidates`, `members`, `tasks`, `status`: `{path, pattern}`, the children of `path` whose name matches
 *   the glob `pattern` (glob.ts; default "*"). A member's id, a task's id is the child's name.
 * - `beat`: `mtime` (members rewrite their node: HeartbeatStale applies) or `none` (default).
 * - `data`: `json` (the zkpulse fields it knows, leniently: docs/contract.md §2; the default), `text` (the
 *   data is the id) or `none` (data is not read).
 * Paths are relative to the cluster root ("" or "." is the root itself). Each role has its own path, none
 * inside another's: a node has one role.
 *
 * `checkCustomLayout` says what is wrong with a spec (the key and the reason, for the config's one line);
 * `customLayout` builds the Layout of a spec that passed it, and throws on one that did not.
 */
import { compileGlob, type Glob } from './glob.ts';
import type { CandidateData, Decoded, Layout, LayoutDecoders, LeaderData, MemberData, NodeClass, WatchedContainer } from './layout.ts';
import { sequenceOf } from './layouts/sequence.ts';
import { decodeCandidate, decodeMaster, decodeStatus, decodeTaskData, decodeWorker } from './zkpulse/data.ts';

export const CUSTOM_LAYOUT_NAME = 'custom';
export const LEADER_KINDS = ['node', 'lowest-child'] as const;
export const BEAT_KINDS = ['mtime', 'none'] as const;
export const DATA_KINDS = ['json', 'text', 'none'] as const;
/** the sections of a spec that name children by path and pattern */
export const CHILD_ROLES = ['candidates', 'members', 'tasks', 'status'] as const;
export type ChildRole = (typeof CHILD_ROLES)[number];

export interface LeaderSpec {
  readonly path: string;
  readonly kind: (typeof LEADER_KINDS)[number];
}

export interface ChildrenSpec {
  readonly path: string;
  /** a glob on the child names (glob.ts); "*" when absent */
  readonly pattern?: string;
}

export interface CustomLayoutSpec {
  readonly leader?: LeaderSpec;
  readonly candidates?: ChildrenSpec;
  readonly members?: ChildrenSpec;
  readonly tasks?: ChildrenSpec;
  readonly status?: ChildrenSpec;
  /** default `none` */
  readonly beat?: (typeof BEAT_KINDS)[number];
  /** default `json` */
  readonly data?: (typeof DATA_KINDS)[number];
}

/** What is wrong with a spec: `key` is the path inside the layout, e.g. ["members", "pattern"]. */
export interface SpecProblem {
  readonly key: readonly string[];
  readonly reason: string;
}

/** "" and "." are the root; else names joined by "/", no leading or trailing "/", no "." or "..". Null = fine. */
export function checkRelPath(path: string): string | null {
  if (path === '' || path === '.') return null;
  if (path.startsWith('/')) return `must be relative to the cluster root (no leading "/"), got ${JSON.stringify(path)}`;
  if (path.endsWith('/')) return `must not end with "/", got ${JSON.stringify(path)}`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'must not contain control characters';
  for (const segment of path.split('/')) {
    if (segment === '') return `must not contain an empty segment ("//"), got ${JSON.stringify(path)}`;
    if (segment === '.' || segment === '..') return `must not contain "." or ".." segments, got ${JSON.stringify(path)}`;
  }
  return null;
}

const normal = (path: string): string => (path === '.' ? '' : path);
/** is `inner` the same path as `outer` or below it? ("" holds everything) */
const within = (inner: string, outer: string): boolean => outer === '' || inner === outer || inner.startsWith(`${outer}/`);

/** The first problem of a spec (checked in the order of its keys), or null. Pure. */
export function checkCustomLayout(spec: CustomLayoutSpec): SpecProblem | null {
  const placed: { key: string; path: string }[] = [];
  if (spec.leader) {
    const problem = checkRelPath(spec.leader.path);
    if (problem) return { key: ['leader', 'path'], reason: problem };
    if (spec.leader.kind === 'node' && normal(spec.leader.path) === '') return { key: ['leader', 'path'], reason: 'a leader node must be below the cluster root, not the root itself' };
    placed.push({ key: 'leader', path: normal(spec.leader.path) });
  }
  for (const role of CHILD_ROLES) {
    const section = spec[role];
    if (!section) continue;
    const problem = checkRelPath(section.path);
    if (problem) return { key: [role, 'path'], reason: problem };
    if (section.pattern !== undefined) {
      const glob = compileGlob(section.pattern);
      if (!glob.ok) return { key: [role, 'pattern'], reason: glob.reason };
    }
    const path = normal(section.path);
    // with a lowest-child leader the candidates are the leader's children: the same path is the point
    if (role === 'candidates' && spec.leader?.kind === 'lowest-child') {
      if (path !== normal(spec.leader.path)) {
        return { key: ['candidates', 'path'], reason: `with leader.kind lowest-child the candidates are the children of leader.path ${JSON.stringify(spec.leader.path)}: give the same path or leave candidates out` };
      }
      continue;
    }
    for (const other of placed) {
      if (within(path, other.path) || within(other.path, path)) {
        const where = path === other.path ? 'is the same path as' : within(path, other.path) ? 'is inside' : 'holds';
        return { key: [role, 'path'], reason: `${JSON.stringify(section.path)} ${where} ${other.key}.path ${JSON.stringify(other.path)}: each role needs a path of its own` };
      }
    }
    placed.push({ key: role, path });
  }
  if (!spec.leader && !spec.candidates && !spec.members) return { key: [], reason: 'describes nothing to watch: give at least one of leader, candidates, members' };
  if (spec.status && (spec.data ?? 'json') !== 'json') return { key: ['status'], reason: 'progress is read from JSON data: status needs data: json' };
  return null;
}

const ROOT: NodeClass = { role: 'root' };
const LEADER: NodeClass = { role: 'leader' };
const OTHER: NodeClass = { role: 'other' };

interface ChildRule {
  readonly path: string;
  readonly glob: Glob;
  readonly role: 'candidate' | 'member' | 'task' | 'status';
}

function globOf(pattern: string | undefined): Glob {
  const compiled = compileGlob(pattern ?? '*');
  if (!compiled.ok) throw new Error(`custom layout: pattern ${JSON.stringify(pattern)} ${compiled.reason}`);
  return compiled.glob;
}

function classOf(rule: ChildRule, name: string): NodeClass {
  switch (rule.role) {
    case 'candidate':
      // the trailing sequence number (docs/contract.md §8), never the name; a name without one sorts last
      return { role: 'candidate', node: name, seq: sequenceOf(name) ?? Number.MAX_SAFE_INTEGER };
    case 'member':
      return { role: 'member', id: name };
    case 'task':
      return { role: 'task', task: name };
    case 'status':
      return { role: 'status', task: name };
  }
}

const text = (data: string | null, dataLength: number): Decoded<string | null> => {
  if (data === null && dataLength > 0) return { ok: false, reason: `data too large (${dataLength} bytes)` };
  const trimmed = (data ?? '').trim();
  return { ok: true, value: trimmed === '' ? null : trimmed };
};

const memberOf = (id: string | null): MemberData => ({ id, host: null, pid: null, startedAt: null, heartbeatMs: null, state: null, meta: null });
const noProgress = { ok: false, reason: 'progress is read from JSON data only' } as const;

function decodersFor(data: (typeof DATA_KINDS)[number]): LayoutDecoders {
  switch (data) {
    case 'json':
      return { leader: decodeMaster, candidate: decodeCandidate, member: decodeWorker, status: decodeStatus, task: decodeTaskData };
    case 'text':
      return {
        leader: (d, n): Decoded<LeaderData> => {
          const t = text(d, n);
          return t.ok ? { ok: true, value: { id: t.value, since: null } } : t;
        },
        candidate: (d, n): Decoded<CandidateData> => {
          const t = text(d, n);
          return t.ok ? { ok: true, value: { id: t.value } } : t;
        },
        member: (d, n): Decoded<MemberData> => {
          const t = text(d, n);
          return t.ok ? { ok: true, value: memberOf(t.value) } : t;
        },
        status: () => noProgress,
        task: (d) => (d === null || d === '' ? null : d),
      };
    case 'none':
      return {
        leader: () => ({ ok: true, value: { id: null, since: null } }),
        candidate: () => ({ ok: true, value: { id: null } }),
        member: () => ({ ok: true, value: memberOf(null) }),
        status: () => noProgress,
        task: () => null,
      };
  }
}

/** The Layout of a spec that passed checkCustomLayout (throws with the problem otherwise). */
export function customLayout(spec: CustomLayoutSpec): Layout {
  const problem = checkCustomLayout(spec);
  if (problem) throw new Error(`custom layout: ${['layout', ...problem.key].join('.')}: ${problem.reason}`);
  const leaderNode = spec.leader?.kind === 'node' ? normal(spec.leader.path) : null;
  const electionPath = spec.leader?.kind === 'lowest-child' ? normal(spec.leader.path) : null;
  const rules: ChildRule[] = [];
  const candidates = electionPath !== null ? { path: electionPath, pattern: spec.candidates?.pattern } : spec.candidates;
  if (candidates) rules.push({ path: normal(candidates.path), glob: globOf(candidates.pattern), role: 'candidate' });
  if (spec.members) rules.push({ path: normal(spec.members.path), glob: globOf(spec.members.pattern), role: 'member' });
  if (spec.tasks) rules.push({ path: normal(spec.tasks.path), glob: globOf(spec.tasks.pattern), role: 'task' });
  if (spec.status) rules.push({ path: normal(spec.status.path), glob: globOf(spec.status.pattern), role: 'status' });
  const byPath = new Map(rules.map((r) => [r.path, r]));
  const containers = new Map(rules.map((r): [string, NodeClass] => [r.path, { role: 'container', holds: r.role }]));

  const classify = (rel: string): NodeClass => {
    const path = rel.startsWith('/') ? rel.slice(1) : rel;
    if (path === '') return ROOT;
    if (path === leaderNode) return LEADER;
    const container = containers.get(path);
    if (container) return container;
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    const rule = byPath.get(slash === -1 ? '' : path.slice(0, slash));
    if (!rule || name === '' || !rule.glob.matches(name)) return OTHER;
    return classOf(rule, name);
  };

  const under = (base: string, name: string) => (base === '' ? name : `${base}/${name}`);
  const pathOf = (role: ChildRule['role']) => rules.find((r) => r.role === role)?.path ?? '';
  const watch: WatchedContainer[] = rules.map((r) => ({ path: r.path, depth: 1 }));
  const tasks = spec.tasks !== undefined || spec.status !== undefined;
  return {
    name: CUSTOM_LAYOUT_NAME,
    watch: { containers: watch, leaves: leaderNode === null ? [] : [leaderNode] },
    classify,
    paths: {
      leader: leaderNode ?? '',
      candidate: (node) => under(pathOf('candidate'), node),
      member: (id) => under(pathOf('member'), id),
      task: (task) => under(pathOf('task'), task),
      assignment: (member, task) => `${member}/${task}`,
      status: (task) => under(pathOf('status'), task),
    },
    decode: decodersFor(spec.data ?? 'json'),
    capabilities: { heartbeat: (spec.beat ?? 'none') === 'mtime', tasks, splitBrain: false },
    leaderRule: electionPath !== null ? 'lowest-candidate' : 'node',
  };
}
