/**
 * HeartbeatStale: a worker that is up has not beaten for too long. Age mode: beat age
 * (now − lastBeat, lastBeat = the worker znode's mtime) > factor × its advertised heartbeatMs
 * (defaultHeartbeat when it advertises none). Phi mode: phi-accrual suspicion over the intervals the
 * memory kept > phiThreshold; with fewer than phiMinSamples intervals the age test decides.
 */
import { phi } from './phi.ts';
import { sightedSince } from './memory.ts';
import { condition, human, iso, type Condition, type ZkRule } from './types.ts';
import type { WorkerState } from '../../collector/model/types.ts';

const NO_INTERVALS: readonly number[] = [];

/**
 * The last condition made for a worker state object, with what else it was made from. A stale worker's
 * state does not change between evaluations (it does not beat): its condition is handed back as it was,
 * the same object, instead of new labels, annotations, dates and a fingerprint at every evaluation.
 */
const made = new WeakMap<WorkerState, { key: string; condition: Condition }>();

export const heartbeatStale: ZkRule<'HeartbeatStale'> = ({ model, config, memory, now }) => {
  const out: Condition[] = [];
  const phiMode = config.mode === 'phi';
  // forEach, not for-of: this visits every worker at every evaluation, and needs no iterator entries
  model.workers.forEach((w) => {
    if (!w.up) return;
    const period = w.heartbeatMs !== null && w.heartbeatMs > 0 ? w.heartbeatMs : config.defaultHeartbeat;
    // not counted across a blind period of the collector (see ClusterMemory.sightSince), unless this
    // worker's alert was firing when sight was lost and it has not beaten since (keptBeats)
    const kept = memory.keptBeats.size > 0 ? memory.keptBeats.get(w.id) : undefined;
    const age = now - sightedSince(memory, w.lastBeat, kept);
    // the intervals are read in phi mode only: a lookup per worker per evaluation otherwise wasted
    const intervals = phiMode ? (memory.beats.get(w.id)?.intervals ?? NO_INTERVALS) : NO_INTERVALS;
    const byPhi = phiMode && intervals.length >= config.phiMinSamples;
    const stale = byPhi ? phi(age, intervals) > config.phiThreshold : age > config.factor * period;
    if (!stale) return;
    // everything the condition is made of besides `w` (whose fields it reads: the object is the key)
    const key = `${model.name}\u0000${config.severity}\u0000${period}\u0000${byPhi ? `phi\u0000${config.phiThreshold}\u0000${intervals.length}` : `age\u0000${config.factor}`}`;
    const known = made.get(w);
    if (known !== undefined && known.key === key) {
      out.push(known.condition);
      return;
    }
    const rule = byPhi
      ? `phi above ${config.phiThreshold} over the last ${intervals.length} beat intervals`
      : `more than ${config.factor} × its heartbeat period of ${human(period)}`;
    const c: Condition = {
      ...condition('HeartbeatStale', model.name, config.severity, { worker: w.id }, {
        summary: `Worker ${w.id} of ${model.name} stopped beating`,
        description: `No heartbeat since ${iso(w.lastBeat)}: ${rule}.`,
        last_beat: iso(w.lastBeat),
        heartbeat_ms: String(period),
        mode: byPhi ? 'phi' : 'age',
      }),
      basis: w.lastBeat,
    };
    made.set(w, { key, condition: c });
    out.push(c);
  });
  return out;
};
