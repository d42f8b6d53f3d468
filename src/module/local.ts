// `edge-health run --local`: the module's schedule without a hub, printing each report.
import type { Logger } from 'pino';
import type { Config } from '../config/settings.js';
import type { Report } from '../report/build.js';
import { CycleRunner } from './cycle-runner.js';
import { startMetricsEndpoint } from './metrics-server.js';
import { startSchedule } from './schedule.js';

export interface LocalRun {
  config: Config;
  logger: Logger;
  stop: AbortSignal;
  print: (report: Report) => void;
}

export async function runLocal({ config, logger, stop, print }: LocalRun): Promise<void> {
  const runner = new CycleRunner(
    () => config,
    async (cycle) => print(cycle.report),
  );
  const metrics = await startMetricsEndpoint(config, logger, () => runner.last);
  const failed = (error: Error) => logger.error({ error: error.message }, 'cycle failed');
  const schedule = startSchedule(config.schedule, config.jitterSeconds, () => runner.run().catch(failed));
  logger.info({ schedule: config.schedule, nextRun: schedule.getNextRun() }, 'running locally');
  await runner.run().catch(failed);
  await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  await schedule.destroy();
  await metrics?.close();
}
