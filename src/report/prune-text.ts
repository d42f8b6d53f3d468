// A prune's answer for a person at a terminal: what was (or would be) removed, what was not and why.
import type { PruneAnswer, PruneKind } from '../actions/plan.js';
import { formatBytes } from '../size.js';

/** A summary line, one row per volume or image listed, and with a dry run how to go on. */
export function renderPrune(kind: PruneKind, answer: PruneAnswer): string {
  const noun = (count: number) => `${count} ${count === 1 ? kind.slice(0, -1) : kind}`;
  const keptCount = answer.skippedCount - answer.notRemovedCount;
  const removed = `${noun(answer.removedCount)} (${formatBytes(answer.reclaimedBytes)})`;
  const lines = [
    answer.dryRun
      ? `Dry run: would remove ${removed}; ${keptCount} kept.`
      : `Removed ${removed}; ${answer.notRemovedCount} could not be removed; ${keptCount} kept.`,
  ];
  const rows: [string, string, string][] = [
    ...answer.removed.map(({ name, bytes }): [string, string, string] => [answer.dryRun ? 'remove' : 'removed', name, bytes === null ? 'size unknown' : formatBytes(bytes)]),
    ...answer.skipped.map(({ name, reason }, index): [string, string, string] => [index < answer.notRemovedCount ? 'not removed' : answer.dryRun ? 'keep' : 'kept', name, reason]),
  ];
  const widths = [0, 1].map((column) => Math.max(0, ...rows.map((row) => row[column].length)));
  for (const [what, name, detail] of rows) lines.push(`  ${what.padEnd(widths[0])}  ${name.padEnd(widths[1])}  ${detail}`);
  const unlisted = answer.removedCount - answer.removed.length + answer.skippedCount - answer.skipped.length;
  if (unlisted > 0) lines.push(`  … and ${unlisted} more not listed`);
  if (answer.dryRun) lines.push(answer.removedCount > 0 ? 'Nothing was removed; run again with --yes to remove them.' : 'Nothing to remove.');
  return `${lines.join('\n')}\n`;
}
