/**
 * Configuration keys (docs/contract.md §9): what is known of each key's data — version, size, digest, and
 * for keys that opt in a digest per top-level field — never the data itself (the watch layer fingerprints
 * it at the edge: NodeEvent.config). ConfigChanged for each creation, change and deletion (version -1).
 *
 * Keys merely found by the first sync did not change: no event. A resync after a blind period that finds
 * a key created, changed or gone does announce it (afterBlind). O(log n) in the keys (plus the fields of
 * the one key for a diff).
 */
import type { NodeEvent } from '../watch/events.ts';
import { emit, modelWith, type Step } from './step.ts';
import type { ClusterModel, ConfigState } from './types.ts';

/** A field diff lists at most this many names (a key with thousands of fields is still one short event). */
export const CHANGED_FIELDS_MAX = 50;

export function configPresent(model: ClusterModel, key: string, event: NodeEvent, step: Step): ClusterModel {
  const { stat } = event;
  const fingerprint = event.config;
  const state: ConfigState = {
    key,
    version: stat.version,
    bytes: stat.dataLength,
    digest: typeof fingerprint?.digest === 'string' ? fingerprint.digest : null,
    changedAt: stat.mtime,
  };
  const fields = validFields(fingerprint?.fields);
  if (fields !== undefined) state.fields = fields;
  const previous = model.config.get(key);
  if (previous !== undefined && sameState(previous, state)) return model;
  // the first sync finds keys, it does not see them change
  if (!model.synced) return modelWith(model, { config: model.config.set(key, state) });
  state.changedSinceSync = true;
  const m = modelWith(model, { config: model.config.set(key, state) });
  const changedFields = previous?.fields !== undefined && state.fields !== undefined ? fieldDiff(previous.fields, state.fields) : undefined;
  emit(step, {
    type: 'ConfigChanged',
    key,
    version: state.version,
    bytes: state.bytes,
    digest: state.digest,
    ...(changedFields === undefined ? {} : { changedFields }),
  });
  return m;
}

export function configGone(model: ClusterModel, key: string, step: Step): ClusterModel {
  if (!model.config.has(key)) return model;
  emit(step, { type: 'ConfigChanged', key, version: -1, bytes: 0, digest: null });
  return modelWith(model, { config: model.config.delete(key) });
}

/** A container of keys was removed: the keys under `group` (a path), or every key without one. */
export function configContainerGone(model: ClusterModel, group: string | undefined, step: Step): ClusterModel {
  let m = model;
  for (const key of model.config.keys()) {
    if (group === undefined || key === group || key.startsWith(`${group}/`)) m = configGone(m, key, step);
  }
  return m;
}

function sameState(a: ConfigState, b: ConfigState): boolean {
  if (a.version !== b.version || a.bytes !== b.bytes || a.digest !== b.digest || a.changedAt !== b.changedAt) return false;
  if (a.fields === undefined || b.fields === undefined) return a.fields === b.fields;
  return fieldDiff(a.fields, b.fields).length === 0;
}

/** The names whose digests differ, or that are in only one of the two, sorted; at most CHANGED_FIELDS_MAX. */
export function fieldDiff(before: Record<string, string>, after: Record<string, string>): string[] {
  const names: string[] = [];
  for (const name of Object.keys(after)) if (!Object.hasOwn(before, name) || before[name] !== after[name]) names.push(name);
  for (const name of Object.keys(before)) if (!Object.hasOwn(after, name)) names.push(name);
  names.sort();
  return names.length > CHANGED_FIELDS_MAX ? names.slice(0, CHANGED_FIELDS_MAX) : names;
}

/** The fields of a fingerprint when they are what the watch layer writes (a recording is input too). */
function validFields(fields: unknown): Record<string, string> | undefined {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return undefined;
  const entries = Object.entries(fields);
  for (const [, digest] of entries) if (typeof digest !== 'string') return undefined;
  // fromEntries defines own properties: a field named "__proto__" stays a field
  return Object.fromEntries(entries) as Record<string, string>;
}
