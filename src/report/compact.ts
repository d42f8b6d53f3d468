// Shared by the compact forms of the report (twin, telemetry, method answers).
import type { CheckResult, Status } from '../checks/types.js';

const SEVERITY: Record<Status, number> = { error: 0, warning: 1, ok: 2, skipped: 3 };

/** Errors first, then warnings, ok, skipped; stable within a status. */
export function byWorstFirst<T extends { status: Status }>(results: readonly T[]): T[] {
  return [...results].sort((a, b) => SEVERITY[a.status] - SEVERITY[b.status]);
}

export function isProblem(result: Pick<CheckResult, 'status'>): boolean {
  return result.status === 'warning' || result.status === 'error';
}

/** The plain numbers among a result's details (freePercent, sizeBytes…), at most `limit`. */
export function keyNumbers(details: Record<string, unknown>, limit = 6): Record<string, number> {
  const numbers = Object.entries(details).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]));
  return Object.fromEntries(numbers.slice(0, limit));
}
