// `edge-health prune volumes|images`: the pruneVolumes/pruneImages direct methods for someone logged
// in to the device, through the same code (runPrune): a dry run unless --yes, the same answer with --json.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ActionLock } from '../actions/action-lock.js';
import type { PruneKind } from '../actions/plan.js';
import { runPrune } from '../actions/run-prune.js';
import { defaultEngineEndpoint } from '../engine/connection.js';
import { fromText } from '../config/resolve.js';
import { createLogger } from '../log.js';
import { EXIT_HEALTHY, EXIT_UNHEALTHY } from '../report/exit-code.js';
import { renderPrune } from '../report/prune-text.js';
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
