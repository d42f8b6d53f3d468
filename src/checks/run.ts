// Runs the checks over one snapshot: a check whose needed source failed is skipped with the reason,
// one that throws becomes an error result and is named as failed, and nothing escapes as an exception.
import type { Config } from '../config/settings.js';
import type { Snapshot } from '../snapshot.js';
import { CHECKS } from './registry.js';
import { worstStatus } from './status.js';
import type { Check, CheckResult, Finding, Status } from './types.js';

export type StatusCounts = Record<Status, number>;

export interface CheckSummary {
  id: string;
  title: string;
  status: Status;
  counts: StatusCounts;
}

export interface ChecksRun {
  results: CheckResult[];
  /** One per check run, in registry order. */
  checks: CheckSummary[];
  disabledChecks: string[];
  /** Checks that threw: the agent failed there, not the host. */
  failedChecks: string[];
}

export function runChecks(snapshot: Snapshot, config: Config, checks: readonly Check[] = CHECKS): ChecksRun {
  const enabled = checks.filter((check) => !config.disabledChecks.includes(check.id));
  const runs = enabled.map((check) => ({ check, ...judge(check, snapshot, config) }));
  return {
    results: runs.flatMap((run) => run.results),
    checks: runs.map(({ check, results }) => ({
      id: check.id,
      title: check.title,
      status: worstStatus(results.map((r) => r.status)),
      counts: countStatuses(results),
    })),
    disabledChecks: checks.filter((check) => !enabled.includes(check)).map((check) => check.id),
    failedChecks: runs.filter((run) => run.threw).map((run) => run.check.id),
  };
}

/** One check's results. */
export function runCheck(check: Check, snapshot: Snapshot, config: Config): CheckResult[] {
  return judge(check, snapshot, config).results;
}

function judge(check: Check, snapshot: Snapshot, config: Config): { results: CheckResult[]; threw: boolean } {
  const missing = check.needs.filter((source) => !snapshot.sources[source].ok);
  let findings: Finding[];
  let threw = false;
  if (missing.length > 0) {
    const reasons = new Set(missing.map((source) => snapshot.sources[source].error ?? 'not collected'));
    findings = [{ subject: 'all', status: 'skipped', message: `cannot check: ${[...reasons].join('; ')}`, details: { missingSources: missing } }];
  } else {
    try {
      findings = check.run(snapshot, config);
      if (findings.length === 0) findings = [{ subject: 'all', status: 'skipped', message: 'nothing to check', details: {} }];
    } catch (error) {
      threw = true;
      findings = [crashed(error)];
    }
  }
  return { results: findings.map((finding) => ({ id: check.id, ...finding })), threw };
}

function crashed(error: unknown): Finding {
  return {
    subject: 'all',
    status: 'error',
    message: `the check itself failed: ${error instanceof Error ? error.message : String(error)}`,
    details: {},
    remediation: 'This is a bug in edge-health-agent, not a problem of this host: report it with the output of `edge-health check --json`.',
  };
}

export function countStatuses(results: { status: Status }[]): StatusCounts {
  const counts: StatusCounts = { ok: 0, warning: 0, error: 0, skipped: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}
