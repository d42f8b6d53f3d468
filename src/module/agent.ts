// The IoT Edge module: connect, take configuration from the twin, run the schedule, report
// through the twin and telemetry, answer direct methods, and stop cleanly on SIGTERM.
import device, { type ModuleClient } from 'azure-iot-device';
import type { ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { readMountTable } from '../collect/mount-table.js';
import { twinHealth } from '../report/twin.js';
import { AGENT_NAME, AGENT_VERSION } from '../version.js';
import { createModuleClient } from './client.js';
import { type Cycle, CycleRunner } from './cycle-runner.js';
import type { DesiredProperties } from './desired.js';
import { startMetricsEndpoint } from './metrics-server.js';
import { type MethodHandler, readMethods } from './methods.js';
import type { ModuleConfig } from './module-config.js';
import { pruneMethods } from './prune-methods.js';
import { startSchedule } from './schedule.js';
import { type SendEvent, TelemetrySink } from './telemetry-sink.js';
import { TwinReporter } from './twin-reporter.js';

export interface ModuleRun {
  settings: ModuleConfig;
  logger: Logger;
  /** Aborted on SIGTERM/SIGINT: the module closes its client and returns. */
  stop: AbortSignal;
}

export async function runModule({ settings, logger, stop }: ModuleRun): Promise<void> {
  const startedAt = new Date().toISOString();
  const client = await createModuleClient(settings.current);
  client.on('error', (error: Error) => logger.warn({ error: error.message }, 'module client error'));
  // The SDK retries on its own and emits disconnect only once it gives up: keep trying, less often.
  client.on('disconnect', () => void reopen(client, logger, stop));
  await client.open();
  logger.info({ productInfo: settings.current.productInfo, transport: settings.current.transport }, 'connected to edgeHub');

  const twin = await client.getTwin();
  // After a reconnect the SDK does not read the twin again, so desired changes made while offline
  // would be missed. Registered after the first open, so every connect here is a reconnect;
  // get() replaces the desired state and fires the handler below.
  client.on('connect', () => {
    twin.get().catch((error: Error) => logger.warn({ error: error.message }, 'twin not read after reconnect'));
  });
  const reporter = new TwinReporter(twin, logger);
  const send = sendWith(client);
  const telemetry = new TelemetrySink(send);
  const runner = new CycleRunner(
    () => settings.current,
    async (cycle) => {
      logger.info({ status: cycle.report.status, counts: cycle.report.counts, durationMs: cycle.durationMs }, 'cycle finished');
      await reporter.report({
        health: twinHealth(cycle.report, cycle.durationMs, settings.current.reportedSubjectsPerCheck),
        agent: agentSection(startedAt, cycle),
      });
      await telemetry.afterCycle(cycle.report, settings.current).catch((error: Error) => logger.warn({ error: error.message }, 'telemetry not sent'));
    },
  );

  let schedule: ScheduledTask | undefined;
  const reschedule = () => {
    const { schedule: expression, jitterSeconds } = settings.current;
    void schedule?.destroy();
    schedule = startSchedule(expression, jitterSeconds, () => runner.run().catch((error: Error) => logger.error({ error: error.message }, 'cycle failed')));
  };

  // The SDK emits the whole desired state once subscribed, then again after every patch.
  twin.on('properties.desired', () => {
    const before = JSON.stringify([settings.current.schedule, settings.current.jitterSeconds]);
    const desired = twin.properties.desired as DesiredProperties;
    if (settings.applyDesired(desired)) {
      logger.level = settings.current.logLevel;
      logger.info({ desiredVersion: desired.$version }, 'desired properties applied');
    } else {
      logger.warn({ desiredVersion: desired.$version, config: settings.reported() }, 'desired properties rejected; last good configuration stays');
    }
    void reporter.report({ config: settings.reported() });
    if (schedule && before !== JSON.stringify([settings.current.schedule, settings.current.jitterSeconds])) reschedule();
  });

  registerMethods(client, logger, {
    ...readMethods({
      runCycle: () => runner.run(),
      lastCycle: () => runner.last,
      describeConfig: () => settings.describe(),
    }),
    ...pruneMethods({
      config: () => settings.current,
      logger,
      selfContainerId: (await readMountTable())?.containerId,
      afterAction: async (method, answer) => {
        const { removedCount, notRemovedCount, skippedCount, reclaimedBytes, durationMs } = answer;
        await send(
          'alerts',
          { messageType: 'action', action: method, requestedBy: 'direct method', removedCount, notRemovedCount, skippedCount, reclaimedBytes, durationMs, at: new Date().toISOString() },
          { messageType: 'action', action: method },
        ).catch((error: Error) => logger.warn({ error: error.message }, 'action event not sent'));
        // The reported health should show the space just reclaimed, not wait for the schedule.
        runner.invalidateVolumeSizes();
        void runner.run().catch((error: Error) => logger.error({ error: error.message }, 'cycle after prune failed'));
      },
    }),
  });

  await reporter.report({ config: settings.reported(), agent: agentSection(startedAt) });
  const metrics = await startMetricsEndpoint(settings.current, logger, () => runner.last);
  reschedule();
  await runner.run().catch((error: Error) => logger.error({ error: error.message }, 'first cycle failed'));

  await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  logger.info('stopping');
  await schedule?.destroy();
  await metrics?.close();
  await Promise.race([client.close(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  logger.info('stopped');
}

async function reopen(client: ModuleClient, logger: Logger, stop: AbortSignal): Promise<void> {
  logger.warn('disconnected from edgeHub; reconnecting');
  for (let delayMs = 1_000; !stop.aborted; delayMs = Math.min(delayMs * 2, 60_000)) {
    try {
      await client.open();
      logger.info('reconnected to edgeHub');
      return;
    } catch (error) {
      logger.warn({ error: (error as Error).message, retryInMs: delayMs }, 'reconnect failed');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

function agentSection(startedAt: string, cycle?: Cycle) {
  return {
    name: AGENT_NAME,
    version: AGENT_VERSION,
    startedAt,
    ...(cycle ? { engineReachable: cycle.snapshot.sources.docker.ok, engineVersion: cycle.snapshot.docker?.engineVersion ?? null } : {}),
  };
}

function sendWith(client: ModuleClient): SendEvent {
  return async (output, body, properties) => {
    const message = new device.Message(JSON.stringify(body));
    message.contentType = 'application/json';
    message.contentEncoding = 'utf-8';
    for (const [key, value] of Object.entries(properties)) message.properties.add(key, value);
    await client.sendOutputEvent(output, message);
  };
}

function registerMethods(client: ModuleClient, logger: Logger, handlers: Record<string, MethodHandler>): void {
  for (const [name, handle] of Object.entries(handlers)) {
    client.onMethod(name, async (request, response) => {
      if (!request || !response) return;
      const answer = await handle(request.payload);
      logger.info({ method: name, status: answer.status }, 'direct method answered');
      await response.send(answer.status, answer.payload).catch((error: Error) => logger.warn({ method: name, error: error.message }, 'method response not sent'));
    });
  }
}
