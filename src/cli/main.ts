#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { AGENT_VERSION } from '../version.js';
import { envName } from '../config/settings.js';
import { logCrash } from '../log.js';
import { EXIT_AGENT_FAILED } from '../report/exit-code.js';
import { checkCommand } from './check-command.js';
import { checksCommand } from './checks-command.js';
import { UsageError } from './cli-config.js';
import { fleetCommand } from './fleet-command.js';
import { pruneCommand } from './prune-command.js';
import { runCommand } from './run-command.js';

const program = new Command('edge-health')
  .description('Host health for Azure IoT Edge devices: disk, Docker volumes, container logs and limits.')
  .version(AGENT_VERSION)
  .showHelpAfterError('(add --help for usage)')
  // Wrap option descriptions even beside long flag names (Commander gives up below 40 columns).
  .configureHelp({ minWidthToWrap: 24 })
  .exitOverride();
checkCommand(program).exitOverride();
checksCommand(program).exitOverride();
pruneCommand(program).exitOverride();
runCommand(program).exitOverride();
fleetCommand(program).exitOverride();

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the message; help and --version end with code 0.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_AGENT_FAILED;
  } else {
    if (error instanceof UsageError) process.stderr.write(`edge-health: ${error.message}\n`);
    else await logCrash(error, process.env[envName('logFormat')] === 'json' ? 'json' : 'iotedge');
    // Exit now: an open module client would keep the process alive, and IoT Edge restarts a module that exits.
    process.exit(EXIT_AGENT_FAILED);
  }
}
