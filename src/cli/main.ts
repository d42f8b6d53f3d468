#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { EXIT_AGENT_FAILED } from '../report/exit-code.js';
import { AGENT_VERSION } from '../version.js';

/**
 * Each command's code, loaded only when it is the one asked for: `check` never loads the module's
 * code, nor `run` the prune command's (each costs memory for as long as the process lives).
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => Command>> = {
  check: async () => (await import('./check-command.js')).checkCommand,
  checks: async () => (await import('./checks-command.js')).checksCommand,
  prune: async () => (await import('./prune-command.js')).pruneCommand,
  run: async () => (await import('./run-command.js')).runCommand,
  fleet: async () => (await import('./fleet-command.js')).fleetCommand,
};

/** The command named on the line (the program takes no option with a value); all of them for help or an unknown name, none for --version alone. */
function commandsWanted(args: string[]): string[] {
  const named = args.find((arg) => !arg.startsWith('-'));
  if (named !== undefined && Object.hasOwn(COMMANDS, named)) return [named];
  if (named === undefined && args.length > 0 && args.every((arg) => arg === '-V' || arg === '--version')) return [];
  return Object.keys(COMMANDS);
}

const program = new Command('edge-health')
  .description('Host health for Azure IoT Edge devices: disk, Docker volumes, container logs and limits.')
  .version(AGENT_VERSION)
  .showHelpAfterError('(add --help for usage)')
  // Wrap option descriptions even beside long flag names (Commander gives up below 40 columns).
  .configureHelp({ minWidthToWrap: 24 })
  .exitOverride();

try {
  for (const name of commandsWanted(process.argv.slice(2))) (await COMMANDS[name]())(program).exitOverride();
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the message; help and --version end with code 0.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_AGENT_FAILED;
  } else {
    // Loaded only now: --version and help never need them.
    const [{ UsageError }, { logCrash }, { envName }] = await Promise.all([import('./cli-config.js'), import('../log.js'), import('../config/settings.js')]);
    if (error instanceof UsageError) process.stderr.write(`edge-health: ${error.message}\n`);
    else await logCrash(error, process.env[envName('logFormat')] === 'json' ? 'json' : 'iotedge');
    // Exit now: an open module client would keep the process alive, and IoT Edge restarts a module that exits.
    process.exit(EXIT_AGENT_FAILED);
  }
}
