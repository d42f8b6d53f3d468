// The report as the runChecks and getReport direct methods answer it: an HTTP-style status and a
// payload under IoT Hub's 128 KB method-response limit, worst results first.
import { CHECKS } from '../checks/registry.js';
import { isProblem } from '../checks/status.js';
import type { Report } from './build.js';
import { worstThatFit } from './fit.js';

/** What a direct method sends back. */
export interface MethodAnswer {
  status: number;
  payload: unknown;
}

/** IoT Hub refuses method responses over 128 KB; keep a margin for the envelope. */
export const METHOD_RESPONSE_MAX_BYTES = 120_000;

export interface ReportRequest {
  /** Only this check's results. */
  checkId?: string;
  /** summary: warnings and errors; full: every result. */
  detail?: 'summary' | 'full';
}

/** 200 with the results asked for; 404 for a check that is not run here; 503 for a Docker check the engine's absence skipped. */
export function reportAnswer(report: Report, { checkId, detail = 'summary' }: ReportRequest): MethodAnswer {
  if (checkId === undefined) {
    const results = detail === 'full' ? report.results : report.results.filter(isProblem);
    return { status: 200, payload: fitted(report.status, report, report.checks, results) };
  }
  const summary = report.checks.find((c) => c.id === checkId);
  if (!summary) {
    const known = CHECKS.map((c) => c.id);
    const why = known.includes(checkId) ? 'is disabled on this device' : `is not a check (known: ${known.join(', ')})`;
    return { status: 404, payload: { error: `check "${checkId}" ${why}`, field: 'checkId' } };
  }
  const results = report.results.filter((r) => r.id === checkId);
  const engineDown = !report.sources.docker.ok && results.every((r) => r.status === 'skipped' && r.details.missingSources);
  const payload = fitted(summary.status, report, [summary], results);
  return engineDown ? { status: 503, payload: { error: `Docker engine unreachable: ${report.sources.docker.error}`, ...payload } } : { status: 200, payload };
}

/** The answer with as many results as fit, worst first, and how many were left out. */
function fitted(status: Report['status'], report: Report, checks: Report['checks'], results: Report['results']) {
  return worstThatFit(results, METHOD_RESPONSE_MAX_BYTES, (kept, moreResults) => ({
    status,
    collectedAt: report.collectedAt,
    agent: report.agent,
    counts: report.counts,
    checks,
    results: kept,
    moreResults,
  }));
}
