// Telemetry bodies: the `health` summary after a cycle and `alerts` on status transitions.
// Each fits one 4 KB metered message by default; IoT Hub's hard limit is 256 KB.
import { isProblem } from '../checks/status.js';
import type { Status } from '../checks/types.js';
import type { Report } from './build.js';
import { truncate } from '../truncate.js';
import { worstThatFit } from './fit.js';

/** Body budget that keeps body and properties inside one 4 KB metered unit. */
export const TELEMETRY_MAX_BYTES = 3_500;
const MESSAGE_CHARS = 160;

export interface Problem {
  id: string;
  subject: string;
  status: Status;
  message: string;
}

export interface HealthEvent {
  messageType: 'health';
  agentVersion: string;
  collectedAt: string;
  status: Status;
  counts: Report['counts'];
  checks: Record<string, Status>;
  problems: Problem[];
  /** Problems left out to stay within the size budget. */
  moreProblems: number;
}

export interface AlertEvent {
  messageType: 'alert';
  checkId: string;
  from: Status | 'unknown';
  to: Status;
  collectedAt: string;
  problems: Problem[];
  moreProblems: number;
}

export function healthEvent(report: Report, maxBytes = TELEMETRY_MAX_BYTES): HealthEvent {
  const problems = report.results.filter(isProblem).map(toProblem);
  return worstThatFit(problems, maxBytes, (kept, more) => ({
    messageType: 'health',
    agentVersion: report.agent.version,
    collectedAt: report.collectedAt,
    status: report.status,
    counts: report.counts,
    checks: Object.fromEntries(report.checks.map((c) => [c.id, c.status])),
    problems: kept,
    moreProblems: more,
  }));
}

/** One alert per check whose status differs from the last cycle's (a check seen for the first time counts from "unknown" unless it is fine). */
export function alertEvents(previous: ReadonlyMap<string, Status> | undefined, report: Report, maxBytes = TELEMETRY_MAX_BYTES): AlertEvent[] {
  return report.checks.flatMap((check) => {
    const from = previous?.get(check.id) ?? 'unknown';
    if (from === check.status) return [];
    if (from === 'unknown' && (check.status === 'ok' || check.status === 'skipped')) return [];
    const problems = report.results.filter((r) => r.id === check.id && isProblem(r)).map(toProblem);
    return [worstThatFit(problems, maxBytes, (kept, more) => ({
      messageType: 'alert' as const,
      checkId: check.id,
      from,
      to: check.status,
      collectedAt: report.collectedAt,
      problems: kept,
      moreProblems: more,
    }))];
  });
}

export function checkStatuses(report: Report): Map<string, Status> {
  return new Map(report.checks.map((c) => [c.id, c.status]));
}

function toProblem(result: Problem): Problem {
  return { id: result.id, subject: result.subject, status: result.status, message: truncate(result.message, MESSAGE_CHARS) };
}

