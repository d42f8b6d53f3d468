import cron, { type ScheduledTask } from 'node-cron';

/**
 * Runs `tick` on the cron expression, each time after a random delay of up to `jitterSeconds`
 * (node-cron's maxRandomDelay), so a fleet sharing one schedule does not hit at the same second.
 */
export function startSchedule(expression: string, jitterSeconds: number, tick: () => Promise<unknown>): ScheduledTask {
  return cron.schedule(expression, () => tick(), { name: 'check-cycle', noOverlap: true, maxRandomDelay: jitterSeconds * 1000 });
}
