/**
 * A domain event as a subject (the worker, task, master, lock or configuration key concerned) and a short sentence,
 * for the `event` measurement and the live page. Pure: times are formatted from the event itself.
 */
import type { DomainEvent } from './domain-events.ts';

export interface EventDescription {
  subject: string;
  text: string;
}

// Heartbeats of one second share "YYYY-MM-DDTHH:MM:SS": that part is formatted once per second.
let cachedSecond = NaN;
let cachedPrefix = '';

function isoTime(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(ms);
  const second = Math.floor(ms / 1000);
  const milli = ms - second * 1000;
  if (!Number.isInteger(ms) || second * 1000 < -8.64e15) return new Date(ms).toISOString();
  if (second !== cachedSecond) {
    // every ISO string ends ".mmmZ"
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, -5);
    cachedSecond = second;
  }
  return `${cachedPrefix}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

function percent(done: number, total: number): string {
  return total > 0 && Number.isFinite(done / total) ? ` (${Math.round((done / total) * 100)}%)` : '';
}

function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : String(ms);
}

function describeBody(e: DomainEvent): EventDescription {
  switch (e.type) {
    case 'WorkerJoined':
      return { subject: e.worker, text: `worker ${e.worker} joined${e.host === null ? '' : ` from ${e.host}`}` };
    case 'WorkerLeft':
      return {
        subject: e.worker,
        text: e.reason === 'leaving' ? `worker ${e.worker} left on purpose` : `worker ${e.worker} crashed: its node vanished without leaving`,
      };
    case 'HeartbeatSeen':
      return { subject: e.worker, text: `heartbeat from worker ${e.worker} at ${isoTime(e.beat)}` };
    case 'MasterElected': {
      const who = e.id ?? 'unknown';
      return { subject: who, text: `master ${who} elected (epoch ${e.epoch}, session ${e.session})` };
    }
    case 'MasterLost': {
      const who = e.id ?? 'unknown';
      return { subject: who, text: `master ${who} lost (epoch ${e.epoch})` };
    }
    case 'CandidateJoined':
      return { subject: e.id ?? e.node, text: `candidate ${e.id ?? 'unknown'} joined the election as ${e.node}` };
    case 'CandidateLeft':
      return { subject: e.id ?? e.node, text: `candidate ${e.id ?? 'unknown'} (${e.node}) left the election` };
    case 'TaskCreated':
      return { subject: e.task, text: `task ${e.task} created` };
    case 'TaskAssigned':
      return { subject: e.task, text: `task ${e.task} assigned to worker ${e.worker}` };
    case 'ProgressUpdated':
      return {
        subject: e.task,
        text: `task ${e.task} at ${e.done}/${e.total}${percent(e.done, e.total)}${e.worker === null ? '' : ` on worker ${e.worker}`}`,
      };
    case 'TaskFinished': {
      const on = e.worker === null ? '' : ` on worker ${e.worker}`;
      const verb = e.outcome === 'done' ? 'done' : e.outcome === 'failed' ? 'failed' : 'interrupted: its status node vanished while running';
      return { subject: e.task, text: `task ${e.task}${on} ${verb}` };
    }
    case 'DataInvalid':
      return { subject: e.path, text: `invalid data at ${e.path}: ${e.reason}` };
    case 'LockAcquired':
      return {
        subject: e.lock,
        text: `lock ${e.lock} acquired by ${e.owner ?? 'unknown'} (${e.node}, session ${e.session}); ${e.waiters} waiting`,
      };
    case 'LockReleased':
      return { subject: e.lock, text: `lock ${e.lock} released by ${e.owner ?? 'unknown'} (${e.node}) after ${seconds(e.heldMs)}` };
    case 'ConfigChanged': {
      // names and numbers only: the data is never known here
      if (e.version < 0) return { subject: e.key, text: `config ${e.key} deleted` };
      const digest = e.digest === null ? 'too large to digest' : `sha256 ${e.digest.slice(0, 12)}`;
      const fields = e.changedFields === undefined ? '' : `; fields changed: ${e.changedFields.length === 0 ? 'none' : e.changedFields.join(', ')}`;
      return { subject: e.key, text: `config ${e.key} at version ${e.version} (${e.bytes} bytes, ${digest})${fields}` };
    }
    default: {
      const unknown = e as { type?: unknown };
      return { subject: '', text: `unknown event ${String(unknown.type)}` };
    }
  }
}

export function describeEvent(e: DomainEvent): EventDescription {
  const d = describeBody(e);
  return e.afterBlind === true ? { subject: d.subject, text: `${d.text} (found by a resync after a blind period)` } : d;
}
