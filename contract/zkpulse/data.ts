/**
 * The JSON data of every node of the zkpulse layout (docs/contract.md §2), defined once: writers (the agent,
 * the demo, the election recipe) encode through `encode*`, the model decodes through `decode*`.
 */
import { decodeWith, encodeWith, field, jsonNode, type Read, type Written } from '../json-fields.ts';
import type { CandidateData, Decoded, LeaderData, MemberData, StatusData } from '../layout.ts';

export const WORKER_STATES = ['ready', 'busy', 'leaving'] as const;
export const STATUS_STATES = ['running', 'done', 'failed'] as const;

/** R/master: `{"id","since"}`. */
export const masterNode = jsonNode('master data', { id: field.string(), since: field.number() });

/** R/election/n_<seq>: `{"id"}`. */
export const candidateNode = jsonNode('candidate data', { id: field.string() });

/** R/workers/<id>: `{"id","host","pid","startedAt","heartbeatMs","state","meta"}`. */
export const workerNode = jsonNode('worker data', {
  id: field.string(),
  host: field.string(),
  pid: field.number(),
  startedAt: field.number(),
  heartbeatMs: field.number(),
  state: field.oneOf(WORKER_STATES),
  meta: field.opaqueObject(),
});

/** R/status/<task>: `{"worker","done","total","state","message","updatedAt"}`; done, total and state required. */
export const statusNode = jsonNode('status data', {
  worker: field.string(),
  done: field.requiredNumber(),
  total: field.requiredNumber(),
  state: field.requiredOneOf(STATUS_STATES),
  message: field.nullableString(),
  updatedAt: field.number(),
});

/** R/locks/<lock>/lock-<seq>: `{"owner"}` — who contends (an agent id, a host, a job name). */
export const lockContenderNode = jsonNode('lock contender data', { owner: field.string() });

/** What a writer puts in R/master. */
export type MasterNodeData = Written<typeof masterNode.fields>;
/** What a writer puts in R/election/n_<seq>. */
export type CandidateNodeData = Written<typeof candidateNode.fields>;
/** What a writer puts in R/workers/<id>. */
export type WorkerNodeData = Written<typeof workerNode.fields>;
/** The `state` a worker writes. */
export type WorkerNodeState = WorkerNodeData['state'];
/** What a writer puts in R/status/<task>. */
export type StatusNodeData = Written<typeof statusNode.fields>;
/** The `state` a status node holds. */
export type StatusNodeState = StatusNodeData['state'];

/** What a writer puts in R/locks/<lock>/lock-<seq>. */
export type LockContenderNodeData = Written<typeof lockContenderNode.fields>;
/** What a reader gets of a lock contender's data: `owner` null when absent. */
export type LockContenderData = Read<typeof lockContenderNode.fields>;

export const encodeMaster = (data: MasterNodeData): string => encodeWith(masterNode, data);
export const encodeCandidate = (data: CandidateNodeData): string => encodeWith(candidateNode, data);
export const encodeWorker = (data: WorkerNodeData): string => encodeWith(workerNode, data);
export const encodeStatus = (data: StatusNodeData): string => encodeWith(statusNode, data);
export const encodeLockContender = (data: LockContenderNodeData): string => encodeWith(lockContenderNode, data);

/** The bytes of an election node: a candidate's `{"id"}`, or the master's `{"id","since"}`. */
export function encodeElectionNode(data: CandidateNodeData | MasterNodeData): Buffer {
  return Buffer.from('since' in data ? encodeMaster(data) : encodeCandidate(data));
}

// The decoded shapes are the layouts' common shapes (layout.ts); these lines fail to compile if they drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
type _DecodedShapesAreTheCommonOnes = [
  Holds<Same<Read<typeof masterNode.fields>, LeaderData>>,
  Holds<Same<Read<typeof candidateNode.fields>, CandidateData>>,
  Holds<Same<Read<typeof workerNode.fields>, MemberData>>,
  Holds<Same<Read<typeof statusNode.fields>, StatusData>>,
];

export const decodeMaster = (data: string | null, dataLength = 0): Decoded<LeaderData> => decodeWith(masterNode, data, dataLength);
export const decodeCandidate = (data: string | null, dataLength = 0): Decoded<CandidateData> =>
  decodeWith(candidateNode, data, dataLength);
export const decodeWorker = (data: string | null, dataLength = 0): Decoded<MemberData> => decodeWith(workerNode, data, dataLength);
export const decodeStatus = (data: string | null, dataLength = 0): Decoded<StatusData> => decodeWith(statusNode, data, dataLength);
/** lenient, like the others: unknown fields ignored, a missing owner is null, a present one must be a string */
export const decodeLockContender = (data: string | null, dataLength = 0): Decoded<LockContenderData> =>
  decodeWith(lockContenderNode, data, dataLength);

/** R/tasks/<task> data is opaque: parsed when it is JSON, else the text; null when absent or too large. */
export function decodeTaskData(data: string | null): unknown {
  if (data === null || data === '') return null;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
