/** Shared look of the zkpulse dashboards: value mappings and thresholds used by several panels. */
import { MappingType, ThresholdsConfigBuilder, ThresholdsMode, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';

export const UP_DOWN: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      '1': { text: 'up', color: 'green', index: 0 },
      '0': { text: 'down', color: 'red', index: 1 },
    },
  },
];

export const CONNECTED: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      '1': { text: 'connected', color: 'green', index: 0 },
      '0': { text: 'disconnected', color: 'red', index: 1 },
    },
  },
];

/** A master id of '' is written when the master is lost. */
export const NO_MASTER: ValueMapping[] = [
  { type: MappingType.ValueToText, options: { '': { text: 'none', color: 'red', index: 0 } } },
];

export function thresholds(...steps: Array<[number | null, string]>): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps.map(([value, color]) => ({ value, color })));
}

export const DASHBOARD_TAGS = ['zkpulse', 'generated'];
