// The report as the module twin's reported `health`: compact, bounded well under the 32 KB
// reported-properties limit, and in the twin's rules (no arrays, no `.`, `$` or space in names).
// IoT Hub bills every reported patch, so the content changes only when the findings an operator
// reads change (a status, a count, a subject); messages and numbers, which drift every cycle (free
// bytes, log sizes), ride along with those changes and are otherwise refreshed once a day.
import type { CheckResult, Status } from '../checks/types.js';
import type { Report, StatusCounts } from './build.js';
import { truncate } from '../truncate.js';
import { byWorstFirst, keyNumbers } from './compact.js';

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
  counts: StatusCounts;
  checks: Record<string, TwinCheck>;
  /** The cycle that first found these statuses, counts and subjects. */
  since: string;
  /** The cycle the messages and numbers come from. */
  asOf: string;
}

/** Reported health stays under this, leaving room in the 32 KB for `config` and `agent`. */
export const TWIN_HEALTH_MAX_BYTES = 20_000;
/** Unchanged findings refresh their messages and numbers this often: one patch a day on a steady device. */
export const TWIN_REFRESH_MS = 24 * 3_600_000;
const MESSAGE_CHARS = 200;

/** disk.space → disk_space: twin property names may not contain `.`, `$` or spaces. */
export function twinKey(id: string): string {
  return id.replace(/[.$ ]/g, '_');
}

/**
 * The health to report after this cycle. Given what was reported before, it is returned as it was
 * while the findings are the same and younger than TWIN_REFRESH_MS, so patching by difference
 * sends nothing.
 */
export function twinHealth(report: Report, subjectsPerCheck: number, previous?: TwinHealth, maxBytes = TWIN_HEALTH_MAX_BYTES): TwinHealth {
  const current = fit(report, subjectsPerCheck, maxBytes);
  if (previous && findings(previous) === findings(current)) {
    const ageMs = Date.parse(report.collectedAt) - Date.parse(previous.asOf);
    // A clock that went backwards refreshes too, rather than freezing the twin until it catches up.
    if (ageMs >= 0 && ageMs < TWIN_REFRESH_MS) return previous;
    return { ...current, since: previous.since, asOf: report.collectedAt };
  }
  return { ...current, since: report.collectedAt, asOf: report.collectedAt };
}

type Findings = Omit<TwinHealth, 'since' | 'asOf'>;

function fit(report: Report, subjectsPerCheck: number, maxBytes: number): Findings {
  // Fewer subjects per check until it fits: a fleet with 200 containers still reports every check.
  for (let keep = subjectsPerCheck; ; keep--) {
    const health = build(report, keep);
    if (keep <= 1 || Buffer.byteLength(JSON.stringify(health)) <= maxBytes) return health;
  }
}

function build(report: Report, keep: number): Findings {
  const checks: Record<string, TwinCheck> = {};
  for (const check of report.checks) {
    // By subject within a status: the engine lists volumes in no fixed order, and a reordering is no change.
    const results = byWorstFirst(report.results.filter((r) => r.id === check.id).sort((a, b) => a.subject.localeCompare(b.subject)));
    checks[twinKey(check.id)] = {
      id: check.id,
      status: check.status,
      counts: check.counts,
      worst: Object.fromEntries(results.slice(0, keep).map((r, i) => [String(i + 1), subject(r)])),
      more: Math.max(0, results.length - keep),
    };
  }
  return { status: report.status, counts: report.counts, checks };
}

function subject(result: CheckResult): TwinSubject {
  return { subject: result.subject, status: result.status, message: truncate(result.message, MESSAGE_CHARS), numbers: keyNumbers(result.details) };
}

/** What an operator reads off the health: statuses, counts and subjects, without messages and numbers. */
function findings(health: Findings): string {
  return JSON.stringify([
    health.status,
    health.counts,
    Object.values(health.checks).map((check) => [check.id, check.status, check.counts, check.more, Object.values(check.worst).map((s) => [s.subject, s.status])]),
  ]);
}
