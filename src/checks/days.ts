// One rule for day counts, shared by every message and detail that states one: whole days,
// dropping the part of a day left over, the same way for the future and the past.
const HOUR_MS = 3600 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** Whole days in a span, towards zero: 2 days 23 h is 2, expired 2 days 23 h ago is -2. */
export function wholeDays(ms: number): number {
  return Math.trunc(ms / DAY_MS) || 0;
}

/** "2 days", "1 day", or hours under a day: the length of a span, whatever its sign. */
export function describeDays(ms: number): string {
  const span = Math.abs(ms);
  if (span < DAY_MS) {
    const hours = Math.max(1, Math.round(span / HOUR_MS));
    return `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  const days = Math.abs(wholeDays(span));
  return `${days} day${days === 1 ? '' : 's'}`;
}
