// `edge-health prune volumes|images`: the pruneVolumes/pruneImages direct methods for someone logged
// in to the device, through the same code (runPrune): a dry run unless --yes, the same answer with --json.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ActionLock } from '../actions/action-lock.js';
import type { PruneAnswer, PruneKind } from '../actions/plan.js';
import { runPrune } from '../actions/run-prune.js';
import { defaultEngineEndpoint } from '../engine/connection.js';
import { fromText } from '../config/resolve.js';
import { formatBytes } from '../config/size.js';
import { createLogger } from '../log.js';
import { EXIT_HEALTHY, EXIT_UNHEALTHY } from '../report/exit-code.js';
import { UsageError, loadCliConfig } from './cli-config.js';
import { PRUNE_SETTING_KEYS, addSettingOptions } from './setting-options.js';

const EXIT_CODES = 'Exit code: 0 done, 1 something named with --names or planned could not be removed, 2 bad input or the agent could not run.';

interface PruneFlags {
  yes?: boolean;
  names?: string;
  olderThanHours?: string;
  anonymousOnly?: boolean;
  danglingOnly?: boolean;
  json?: boolean;
}

export function pruneCommand(program: Command): Command {
  const prune = program
    .command('prune')
    .description(`Remove unused Docker volumes or images, one by one, never forced; a dry run unless --yes. ${EXIT_CODES}`);
  addKind(
    prune,
    'volumes',
    'Remove volumes no container references (running, stopped or never started), except those of edgeAgent/edgeHub, protectedVolumes, protectLabel and younger ones.',
    ['--anonymous-only', 'only anonymous volumes (named by the engine)'],
  );
  addKind(
    prune,
    'images',
    'Remove images no container uses (any state), except those of edgeAgent/edgeHub and younger ones.',
    ['--dangling-only', 'only untagged images'],
  );
  return prune;
}

function addKind(prune: Command, kind: PruneKind, description: string, [filterFlag, filterHelp]: [string, string]): void {
  const command = prune
    .command(kind)
    .description(`${description} ${EXIT_CODES}`)
    .option('--yes', 'remove for real; without it, only show what would be removed (dry run)')
    .option('--names <names>', `only these ${kind === 'volumes' ? 'volume names' : 'image tags or IDs'} (comma-separated)`)
    .option('--older-than-hours <hours>', 'only what is at least this many hours old [default: the pruneOlderThanHours setting]')
    .option(filterFlag, filterHelp)
    .option('--json', 'print the answer as JSON, as the direct method returns it');
  addSettingOptions(command, PRUNE_SETTING_KEYS);
  command.exitOverride().action(async (flags: PruneFlags & Record<string, unknown>) => {
    const { config } = await loadCliConfig(flags);
    const names = flags.names?.split(',').map((n) => n.trim()).filter(Boolean);
    const payload = {
      dryRun: !flags.yes,
      ...(names ? { names } : {}),
      ...(flags.olderThanHours !== undefined ? { olderThanHours: fromText('number', flags.olderThanHours) } : {}),
      ...(flags.anonymousOnly ? { anonymousOnly: true } : {}),
      ...(flags.danglingOnly ? { danglingOnly: true } : {}),
    };
    const result = await runPrune(kind, payload, {
      config,
      engineEndpoint: defaultEngineEndpoint(),
      lock: new ActionLock(),
      requestedBy: `command line (user ${currentUser()})`,
      logger: createLogger(config),
    });
    if (result.status !== 200) {
      const { error, field } = result.payload;
      // Payload fields are flags here: name them as the user typed them.
      throw new UsageError(field && error.startsWith(field) ? `${flagOf(field)}${error.slice(field.length)}` : error);
    }
    const answer = result.payload;
    process.stdout.write(flags.json ? `${JSON.stringify(answer, null, 2)}\n` : renderPrune(kind, answer));
    const namedNotRemoved = names !== undefined && answer.removedCount < new Set(names).size;
    process.exitCode = answer.notRemovedCount > 0 || namedNotRemoved ? EXIT_UNHEALTHY : EXIT_HEALTHY;
  });
}

/** The answer for a person: what was (or would be) removed, what was not and why. */
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

function flagOf(field: string): string {
  return `--${field.split('.')[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
