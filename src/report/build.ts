// The report every sink renders: one snapshot and what the checks made of it.
import { type ChecksRun, type StatusCounts, countStatuses } from '../checks/run.js';
import { worstStatus } from '../checks/status.js';
import type { CheckResult, Status } from '../checks/types.js';
import type { Snapshot, SourceName, SourceStatus } from '../snapshot.js';
import { AGENT_NAME, AGENT_VERSION } from '../version.js';

export type { CheckSummary, StatusCounts } from '../checks/run.js';

export interface Report {
  schemaVersion: 1;
  agent: { name: string; version: string };
  collectedAt: string;
  status: Status;
  counts: StatusCounts;
  checks: ChecksRun['checks'];
  results: CheckResult[];
  disabledChecks: string[];
  /** Checks that threw: a bug of the agent, which exits with 2. */
  failedChecks: string[];
  docker: { endpoint: string; engineVersion: string; apiVersion: string } | null;
  sources: Record<SourceName, SourceStatus>;
}

/** The report of one snapshot and what the checks (checks/run.ts, run by the caller) made of it. */
export function buildReport(snapshot: Snapshot, run: ChecksRun): Report {
  return {
    schemaVersion: 1,
    agent: { name: AGENT_NAME, version: AGENT_VERSION },
    collectedAt: snapshot.collectedAt,
    status: worstStatus(run.results.map((r) => r.status)),
    counts: countStatuses(run.results),
    checks: run.checks,
    results: run.results,
    disabledChecks: run.disabledChecks,
    failedChecks: run.failedChecks,
    docker: snapshot.docker && {
      endpoint: snapshot.docker.endpoint,
      engineVersion: snapshot.docker.engineVersion,
      apiVersion: snapshot.docker.apiVersion,
    },
    sources: snapshot.sources,
  };
}
