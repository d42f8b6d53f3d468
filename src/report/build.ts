// Runs the checks over one snapshot and gathers their results into the report every sink renders.
import { CHECKS } from '../checks/registry.js';
import { worstStatus } from '../checks/status.js';
import type { Check, CheckResult, Finding, Status } from '../checks/types.js';
import type { Config } from '../config/settings.js';
import type { Snapshot, SourceName, SourceStatus } from '../snapshot.js';
import { AGENT_NAME, AGENT_VERSION } from '../version.js';

export type StatusCounts = Record<Status, number>;

export interface CheckSummary {
  id: string;
  title: string;
  status: Status;
  counts: StatusCounts;
}

export interface Report {
  schemaVersion: 1;
  agent: { name: string; version: string };
  collectedAt: string;
  status: Status;
  counts: StatusCounts;
  checks: CheckSummary[];
  results: CheckResult[];
  disabledChecks: string[];
  docker: { endpoint: string; engineVersion: string; apiVersion: string } | null;
  sources: Record<SourceName, SourceStatus>;
}

export function buildReport(snapshot: Snapshot, config: Config, checks: readonly Check[] = CHECKS): Report {
  const enabled = checks.filter((check) => !config.disabledChecks.includes(check.id));
  const results = enabled.flatMap((check) => runCheck(check, snapshot, config));
  const summaries = enabled.map((check): CheckSummary => {
    const own = results.filter((result) => result.id === check.id);
    return { id: check.id, title: check.title, status: worstStatus(own.map((r) => r.status)), counts: countStatuses(own) };
  });
  return {
    schemaVersion: 1,
    agent: { name: AGENT_NAME, version: AGENT_VERSION },
    collectedAt: snapshot.collectedAt,
    status: worstStatus(results.map((r) => r.status)),
    counts: countStatuses(results),
    checks: summaries,
    results,
    disabledChecks: checks.filter((check) => !enabled.includes(check)).map((check) => check.id),
    docker: snapshot.docker && {
      endpoint: snapshot.docker.endpoint,
      engineVersion: snapshot.docker.engineVersion,
      apiVersion: snapshot.docker.apiVersion,
    },
    sources: snapshot.sources,
  };
}

/** One check's results: skipped when a source it needs is missing, an error result when it throws, never an exception. */
export function runCheck(check: Check, snapshot: Snapshot, config: Config): CheckResult[] {
  const missing = check.needs.filter((source) => !snapshot.sources[source].ok);
  let findings: Finding[];
  if (missing.length > 0) {
    const reasons = new Set(missing.map((source) => snapshot.sources[source].error ?? 'not collected'));
    findings = [{ subject: 'all', status: 'skipped', message: `cannot check: ${[...reasons].join('; ')}`, details: { missingSources: missing } }];
  } else {
    try {
      findings = check.run(snapshot, config);
      if (findings.length === 0) findings = [{ subject: 'all', status: 'skipped', message: 'nothing to check', details: {} }];
    } catch (error) {
      findings = [{
        subject: 'all',
        status: 'error',
        message: `the check itself failed: ${error instanceof Error ? error.message : String(error)}`,
        details: {},
        remediation: 'This is a bug in edge-health-agent: report it with the output of `edge-health check --json`.',
      }];
    }
  }
  return findings.map((finding) => ({ id: check.id, ...finding }));
}

function countStatuses(results: { status: Status }[]): StatusCounts {
  const counts: StatusCounts = { ok: 0, warning: 0, error: 0, skipped: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}
