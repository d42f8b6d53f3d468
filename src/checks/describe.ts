// Wording shared by the checks that say how long something has lasted or quote a program's output.

/** "45 s", "12 min", "3.5 h", "2.1 days": how long, as a person reads it. */
export function describeDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${round1(seconds / 3600)} h`;
  return `${round1(seconds / 86_400)} days`;
}

/** Seconds from an ISO time to now; null for Docker's zero time ("0001-01-01…") or an unreadable one. */
export function secondsSince(iso: string, now: string): number | null {
  const then = Date.parse(iso);
  if (!Number.isFinite(then) || then <= 0) return null;
  return Math.max(0, (Date.parse(now) - then) / 1000);
}

/** A program's output on one line, cut to `max` characters: quoted in a message. */
export function quoteOutput(output: string, max = 120): string {
  const line = output.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
