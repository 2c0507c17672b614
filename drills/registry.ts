/** Every drill, in the order `npm run drills` runs them. */
import type { Drill } from './types.ts';
import { zkRestart } from './scenarios/zk-restart.ts';
import { zkLongOutage } from './scenarios/zk-long-outage.ts';
import { ensembleLeader } from './scenarios/ensemble-leader.ts';
import { collectorPartition } from './scenarios/collector-partition.ts';
import { influxOutage } from './scenarios/influx-outage.ts';
import { receiverOutage } from './scenarios/receiver-outage.ts';
import { collectorKill } from './scenarios/collector-kill.ts';
import { haTakeover } from './scenarios/ha-takeover.ts';
import { shardStorm } from './scenarios/shard-storm.ts';

export const DRILLS: readonly Drill[] = [zkRestart, zkLongOutage, ensembleLeader, collectorPartition, influxOutage, receiverOutage, collectorKill, haTakeover, shardStorm];
