import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { CHECK_IDS } from '../checks/registry.js';
import { ConfigError, type ResolvedConfig, envLayer, resolveConfig } from '../config/resolve.js';
import { envName, flagName } from '../config/settings.js';
import { collectSnapshot } from '../collect/snapshot.js';
import { createLogger } from '../log.js';
import { buildReport } from '../report/build.js';
import { EXIT_AGENT_FAILED, exitCodeFor } from '../report/exit-code.js';
import { renderText } from '../report/text.js';
import { addSettingOptions, flagLayer } from './setting-options.js';

/** Raised for anything that stops the agent from running at all: exit code 2 with this message. */
export class UsageError extends Error {}

export function checkCommand(program: Command): Command {
  const command = program
    .command('check')
    .description('Check this host once and print the report. Exit code: 0 healthy, 1 a check found an error, 2 the agent could not run.')
    .option('--json', 'print the full report as JSON')
    .option('--warnings-as-errors', 'exit with 1 when any check warns, not only on errors');
  addSettingOptions(command);
  return command.action(async (options: Record<string, unknown>) => {
    const { config } = await loadConfig(options);
    const logger = createLogger(config.logLevel);
    const snapshot = await collectSnapshot({ config });
    for (const [source, status] of Object.entries(snapshot.sources)) {
      if (!status.ok) logger.info({ source, error: status.error }, 'source not collected');
    }
    const report = buildReport(snapshot, config);
    process.stdout.write(
      options.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR }),
    );
    process.exitCode = exitCodeFor(report, { warningsAsErrors: Boolean(options.warningsAsErrors) });
  });
}

async function loadConfig(options: Record<string, unknown>): Promise<ResolvedConfig> {
  let resolved: ResolvedConfig;
  try {
    resolved = resolveConfig([envLayer(process.env), flagLayer(options)], CHECK_IDS);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const { hostRoot } = resolved.config;
  if (hostRoot !== '') {
    const label = resolved.origins.hostRoot === 'env' ? envName('hostRoot') : flagName('hostRoot');
    const info = await stat(hostRoot).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`${label} ${hostRoot}: ${error.code === 'ENOENT' ? 'no such directory' : error.message}`);
    });
    if (!info.isDirectory()) throw new UsageError(`${label} ${hostRoot}: not a directory`);
  }
  return resolved;
}

export { EXIT_AGENT_FAILED };
