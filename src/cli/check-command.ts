import type { Command } from 'commander';
import { runChecks } from '../checks/run.js';
import { collectSnapshot } from '../collect/snapshot.js';
import { createLogger } from '../log.js';
import { buildReport } from '../report/build.js';
import { exitCodeFor } from '../report/exit-code.js';
import { REPORT_WIDTH, renderText } from '../report/text.js';
import { loadCliConfig } from './cli-config.js';
import { CHECK_SETTING_KEYS, addSettingOptions } from './setting-options.js';

export function checkCommand(program: Command): Command {
  const command = program
    .command('check')
    .description(
      'Check this host once and print the report. Exit code: 0 healthy; 1 a check found an error (an engine DOCKER_HOST names that does not answer included: docker.engine); 2 the agent itself failed (a bad flag or setting, a host root missing or not readable, a check that threw). No engine installed at all is a skip, not an error.',
    )
    .option('--json', 'print the full report as JSON')
    .option('--verbose', 'also list skipped results with their reasons, and every source with how long it took')
    .option('--warnings-as-errors', 'exit with 1 when any check warns, not only on errors');
  addSettingOptions(command, CHECK_SETTING_KEYS);
  return command.action(async (options: Record<string, unknown>) => {
    const { config } = await loadCliConfig(options);
    const logger = createLogger(config);
    const snapshot = await collectSnapshot({ config });
    for (const [source, status] of Object.entries(snapshot.sources)) {
      if (!status.ok) logger.info({ source, error: status.error }, 'source not collected');
    }
    const report = buildReport(snapshot, runChecks(snapshot, config));
    process.stdout.write(
      options.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : renderText(report, {
            color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
            width: process.stdout.columns ?? REPORT_WIDTH,
            verbose: Boolean(options.verbose),
          }),
    );
    process.exitCode = exitCodeFor(report, { warningsAsErrors: Boolean(options.warningsAsErrors) });
  });
}
