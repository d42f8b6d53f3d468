// The one order of statuses: checks judge with it, every rendering sorts and summarises by it.
import type { Status } from './types.js';

/** skipped ranks lowest: a report that could judge nothing is skipped, one that judged anything takes the worst judgement. */
const RANK: Record<Status, number> = { skipped: 0, ok: 1, warning: 2, error: 3 };

export function worstStatus(statuses: Iterable<Status>): Status {
  let worst: Status = 'skipped';
  for (const status of statuses) if (RANK[status] > RANK[worst]) worst = status;
  return worst;
}

/** Errors first, then warnings, ok, skipped; stable within a status. */
export function byWorstFirst<T extends { status: Status }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => RANK[b.status] - RANK[a.status]);
}

/** A warning or an error: what needs someone's attention. */
export function isProblem(item: { status: Status }): boolean {
  return item.status === 'warning' || item.status === 'error';
}
