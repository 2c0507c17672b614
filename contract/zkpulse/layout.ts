/** The zkpulse layout (docs/contract.md §2) as a Layout: what the collector watches and how it reads it. */
import { splitRelPath } from '../paths.ts';
import type { Layout, NodeClass } from '../layout.ts';
import { decodeCandidate, decodeMaster, decodeStatus, decodeTaskData, decodeWorker } from './data.ts';
import { ASSIGN, CONFIG, ELECTION, LOCKS, MASTER, STATUS, TASKS, WORKERS, candidateSeq } from './paths.ts';
import { parseLockContender } from '../locks.ts';

const ROOT: NodeClass = { role: 'root' };
const LEADER: NodeClass = { role: 'leader' };
const OTHER: NodeClass = { role: 'other' };
const CONTAINERS: Readonly<Record<string, NodeClass>> = {
  [WORKERS]: { role: 'container', holds: 'member' },
  [ELECTION]: { role: 'container', holds: 'candidate' },
  [TASKS]: { role: 'container', holds: 'task' },
  [ASSIGN]: { role: 'container', holds: 'assignment' },
  [STATUS]: { role: 'container', holds: 'status' },
  [LOCKS]: { role: 'container', holds: 'lock-contender' },
  [CONFIG]: { role: 'container', holds: 'config' },
};
const WORKER_PREFIX = `${WORKERS}/`;

function classify(rel: string): NodeClass {
  // the hot path (every heartbeat): workers/<id>, without splitting the path
  if (rel.length > WORKER_PREFIX.length && rel.startsWith(WORKER_PREFIX) && rel.indexOf('/', WORKER_PREFIX.length) === -1) {
    return { role: 'member', id: rel.slice(WORKER_PREFIX.length) };
  }
  const parts = splitRelPath(rel);
  if (parts === null) return OTHER;
  const [top, a, b] = parts;
  switch (parts.length) {
    case 0:
      return ROOT;
    case 1:
      if (top === MASTER) return LEADER;
      return (top !== undefined && Object.hasOwn(CONTAINERS, top) ? CONTAINERS[top] : undefined) ?? OTHER;
    case 2:
      if (a === undefined) return OTHER;
      if (top === WORKERS) return { role: 'member', id: a };
      if (top === ELECTION) return { role: 'candidate', node: a, seq: candidateSeq(a) };
      if (top === TASKS) return { role: 'task', task: a };
      if (top === STATUS) return { role: 'status', task: a };
      if (top === ASSIGN) return { role: 'container', holds: 'assignment', member: a };
      if (top === LOCKS) return { role: 'container', holds: 'lock-contender', group: `${LOCKS}/${a}` };
      if (top === CONFIG) return { role: 'config', key: rel };
      return OTHER;
    case 3:
      if (a === undefined || b === undefined) return OTHER;
      if (top === ASSIGN) return { role: 'assignment', member: a, task: b };
      if (top === LOCKS) {
        // R/locks/<lock>/lock-<seq>; names the lock recipe does not make are not contenders
        const contender = parseLockContender(b);
        return contender === null ? OTHER : { role: 'lock-contender', lock: `${LOCKS}/${a}`, node: b, seq: contender.seq, mode: contender.mode };
      }
      return OTHER;
    default:
      return OTHER;
  }
}

export const zkpulseLayout: Layout = {
  name: 'zkpulse',
  watch: {
    containers: [
      { path: WORKERS, depth: 1 },
      { path: ELECTION, depth: 1 },
      { path: TASKS, depth: 1 },
      // R/assign/<worker>/<task>: a container of containers
      { path: ASSIGN, depth: 2 },
      { path: STATUS, depth: 1 },
      // R/locks/<lock>/<contender>, R/config/<key>
      { path: LOCKS, depth: 2 },
      { path: CONFIG, depth: 1 },
    ],
    leaves: [MASTER],
  },
  classify,
  paths: {
    leader: MASTER,
    candidate: (node) => `${ELECTION}/${node}`,
    member: (id) => `${WORKERS}/${id}`,
    task: (task) => `${TASKS}/${task}`,
    assignment: (member, task) => `${ASSIGN}/${member}/${task}`,
    status: (task) => `${STATUS}/${task}`,
  },
  decode: {
    leader: decodeMaster,
    candidate: decodeCandidate,
    member: decodeWorker,
    status: decodeStatus,
    task: decodeTaskData,
  },
  capabilities: { heartbeat: true, tasks: true, splitBrain: true, locks: true, config: true },
  leaderRule: 'node',
  splitBrainCheck: 'session',
};
