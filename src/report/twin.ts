// The report as the module twin's reported `health`: compact, bounded well under the 32 KB
// reported-properties limit, and in the twin's rules (no arrays, no `.`, `$` or space in names).
import type { CheckResult, Status } from '../checks/types.js';
import type { Report, StatusCounts } from './build.js';
import { byWorstFirst, keyNumbers, truncate } from './compact.js';

export interface TwinSubject {
  subject: string;
  status: Status;
  message: string;
  numbers: Record<string, number>;
}

export interface TwinCheck {
  id: string;
  status: Status;
  counts: StatusCounts;
  /** The worst subjects, keyed "1", "2"…: twin values cannot be arrays. */
  worst: Record<string, TwinSubject>;
  /** Subjects left out of `worst`. */
  more: number;
}

export interface TwinHealth {
  status: Status;
  lastCycle: string;
  durationMs: number;
  counts: StatusCounts;
  checks: Record<string, TwinCheck>;
}

/** Reported health stays under this, leaving room in the 32 KB for `config` and `agent`. */
export const TWIN_HEALTH_MAX_BYTES = 20_000;
const MESSAGE_CHARS = 200;

/** disk.space → disk_space: twin property names may not contain `.`, `$` or spaces. */
export function twinKey(id: string): string {
  return id.replace(/[.$ ]/g, '_');
}

export function twinHealth(report: Report, durationMs: number, subjectsPerCheck: number, maxBytes = TWIN_HEALTH_MAX_BYTES): TwinHealth {
  // Fewer subjects per check until it fits: a fleet with 200 containers still reports every check.
  for (let keep = subjectsPerCheck; ; keep--) {
    const health = build(report, durationMs, keep, MESSAGE_CHARS);
    if (keep <= 1 || Buffer.byteLength(JSON.stringify(health)) <= maxBytes) return health;
  }
}

function build(report: Report, durationMs: number, keep: number, messageChars: number): TwinHealth {
  const checks: Record<string, TwinCheck> = {};
  for (const check of report.checks) {
    const results = byWorstFirst(report.results.filter((r) => r.id === check.id));
    checks[twinKey(check.id)] = {
      id: check.id,
      status: check.status,
      counts: check.counts,
      worst: Object.fromEntries(results.slice(0, keep).map((r, i) => [String(i + 1), subject(r, messageChars)])),
      more: Math.max(0, results.length - keep),
    };
  }
  return { status: report.status, lastCycle: report.collectedAt, durationMs, counts: report.counts, checks };
}

function subject(result: CheckResult, messageChars: number): TwinSubject {
  return { subject: result.subject, status: result.status, message: truncate(result.message, messageChars), numbers: keyNumbers(result.details) };
}
