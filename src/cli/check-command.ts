import type { Command } from 'commander';
import { collectSnapshot } from '../collect/snapshot.js';
import { createLogger } from '../log.js';
import { buildReport } from '../report/build.js';
import { exitCodeFor } from '../report/exit-code.js';
import { renderText } from '../report/text.js';
import { loadCliConfig } from './cli-config.js';
import { addSettingOptions } from './setting-options.js';

export function checkCommand(program: Command): Command {
  const command = program
    .command('check')
    .description('Check this host once and print the report. Exit code: 0 healthy, 1 a check found an error, 2 the agent could not run.')
    .option('--json', 'print the full report as JSON')
    .option('--warnings-as-errors', 'exit with 1 when any check warns, not only on errors');
  addSettingOptions(command);
  return command.action(async (options: Record<string, unknown>) => {
    const { config } = await loadCliConfig(options);
    const logger = createLogger(config);
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
