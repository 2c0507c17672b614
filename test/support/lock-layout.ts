/**
 * A tiny test layout: the zkpulse layout plus locks (`locks/<lock>/<child>`) and configuration keys
 * (`config/<key>`) classified with the roles of contract/layout.ts, so the model, points and API of locks
 * and config are tested from synthetic watch events alone. Modes by name: `__READ__`/`__WRIT__` read/write,
 * `lease-` a semaphore lease, anything else ending in 10 digits exclusive.
 */
import type { Layout, LockMode, NodeClass } from '../../contract/layout.ts';
import { zkpulseLayout } from '../../contract/zkpulse/layout.ts';

function modeOf(name: string): LockMode {
  if (name.includes('__READ__')) return 'read';
  if (name.includes('__WRIT__')) return 'write';
  if (name.startsWith('lease-')) return 'lease';
  return 'exclusive';
}

function classify(rel: string): NodeClass {
  const parts = rel.split('/');
  if (parts[0] === 'locks') {
    if (parts.length === 1) return { role: 'container', holds: 'lock-contender' };
    if (parts.length === 2) return { role: 'container', holds: 'lock-contender', group: rel };
    const name = parts[2]!;
    const m = /(\d{10})$/.exec(name);
    if (parts.length !== 3 || m === null) return { role: 'other' };
    return { role: 'lock-contender', lock: `locks/${parts[1]}`, node: name, seq: Number(m[1]), mode: modeOf(name) };
  }
  if (parts[0] === 'config') {
    if (parts.length === 1) return { role: 'container', holds: 'config' };
    return { role: 'config', key: rel };
  }
  return zkpulseLayout.classify(rel);
}

export const lockTestLayout: Layout = {
  ...zkpulseLayout,
  name: 'zkpulse',
  classify,
  capabilities: { ...zkpulseLayout.capabilities, locks: true, config: true },
};
