/**
 * KafkaOfflinePartitions: partitions of a topic whose state says leader -1 (`brokers/topics/<t>/partitions/
 * <p>/state`, Kafka's OfflinePartitionsCount): nobody serves them. One alert per topic (label `topic`), the
 * partitions in the annotations. Only a layout with partitions (kafka) has any.
 */
import type { PartitionState } from '../../collector/model/types.ts';
import { condition, type Condition, type ZkRule } from './types.ts';

/** partitions listed in an annotation at most (the count says how many in all) */
const MAX_LISTED = 50;

const byNumber = (a: string, b: string): number => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);

export const kafkaOfflinePartitions: ZkRule<'KafkaOfflinePartitions'> = ({ model, config }) => {
  if (model.partitions.size === 0) return [];
  const offline = new Map<string, string[]>();
  for (const p of model.partitions.values() as Iterable<PartitionState>) {
    if (!p.offline) continue;
    const list = offline.get(p.topic);
    if (list === undefined) offline.set(p.topic, [p.partition]);
    else list.push(p.partition);
  }
  const out: Condition[] = [];
  for (const topic of [...offline.keys()].sort()) {
    const partitions = offline.get(topic)!.sort(byNumber);
    const listed = partitions.slice(0, MAX_LISTED).join(',') + (partitions.length > MAX_LISTED ? ',...' : '');
    const c = condition('KafkaOfflinePartitions', model.name, config.severity, {}, {
      summary: `${partitions.length} offline partition(s) of topic ${topic} in ${model.name}`,
      description: `The partition state of ${topic} [${listed}] names no leader (-1): no broker serves them.`,
      offline_count: String(partitions.length),
      partitions: listed,
    });
    out.push({ ...c, labels: { ...c.labels, topic } });
  }
  return out;
};
