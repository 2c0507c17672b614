/** Every drill, in the order `npm run drills` runs them. */
import type { Drill } from './types.ts';
import { zkRestart } from './scenarios/zk-restart.ts';

export const DRILLS: readonly Drill[] = [zkRestart];
