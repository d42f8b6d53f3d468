// The report for a person at a terminal: one line per check, then what needs attention and how to fix it.
import { styleText } from 'node:util';
import type { Status } from '../checks/types.js';
import type { Report } from './build.js';

const MARK: Record<Status, string> = { ok: 'OK  ', warning: 'WARN', error: 'ERR ', skipped: 'SKIP' };
const COLOR: Record<Status, Parameters<typeof styleText>[0]> = { ok: 'green', warning: 'yellow', error: 'red', skipped: 'gray' };

export function renderText(report: Report, { color }: { color: boolean }): string {
  const paint = (status: Status, text: string) => (color ? styleText(COLOR[status], text) : text);
  const idWidth = Math.max(...report.checks.map((c) => c.id.length), 0);
  const lines: string[] = [];
  const engine = report.docker
    ? `Docker ${report.docker.engineVersion} (API ${report.docker.apiVersion}) at ${report.docker.endpoint}`
    : 'no Docker engine';
  lines.push(`${report.agent.name} ${report.agent.version} · ${report.collectedAt} · ${engine}`, '');

  for (const check of report.checks) {
    const results = report.results.filter((r) => r.id === check.id);
    const attention = results.filter((r) => r.status === 'warning' || r.status === 'error');
    lines.push(`${paint(check.status, MARK[check.status])} ${check.id.padEnd(idWidth)}  ${check.title}: ${summarise(results, attention.length)}`);
    let lastFix: string | undefined;
    for (const result of attention) {
      lines.push(`       ${paint(result.status, MARK[result.status])} ${result.subject}: ${result.message}`);
      // Subjects of one check often share a fix: say it once until it changes.
      if (result.remediation && result.remediation !== lastFix) lines.push(`            fix: ${result.remediation}`);
      lastFix = result.remediation;
    }
  }

  const notCollected = new Map<string, string[]>();
  for (const [name, source] of Object.entries(report.sources)) {
    if (!source.ok) notCollected.set(source.error ?? '', [...(notCollected.get(source.error ?? '') ?? []), name]);
  }
  if (notCollected.size > 0) {
    lines.push('', 'Not collected:');
    for (const [error, names] of notCollected) lines.push(`  ${names.join(', ')}: ${error}`);
  }
  if (report.disabledChecks.length > 0) lines.push('', `Disabled: ${report.disabledChecks.join(', ')}`);
  const { counts } = report;
  lines.push(
    '',
    `Overall: ${paint(report.status, report.status)} (${counts.error} error, ${counts.warning} warning, ${counts.ok} ok, ${counts.skipped} skipped)`,
  );
  return `${lines.join('\n')}\n`;
}

function summarise(results: Report['results'], attentionCount: number): string {
  if (results.length === 1 && attentionCount === 0) {
    const [only] = results;
    return only.subject === 'all' ? only.message : `${only.subject}: ${only.message}`;
  }
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const judged = `${attentionCount} of ${results.length} need${attentionCount === 1 ? 's' : ''} attention`;
  return skipped > 0 ? `${judged}, ${skipped} skipped` : judged;
}
