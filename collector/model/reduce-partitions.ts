/**
 * Partitions (Kafka `brokers/topics/<t>/partitions/<p>/state`): each one's leader broker, offline when -1.
 * Keyed `<topic>/<partition>` (a topic name holds no '/'). Data that does not decode is tracked as invalid.
 */
import type { NodeEvent } from '../watch/events.ts';
import { eventBytes, forgetValidity, modelWith, trackValidity, type Step } from './step.ts';
import type { ClusterModel, PartitionState } from './types.ts';

const pathOf = (step: Step, topic: string, partition: string): string =>
  step.layout.paths.partition?.(topic, partition) ?? `${topic}/${partition}`;

export function partitionPresent(model: ClusterModel, topic: string, partition: string, event: NodeEvent, step: Step): ClusterModel {
  const decode = step.layout.decode.partition;
  if (decode === undefined) return model;
  const decoded = decode(event.data, event.stat.dataLength, eventBytes(event));
  const state: PartitionState = {
    topic,
    partition,
    leader: decoded.ok ? decoded.value.leader : null,
    offline: decoded.ok && decoded.value.offline,
    invalid: decoded.ok ? null : decoded.reason,
  };
  const m = modelWith(model, { partitions: model.partitions.set(`${topic}/${partition}`, state) });
  return trackValidity(m, pathOf(step, topic, partition), state.invalid, step);
}

export function partitionGone(model: ClusterModel, topic: string, partition: string, step: Step): ClusterModel {
  const key = `${topic}/${partition}`;
  const m = forgetValidity(model, pathOf(step, topic, partition));
  return m.partitions.has(key) ? modelWith(m, { partitions: m.partitions.delete(key) }) : m;
}

/** A container of partitions was removed: all of them (no group), one topic's (`<t>`) or one partition's (`<t>/<p>`). */
export function partitionsGone(model: ClusterModel, group: string | undefined, step: Step): ClusterModel {
  let m = model;
  for (const [key, p] of model.partitions) {
    if (group === undefined || key === group || key.startsWith(`${group}/`)) m = partitionGone(m, p.topic, p.partition, step);
  }
  return m;
}
