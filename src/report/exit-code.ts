import type { Report } from './build.js';

/** 0 healthy, 1 a check found an error (or a warning, when warnings count), 2 the agent itself failed (a check threw, or it could not run). */
export const EXIT_HEALTHY = 0;
export const EXIT_UNHEALTHY = 1;
export const EXIT_AGENT_FAILED = 2;

export function exitCodeFor(report: Report, { warningsAsErrors }: { warningsAsErrors: boolean }): number {
  // A check that threw judged nothing: its error result says so, and is no finding about the host.
  if (report.failedChecks.length > 0) return EXIT_AGENT_FAILED;
  if (report.counts.error > 0) return EXIT_UNHEALTHY;
  if (warningsAsErrors && report.counts.warning > 0) return EXIT_UNHEALTHY;
  return EXIT_HEALTHY;
}
