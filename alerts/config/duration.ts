/**
 * Durations in the alerts config: a number of milliseconds, or text such as `500ms`, `10s`, `5m`,
 * `1h`, `1d`, or a sum like `1m30s`. Returns the milliseconds, or the reason it is not a duration.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

export function parseDuration(value: unknown): number | string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return 'expected a duration (ms, or text like "10s", "5m")';
    return Math.round(value);
  }
  if (typeof value !== 'string') return 'expected a duration (ms, or text like "10s", "5m")';
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!WHOLE.test(text)) return `expected a duration like "10s", "5m" or "1m30s", got ${JSON.stringify(value)}`;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * (UNIT_MS[unit ?? 'ms'] ?? 1);
  return Math.round(ms);
}
