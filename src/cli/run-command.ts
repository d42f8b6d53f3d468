import type { Command } from 'commander';
import { closeLog, createLogger } from '../log.js';
import { runLocal } from '../module/local.js';
import { ModuleConfig } from '../module/module-config.js';
import { renderText } from '../report/text.js';
import { UsageError, asUsageError, checkHostRoot, deviceLayers } from './cli-config.js';
import { addSettingOptions } from './setting-options.js';

/** How long shutdown may take before the process is ended anyway: IoT Edge (Docker) kills at 10 s; we promise 5. */
const SHUTDOWN_GRACE_MS = 4_500;

export function runCommand(program: Command): Command {
  const command = program
    .command('run')
    .description(
      'Run as the IoT Edge module: connect to edgeHub, check on the schedule, report through the module twin and telemetry, answer direct methods. ' +
        'With --local, run the same schedule without a hub and print each report.',
    )
    .option('--local', 'no IoT Edge: print a report after every scheduled cycle')
    .option('--json', 'with --local, print each report as one JSON line');
  addSettingOptions(command);
  return command.action(async (options: Record<string, unknown>) => {
    const settings = asUsageError(() => new ModuleConfig(deviceLayers(options)));
    await checkHostRoot({ config: settings.current, origins: settings.describe().origins });
    const logger = createLogger(settings.current);

    const stopping = new AbortController();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'shutting down');
        stopping.abort();
        setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
      });
    }

    if (options.local) {
      const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
      await runLocal({
        config: settings.current,
        logger,
        stop: stopping.signal,
        print: (report) => process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${renderText(report, { color })}\n`),
      });
    } else {
      if (!process.env.IOTEDGE_WORKLOADURI && !process.env.EdgeHubConnectionString && !process.env.IotHubConnectionString) {
        throw new UsageError(
          'not running as an IoT Edge module: IOTEDGE_WORKLOADURI (set by IoT Edge) or EdgeHubConnectionString is missing. ' +
            'Without a hub, try `edge-health run --local` (the module\'s schedule, reports printed) or `edge-health check` (once).',
        );
      }
      // Loaded only here: `check` and `run --local` never pay for the Azure IoT SDK.
      const { runModule } = await import('../module/agent.js');
      await runModule({ settings, logger, stop: stopping.signal });
    }
    // Shutdown is complete (client closed, schedule gone); timers the SDK leaves behind must not keep IoT Edge waiting.
    await closeLog();
    process.exit(0);
  });
}
