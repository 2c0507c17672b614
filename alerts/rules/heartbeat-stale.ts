/**
 * HeartbeatStale: a worker that is up has not beaten for too long. Age mode: beat age
 * (now − lastBeat, lastBeat = the worker znode's mtime) > factor × its advertised heartbeatMs
 * (defaultHeartbeat when it advertises none). Phi mode: phi-accrual suspicion over the intervals the
 * memory kept > phiThreshold; with fewer than phiMinSamples intervals the age test decides.
 */
import { phi } from './phi.ts';
import { sightedSince } from '../engine/memory.ts';
import { condition, human, iso, type Condition, type ZkRule } from './types.ts';

export const heartbeatStale: ZkRule<'HeartbeatStale'> = ({ model, config, memory, now }) => {
  const out: Condition[] = [];
  for (const w of model.workers.values()) {
    if (!w.up) continue;
    const period = w.heartbeatMs !== null && w.heartbeatMs > 0 ? w.heartbeatMs : config.defaultHeartbeat;
    // not counted across a blind period of the collector (see ClusterMemory.sightSince)
    const age = now - sightedSince(memory, w.lastBeat);
    const intervals = memory.beats.get(w.id)?.intervals ?? [];
    const byPhi = config.mode === 'phi' && intervals.length >= config.phiMinSamples;
    const stale = byPhi ? phi(age, intervals) > config.phiThreshold : age > config.factor * period;
    if (!stale) continue;
    const rule = byPhi
      ? `phi above ${config.phiThreshold} over the last ${intervals.length} beat intervals`
      : `more than ${config.factor} × its heartbeat period of ${human(period)}`;
    out.push(
      condition('HeartbeatStale', model.name, config.severity, { worker: w.id }, {
        summary: `Worker ${w.id} of ${model.name} stopped beating`,
        description: `No heartbeat since ${iso(w.lastBeat)}: ${rule}.`,
        last_beat: iso(w.lastBeat),
        heartbeat_ms: String(period),
        mode: byPhi ? 'phi' : 'age',
      }),
    );
  }
  return out;
};
