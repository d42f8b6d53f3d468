// The report as the module twin's reported `health`: compact, within TWIN_HEALTH_MAX_BYTES of the
// 32 KB reported-properties limit (subjects are shed until it fits), and in the twin's rules: no
// `.`, `$` or space in names. Twins take arrays (IoT Hub since 2020, edgeHub since Azure/iotedge#3072,
// null items excepted), but a patch replaces an array whole: lists here are objects with keys, so a
// query or a patch can address any one check or subject by name.
// IoT Hub bills every reported patch, so the content changes only when the findings an operator
// reads change (a status, a count, a subject); messages and numbers, which drift every cycle (free
// bytes, log sizes), ride along with those changes and are otherwise refreshed once a day.
import { CHECKS } from '../checks/registry.js';
import { byWorstFirst } from '../checks/status.js';
import type { CheckResult, Status } from '../checks/types.js';
import type { Report, StatusCounts } from './build.js';
import { truncate } from '../truncate.js';
import { fitToBudget } from './fit.js';

export interface TwinSubject {
  subject: string;
  status: Status;
  message: string;
  /** The numbers its check declares for the twin (Check.twinNumbers) that this result has. */
  numbers: Record<string, number>;
}

export interface TwinCheck {
  id: string;
  status: Status;
  counts: StatusCounts;
  /** The worst subjects, keyed "1", "2"…, not an array (see the top of this file). */
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

/**
 * Reported health stays under this, leaving room in the 32 KB for `config` and `agent`. Subjects are
 * what it sheds; without any, the checks' ids, statuses and counts take under 4 KB.
 */
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
  // Fewer subjects per check until it fits: a fleet with 200 containers still reports every check.
  // Timestamps are all as long, so fitting with this cycle's keeps the bound with `previous.since`.
  const current = fitToBudget(subjectsPerCheck, maxBytes, (keep) => ({ ...build(report, keep), since: report.collectedAt, asOf: report.collectedAt })).value;
  if (previous && findings(previous) === findings(current)) {
    const ageMs = Date.parse(report.collectedAt) - Date.parse(previous.asOf);
    // A clock that went backwards refreshes too, rather than freezing the twin until it catches up.
    if (ageMs >= 0 && ageMs < TWIN_REFRESH_MS) return previous;
    return { ...current, since: previous.since };
  }
  return current;
}

type Findings = Omit<TwinHealth, 'since' | 'asOf'>;

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
  return { subject: result.subject, status: result.status, message: truncate(result.message, MESSAGE_CHARS), numbers: twinNumbers(result) };
}

/** By check id, from the registry: a check from elsewhere (a test's) carries no numbers. */
const DECLARED_NUMBERS = new Map(CHECKS.map((check) => [check.id, check.twinNumbers]));

/** The numbers the result's check declares for the twin, in its order, where the result has them. */
function twinNumbers(result: CheckResult): Record<string, number> {
  const numbers: Record<string, number> = {};
  for (const key of DECLARED_NUMBERS.get(result.id) ?? []) {
    const value = result.details[key];
    if (typeof value === 'number' && Number.isFinite(value)) numbers[key] = value;
  }
  return numbers;
}

/** What an operator reads off the health: statuses, counts and subjects, without messages and numbers. */
function findings(health: Findings): string {
  return JSON.stringify([
    health.status,
    health.counts,
    Object.values(health.checks).map((check) => [check.id, check.status, check.counts, check.more, Object.values(check.worst).map((s) => [s.subject, s.status])]),
  ]);
}
