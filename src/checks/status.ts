import type { Status } from './types.js';

/** skipped ranks lowest: a report that could judge nothing is skipped, one that judged anything takes the worst judgement. */
const RANK: Record<Status, number> = { skipped: 0, ok: 1, warning: 2, error: 3 };

export function worstStatus(statuses: Iterable<Status>): Status {
  let worst: Status = 'skipped';
  for (const status of statuses) if (RANK[status] > RANK[worst]) worst = status;
  return worst;
}
