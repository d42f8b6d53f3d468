// The report for a person at a terminal: one line per check, then what needs attention and how to fix it.
// Long lines wrap under their own text, never cut (the full text is in --json), and anything from
// the host (file names, messages) has its control characters escaped so it cannot drive the terminal.
import { styleText } from 'node:util';
import { isProblem } from '../checks/status.js';
import type { CheckResult, Status } from '../checks/types.js';
import type { Report } from './build.js';

const MARK: Record<Status, string> = { ok: 'OK  ', warning: 'WARN', error: 'ERR ', skipped: 'SKIP' };
const COLOR: Record<Status, Parameters<typeof styleText>[0]> = { ok: 'green', warning: 'yellow', error: 'red', skipped: 'gray' };

/** The widest a report line gets, whatever the terminal. */
export const REPORT_WIDTH = 100;

export interface TextOptions {
  color: boolean;
  /** Columns to fit in; REPORT_WIDTH at most. */
  width?: number;
  /** Also list skipped results with their reasons, and every source with its duration. */
  verbose?: boolean;
}

const RESULT_INDENT = 7;
const FIX_INDENT = 12;

export function renderText(report: Report, { color, width = REPORT_WIDTH, verbose = false }: TextOptions): string {
  const columns = Math.max(40, Math.min(width, REPORT_WIDTH));
  const paint = (status: Status, text: string) => (color ? styleText(COLOR[status], text) : text);
  const idWidth = Math.max(...report.checks.map((c) => c.id.length), 0);
  const lines: string[] = [];
  /** One logical line, wrapped; a status mark at `markAt` is painted after wrapping, so widths stay plain. */
  const add = (text: string, indent: number, mark?: { status: Status; at: number }) => {
    const wrapped = wrap(text, columns, indent);
    if (mark) {
      const first = wrapped[0];
      const plain = MARK[mark.status];
      wrapped[0] = first.slice(0, mark.at) + paint(mark.status, plain) + first.slice(mark.at + plain.length);
    }
    lines.push(...wrapped);
  };

  const engine = report.docker
    ? `Docker ${report.docker.engineVersion} (API ${report.docker.apiVersion}) at ${escapeControl(report.docker.endpoint)}`
    : 'no Docker engine';
  lines.push(`${report.agent.name} ${report.agent.version} · ${report.collectedAt}`);
  add(engine, 2);
  lines.push('');

  for (const check of report.checks) {
    const results = report.results.filter((r) => r.id === check.id);
    // A single result is said on the check's own line; verbose lists skipped ones with their reasons.
    const attention = results.filter((r) => isProblem(r) || (verbose && r.status === 'skipped' && results.length > 1));
    add(`${MARK[check.status]} ${check.id.padEnd(idWidth)}  ${check.title}: ${escapeControl(summarise(results))}`, 5 + idWidth + 2, {
      status: check.status,
      at: 0,
    });
    let lastFix: string | undefined;
    for (const result of attention) {
      add(`${' '.repeat(RESULT_INDENT)}${MARK[result.status]} ${escapeControl(result.subject)}: ${escapeControl(result.message)}`, FIX_INDENT, {
        status: result.status,
        at: RESULT_INDENT,
      });
      // Subjects of one check often share a fix: say it once until it changes.
      if (result.remediation && result.remediation !== lastFix) add(`${' '.repeat(FIX_INDENT)}fix: ${escapeControl(result.remediation)}`, FIX_INDENT + 5);
      lastFix = result.remediation;
    }
  }

  renderSources(report, verbose, lines, add);
  if (report.disabledChecks.length > 0) {
    lines.push('');
    add(`Disabled: ${report.disabledChecks.join(', ')}`, 2);
  }
  const { counts } = report;
  lines.push(
    '',
    `Overall: ${paint(report.status, report.status)} (${counts.error} error, ${counts.warning} warning, ${counts.ok} ok, ${counts.skipped} skipped)`,
  );
  return `${lines.join('\n')}\n`;
}

type AddLine = (text: string, indent: number) => void;

/** The sources not collected and why; with verbose, every source with its time. */
function renderSources(report: Report, verbose: boolean, lines: string[], add: AddLine): void {
  const notCollected = new Map<string, string[]>();
  for (const [name, source] of Object.entries(report.sources)) {
    if (!source.ok) notCollected.set(source.error ?? '', [...(notCollected.get(source.error ?? '') ?? []), name]);
  }
  if (notCollected.size > 0) {
    lines.push('', 'Not collected:');
    for (const [error, names] of notCollected) add(`  ${names.join(', ')}: ${escapeControl(error)}`, 4);
  }
  if (verbose) {
    lines.push('', 'Sources:');
    const nameWidth = Math.max(...Object.keys(report.sources).map((name) => name.length));
    for (const [name, source] of Object.entries(report.sources)) {
      const said = source.ok ? (source.note ? `: ${source.note}` : '') : `: ${source.error ?? 'not collected'}`;
      add(`  ${name.padEnd(nameWidth)}  ${source.ok ? 'ok    ' : 'failed'} ${String(source.durationMs).padStart(6)} ms${escapeControl(said)}`, nameWidth + 4);
    }
  }
}

function summarise(results: CheckResult[]): string {
  if (results.length === 1 && !isProblem(results[0])) {
    const [only] = results;
    return only.subject === 'all' ? only.message : `${only.subject}: ${only.message}`;
  }
  // A total (all containers' logs) is not a subject of its own: "1 of 9", not "1 of 10".
  const subjects = results.filter((r) => !r.aggregate);
  const attention = subjects.filter(isProblem).length;
  const skipped = subjects.filter((r) => r.status === 'skipped').length;
  const totalFlagged = results.some((r) => r.aggregate && isProblem(r));
  const judged = `${attention} of ${subjects.length} need${attention === 1 ? 's' : ''} attention${totalFlagged ? ', and so does the total' : ''}`;
  return skipped > 0 ? `${judged}, ${skipped} skipped` : judged;
}

/**
 * Words into lines of at most `width` columns; lines after the first start with `indent` spaces.
 * A word longer than a line is split, never dropped.
 */
export function wrap(text: string, width: number, indent: number): string[] {
  const lines: string[] = [];
  const pad = ' '.repeat(indent);
  let line = '';
  // Each token keeps the spaces before it, so padding inside a line survives.
  for (const token of text.match(/ *[^ ]+| +$/g) ?? ['']) {
    if (line.length + token.length <= width || line.trim() === '') {
      line += line.trim() === '' && line.length > 0 ? token.trimStart() : token;
    } else {
      lines.push(line);
      line = pad + token.trimStart();
    }
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = pad + line.slice(width);
    }
  }
  lines.push(line);
  return lines;
}

/** Control characters (escape sequences, newlines, backspaces…) shown as \x1b and the like, so text stays text. */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
