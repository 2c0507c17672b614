/**
 * The built-in layouts by name: what `clusters.<name>.layout` may say (docs/contract.md §8). A layout of
 * issue 14 (its decoders in contract/layouts/) plugs in by one entry here.
 */
import type { Layout } from './layout.ts';
import { zkpulseLayout } from './zkpulse/layout.ts';
import { curatorLeaderLatchLayout } from './built-in/curator-leader-latch.ts';
import { curatorLeaderSelectorLayout } from './built-in/curator-leader-selector.ts';
import { curatorServiceDiscoveryLayout } from './built-in/curator-service-discovery.ts';
import { kazooElectionLayout } from './built-in/kazoo-election.ts';
import { kazooPartyLayout } from './built-in/kazoo-party.ts';
import { kafkaLayout } from './built-in/kafka.ts';
import { hbaseLayout } from './built-in/hbase.ts';
import { solrLayout } from './built-in/solr.ts';
import { hdfsHaLayout, yarnHaLayout } from './built-in/hadoop-ha.ts';

export const DEFAULT_LAYOUT = zkpulseLayout.name;

const BUILT_IN: ReadonlyMap<string, Layout> = new Map(
  [
    zkpulseLayout,
    curatorLeaderLatchLayout,
    curatorLeaderSelectorLayout,
    curatorServiceDiscoveryLayout,
    kazooElectionLayout,
    kazooPartyLayout,
    kafkaLayout,
    hbaseLayout,
    solrLayout,
    hdfsHaLayout,
    yarnHaLayout,
  ].map((l) => [l.name, l]),
);

/** The names of the built-in layouts, in a stable order. */
export function layoutNames(): string[] {
  return [...BUILT_IN.keys()];
}

/** The built-in layout of this name, or undefined. */
export function layoutNamed(name: string): Layout | undefined {
  return BUILT_IN.get(name);
}
