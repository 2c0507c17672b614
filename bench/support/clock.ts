/**
 * A high-resolution absolute clock (ms since the epoch, sub-ms precision) that agrees between
 * the main thread and worker threads of one process, unlike performance.now() alone.
 */
export function absNow(): number {
  return performance.timeOrigin + performance.now();
}
