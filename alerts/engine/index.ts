/** The alert engine: pure state machine + rule memory, and the RxJS driver around them. */
export { createAlertEngine, type AlertEngine, type AlertEngineOptions, type EnsembleFeed } from './engine.ts';
export { evaluate, observe, isBlind, listAlerts, ensembleGroup, ENSEMBLE_STALE_AFTER_MS, type Evaluation, type EvaluationInput, type Transition } from './state-machine.ts';
export {
  ENGINE_STATE_VERSION,
  emptyEngineState,
  restoreEngineState,
  serializeEngineState,
  unwatched,
  type AlertPhase,
  type EngineState,
  type StoredAlert,
} from './state.ts';
export { observeEvent } from './memory.ts';
export { emptyMemory, type ClusterMemory, type KeptClock } from '../rules/memory.ts';
