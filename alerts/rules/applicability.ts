/**
 * Which rules a cluster's layout can feed (docs/contract.md §8): HeartbeatStale needs members that rewrite
 * their node (capabilities.heartbeat), ProgressStalled and TaskOrphaned need tasks (capabilities.tasks),
 * SplitBrain a layout that can show two leaders (capabilities.splitBrain), KafkaOfflinePartitions topic
 * partitions (capabilities.partitions), LockHeldTooLong and LockContention watched locks (capabilities.locks),
 * ConfigChanged watched configuration keys (capabilities.config); SequenceNearExhaustion applies to every
 * layout (any watched parent can run out of sequence numbers). A rule that does not apply is
 * never evaluated for the cluster (state-machine.ts), and the API says so (`rules` of GET /api/clusters/:name).
 * Pure.
 */
import type { LayoutCapabilities } from '../../contract/layout.ts';
import { isEnsembleRule, RULE_NAMES, ruleConfig, type AlertsConfig } from '../config.ts';
import type { AlertName } from '../types.ts';

export interface RuleApplicability {
  name: AlertName;
  /** the rule runs for this cluster: its layout can feed it and the config has it on */
  applies: boolean;
  /** why not, for people (absent when it applies) */
  reason?: string;
}

/** The capability a rule needs, and how to say that a layout lacks it. */
const NEEDS: Partial<Record<AlertName, { capability: keyof LayoutCapabilities; lacks: string }>> = {
  HeartbeatStale: { capability: 'heartbeat', lacks: 'has no heartbeat (its members do not rewrite their nodes)' },
  ProgressStalled: { capability: 'tasks', lacks: 'has no tasks' },
  TaskOrphaned: { capability: 'tasks', lacks: 'has no tasks' },
  SplitBrain: { capability: 'splitBrain', lacks: 'cannot show two leaders at once' },
  KafkaOfflinePartitions: { capability: 'partitions', lacks: 'has no topic partitions (Kafka only)' },
  LockHeldTooLong: { capability: 'locks', lacks: 'watches no locks (clusters.<name>.locks)' },
  LockContention: { capability: 'locks', lacks: 'watches no locks (clusters.<name>.locks)' },
  ConfigChanged: { capability: 'config', lacks: 'watches no configuration keys (clusters.<name>.config)' },
};

/** Can a layout with these capabilities feed this rule? (no capabilities known: the zkpulse layout, every rule) */
export function layoutFeeds(name: AlertName, capabilities: LayoutCapabilities | undefined): boolean {
  const need = NEEDS[name];
  return need === undefined || capabilities === undefined || capabilities[need.capability] === true;
}

/** Every cluster rule (the ensemble rules are not per cluster), in the order of RULE_NAMES, with whether it runs for `cluster` and why not. */
export function ruleApplicability(
  cluster: string,
  layout: { readonly name: string; readonly capabilities: LayoutCapabilities },
  config: AlertsConfig,
): RuleApplicability[] {
  // the ensemble rules are judged per ZooKeeper ensemble, not per cluster: not listed here
  return RULE_NAMES.filter((name) => !isEnsembleRule(name)).map((name): RuleApplicability => {
    const need = NEEDS[name];
    if (need !== undefined && layout.capabilities[need.capability] !== true) return { name, applies: false, reason: `the ${layout.name} layout ${need.lacks}` };
    if (!ruleConfig(config, cluster, name).enabled) return { name, applies: false, reason: 'disabled in the alerts config' };
    return { name, applies: true };
  });
}
