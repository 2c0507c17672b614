/**
 * RFC 3339 date-times only (section 5.6, `2030-01-01T10:00:00Z`, `2030-01-01T12:00:00.5+02:00`), as
 * Alertmanager's API takes them. `Date.parse` would also take "9999", "March 7 2099" or a time without
 * an offset read in the server's local zone. Pure.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** the latest instant accepted, so that every time prints as RFC 3339 again (toISOString) */
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** the earliest: 0000-01-01T00:00:00Z */
export const MIN_TIME_MS = new Date(0).setUTCFullYear(0, 0, 1);

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** ms since the epoch, or null when `text` is not an RFC 3339 date-time (leap seconds are refused, as Go does). */
export function parseRfc3339(text: string): number | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMin = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  // setUTCFullYear: Date.UTC would read the years 0-99 as 1900-1999
  const at = new Date(0).setUTCFullYear(year, month - 1, day) + ((hour * 60 + minute - offsetMin) * 60 + second) * 1000 + ms;
  return at >= MIN_TIME_MS && at <= MAX_TIME_MS ? at : null;
}
