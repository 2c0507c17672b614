/**
 * The layouts `zkpulse demo --layout <name>` can simulate: zkpulse's own (simulated-cluster.ts) and foreign
 * programs in the bytes their upstream code writes (docs/contract.md §8).
 */
import { runForeignCluster, type ForeignChaosOptions, type ForeignClusterOptions } from './foreign-cluster.ts';
import { kafkaProgram } from './kafka-cluster.ts';
import { curatorLatchProgram } from './latch-cluster.ts';
import type { DemoLayout } from './layout-names.ts';
import type { SimulatedCluster } from './simulated-cluster.ts';


/** A foreign program's simulated cluster: its processes, killed now and then (the leader more rarely). */
export function startForeignCluster(layout: Exclude<DemoLayout, 'zkpulse'>, opts: ForeignClusterOptions & ForeignChaosOptions): Promise<SimulatedCluster> {
  return layout === 'kafka' ? runForeignCluster(kafkaProgram(opts), opts) : runForeignCluster(curatorLatchProgram(opts), opts);
}
