/**
 * ZooKeeper names a sequential child after its parent's cversion, a signed 32-bit counter (docs/contract.md §9).
 * The watch layer reports a container's cversion from this floor up (SequenceEvent), so the model and
 * SequenceNearExhaustion see the parents that matter and no others.
 */
export const SEQUENCE_LIMIT = 2 ** 31;
/** half the counter: any threshold of SequenceNearExhaustion is above it */
export const SEQUENCE_REPORT_FLOOR = 2 ** 30;
