/** The cluster model: types, the pure reducer, znode data decoders, and event descriptions. */
export type * from './types.ts';
export type * from './domain-events.ts';
export { emptyCluster, reduceCluster, type Reduced } from './reducer.ts';
export { candidateSeq } from './reduce-election.ts';
export { describeEvent, type EventDescription } from './describe.ts';
export {
  decodeCandidate,
  decodeMaster,
  decodeStatus,
  decodeTaskData,
  decodeWorker,
  type CandidateData,
  type Decoded,
  type MasterData,
  type StatusData,
  type WorkerData,
} from './decode.ts';
