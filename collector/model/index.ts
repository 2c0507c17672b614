/** The cluster model: types, the pure reducer and event descriptions. The znode data decoders are the layout's (contract/). */
export type * from './types.ts';
export type * from './domain-events.ts';
export { emptyCluster, reduceCluster, type Reduced } from './reducer.ts';
export { describeEvent, type EventDescription } from './describe.ts';
