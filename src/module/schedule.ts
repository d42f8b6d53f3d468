import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';

/**
 * Runs `tick` on the cron expression, each time after a random delay of up to `jitterSeconds`
 * (node-cron's maxRandomDelay), so a fleet sharing one schedule does not hit at the same second.
 * A tick while a cycle runs joins that cycle (CycleRunner), so node-cron's own overlap guard is
 * not used; what node-cron has to say goes to the agent's log, never to the console directly.
 */
export function startSchedule(expression: string, jitterSeconds: number, tick: () => Promise<unknown>, logger: Logger): ScheduledTask {
  const log = logger.child({ component: 'schedule' });
  return cron.schedule(expression, () => tick(), {
    name: 'check-cycle',
    maxRandomDelay: jitterSeconds * 1000,
    logger: {
      info: (message) => log.debug(message),
      debug: (message) => log.debug({ detail: describe(message) }, 'scheduler'),
      warn: (message) => log.warn(message),
      error: (message, error) => log.error({ error: describe(error ?? message) }, 'scheduler error'),
    },
  });
}

function describe(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
