// The IoT Edge module: connect, take configuration from the twin, run the schedule, report
// through the twin and telemetry, answer direct methods, and stop cleanly on SIGTERM.
// Nothing the hub does can hold up a cycle or a method: the sinks record the latest state and send
// it in the background under deadlines, and everything they could not send goes out on reconnect.
import device, { type ModuleClient } from 'azure-iot-device';
import type { ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { readMountTable } from '../collect/mount-table.js';
import { actionEvent } from '../report/action-event.js';
import { type TwinHealth, twinHealth } from '../report/twin.js';
import { AGENT_NAME, AGENT_VERSION } from '../version.js';
import { createModuleClient } from './client.js';
import { ConnectGate } from './connect-gate.js';
import { type Cycle, CycleRunner } from './cycle-runner.js';
import { withDeadline } from './deadline.js';
import type { DesiredProperties } from './desired.js';
import { BodyProblems } from './guarded-transport.js';
import { type MetricsEndpoint, startMetricsEndpoint } from './metrics-server.js';
import { type MethodHandler, badRequest, readMethods } from './methods.js';
import type { ModuleConfig } from './module-config.js';
import { pruneMethods } from './prune-methods.js';
import { startSchedule } from './schedule.js';
import { SourceNoteLog } from './source-notes.js';
import { type SendEvent, TelemetrySink } from './telemetry-sink.js';
import { TwinReporter } from './twin-reporter.js';

export interface ModuleRun {
  settings: ModuleConfig;
  logger: Logger;
  /** Aborted on SIGTERM/SIGINT: the module closes its client and returns. */
  stop: AbortSignal;
}

/** Connecting and reading the twin at start: past this, the module exits and IoT Edge restarts it. */
const STARTUP_DEADLINE_MS = 60_000;
/** One connection attempt once its turn came (open, and the SAS signing through the workload API it includes). */
const ATTEMPT_DEADLINE_MS = 30_000;
/** On stop: how long a running prune may take to finish its delete in flight and answer, then closing the client. */
const ACTIONS_SETTLE_MS = 3_000;
const CLOSE_DEADLINE_MS = 1_000;
const METHOD_RESPONSE_DEADLINE_MS = 10_000;

export async function runModule({ settings, logger, stop }: ModuleRun): Promise<void> {
  const stopped = new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
  const running: Running = { actions: new Set() };
  // Heard from the first moment: a stop during connecting or the first cycle ends the run at once.
  const started = start(settings, logger, stop, running);
  // A start that fails after the stop has nothing left to tell; one that fails before ends the run.
  started.catch(() => {});
  await Promise.race([started.then(() => stopped), stopped]);

  logger.info('stopping');
  await running.schedule?.destroy();
  // A prune sees `stop` too: it finishes the delete in flight, answers, and sends its action event.
  const settleBy = Date.now() + ACTIONS_SETTLE_MS;
  while (running.actions.size > 0 && Date.now() < settleBy) await Promise.race([Promise.allSettled(running.actions), sleep(settleBy - Date.now())]);
  await Promise.race([running.metrics?.close().catch(() => {}), sleep(CLOSE_DEADLINE_MS)]);
  if (running.client) await Promise.race([running.client.close().catch(() => {}), sleep(CLOSE_DEADLINE_MS)]);
  logger.info('stopped');
}

/** What shutdown has to stop: filled in as start() gets there. */
interface Running {
  client?: ModuleClient;
  schedule?: ScheduledTask;
  metrics?: MetricsEndpoint;
  /** Direct method calls being answered, and the action events they send. */
  actions: Set<Promise<unknown>>;
}

async function start(settings: ModuleConfig, logger: Logger, stop: AbortSignal, running: Running): Promise<void> {
  const startedAt = new Date().toISOString();
  const connected = await connect(settings, logger, stop, running);
  if (!connected) return;
  const { client, bodyProblems } = connected;

  const twin = await withDeadline(client.getTwin(), STARTUP_DEADLINE_MS, 'reading the module twin');
  const reporter = new TwinReporter(twin, logger);
  const telemetry = new TelemetrySink(sendWith(client));
  const sendTelemetry = (work: Promise<void>) => work.catch((error: Error) => logger.warn({ error: error.message, backlog: telemetry.backlog }, 'telemetry not sent; kept for the next attempt'));
  // After a reconnect the SDK does not read the twin again, so desired changes made while offline
  // would be missed. Registered after the first open, so every connect here is a reconnect;
  // get() replaces the desired state and fires the handler below. What failed to go out goes now.
  client.on('connect', () => {
    twin.get().catch((error: Error) => logger.warn({ error: error.message }, 'twin not read after reconnect'));
    void reporter.flush();
    void sendTelemetry(telemetry.flush());
  });
  let health: TwinHealth | undefined;
  const notes = new SourceNoteLog(logger);
  const runner = new CycleRunner(
    () => settings.current,
    (cycle) => {
      logger.info({ status: cycle.report.status, counts: cycle.report.counts, durationMs: cycle.durationMs }, 'cycle finished');
      notes.afterCycle(cycle.snapshot.sources);
      health = twinHealth(cycle.report, settings.current.reportedSubjectsPerCheck, health);
      reporter.report({ health, agent: agentSection(startedAt, cycle) });
      void sendTelemetry(telemetry.afterCycle(cycle.report, settings.current));
    },
  );

  const runCycle = () => void runner.run().catch((error: Error) => logger.error({ error: error.message }, 'cycle failed'));
  const reschedule = () => {
    const { schedule: expression, jitterSeconds } = settings.current;
    void running.schedule?.destroy();
    if (!stop.aborted) running.schedule = startSchedule(expression, jitterSeconds, async () => runCycle(), logger);
  };

  // The SDK emits the whole desired state once subscribed, then again after every patch.
  twin.on('properties.desired', () => {
    if (applyDesired(twin.properties.desired as DesiredProperties, settings, logger, reporter) && running.schedule) reschedule();
  });

  await answerMethods({ client, logger, running, bodyProblems, settings, stop, runner, telemetry, runCycle });

  reporter.report({ config: settings.reported(), agent: agentSection(startedAt) });
  running.metrics = await startMetricsEndpoint(settings.current, logger, () => runner.last);
  reschedule();
  runCycle();
}

interface MethodContext {
  client: ModuleClient;
  logger: Logger;
  running: Running;
  bodyProblems: BodyProblems;
  settings: ModuleConfig;
  stop: AbortSignal;
  runner: CycleRunner;
  telemetry: TelemetrySink;
  runCycle: () => void;
}

/** The read methods and the prunes; a prune sends its action event and brings the next cycle forward. */
async function answerMethods({ client, logger, running, bodyProblems, settings, stop, runner, telemetry, runCycle }: MethodContext): Promise<void> {
  registerMethods(client, logger, running.actions, bodyProblems, {
    ...readMethods({
      runCycle: () => runner.run(),
      lastCycle: () => runner.last,
      describeConfig: () => settings.describe(),
    }),
    ...pruneMethods({
      config: () => settings.current,
      logger,
      stop,
      selfContainerId: (await readMountTable())?.containerId,
      afterAction: (method, answer) => {
        const { body, properties } = actionEvent(method, answer, new Date());
        track(running.actions, telemetry.alert(body, properties).catch((error: Error) => logger.warn({ error: error.message }, 'action event not sent yet; kept for the next attempt')));
        if (stop.aborted) return;
        // The reported health should show the space just reclaimed, not wait for the schedule.
        runner.invalidateVolumeSizes();
        runCycle();
      },
    }),
  });
}

/** A client, open (paced attempts within the startup deadline), that reconnects by itself; undefined when stopped first. */
async function connect(settings: ModuleConfig, logger: Logger, stop: AbortSignal, running: Running): Promise<{ client: ModuleClient; bodyProblems: BodyProblems } | undefined> {
  const bodyProblems = new BodyProblems((refusal) => settings.refuseDesired(refusal));
  const gate = new ConnectGate((error, retryInMs) => logger.warn({ error: error.message, retryInMs }, 'edgeHub connection failed; next attempt after a pause'));
  const client = await createModuleClient(settings.current, bodyProblems, gate);
  running.client = client;
  client.on('error', (error: Error) => logger.warn({ error: error.message }, 'module client error'));
  // The SDK retries nothing itself (client.ts): every drop comes here at once, and this loop reconnects.
  const reconnect = reconnector(client, gate, logger, stop);
  client.on('disconnect', () => void reconnect());
  // edgeHub may not listen yet when IoT Edge starts the module: the same paced attempts, within the startup deadline.
  if (!(await withDeadline(openPaced(client, gate, logger, stop, 'connecting to edgeHub'), STARTUP_DEADLINE_MS, 'connecting to edgeHub'))) return undefined;
  logger.info({ productInfo: settings.current.productInfo, transport: settings.current.transport }, 'connected to edgeHub');
  return { client, bodyProblems };
}

/** Takes the desired state (or keeps the last good one), reports the outcome; true when the schedule changed. */
function applyDesired(desired: DesiredProperties, settings: ModuleConfig, logger: Logger, reporter: TwinReporter): boolean {
  const scheduleOf = () => JSON.stringify([settings.current.schedule, settings.current.jitterSeconds]);
  const before = scheduleOf();
  if (settings.applyDesired(desired)) {
    logger.level = settings.current.logLevel;
    logger.info({ desiredVersion: desired.$version }, 'desired properties applied');
  } else {
    logger.warn({ desiredVersion: desired.$version, config: settings.reported() }, 'desired properties rejected; last good configuration stays');
  }
  reporter.report({ config: settings.reported() });
  return before !== scheduleOf();
}

/** One reconnect loop at a time, however many disconnects the SDK reports. */
function reconnector(client: ModuleClient, gate: ConnectGate, logger: Logger, stop: AbortSignal): () => Promise<void> {
  let reconnecting = false;
  return async () => {
    if (reconnecting || stop.aborted) return;
    reconnecting = true;
    logger.warn('disconnected from edgeHub; reconnecting');
    try {
      if (await openPaced(client, gate, logger, stop, 'reconnecting to edgeHub')) logger.info('reconnected to edgeHub');
    } finally {
      reconnecting = false;
    }
  };
}

/**
 * Opens the client, attempt after attempt at the gate's pace; true once open, false on stop. An
 * attempt that failed before reaching edgeHub (the SAS signing through the workload API) counts as
 * a failed attempt, so it too waits longer each time.
 */
async function openPaced(client: ModuleClient, gate: ConnectGate, logger: Logger, stop: AbortSignal, what: string): Promise<boolean> {
  while (!stop.aborted) {
    await sleep(gate.msUntilNextAttempt(), stop);
    if (stop.aborted) return false;
    try {
      await withDeadline(client.open(), gate.msUntilNextAttempt() + ATTEMPT_DEADLINE_MS, what);
      return true;
    } catch (error) {
      logger.warn({ error: (error as Error).message }, `${what} failed`);
      if (gate.msUntilNextAttempt() === 0) gate.failed(error as Error);
    }
  }
  return false;
}

/** Resolves after `ms`, or at once on `stop`. Without `stop` (shutdown's own waits) it does not keep the process alive. */
function sleep(ms: number, stop?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (!stop) timer.unref();
    stop?.addEventListener('abort', done, { once: true });
  });
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

function registerMethods(
  client: ModuleClient,
  logger: Logger,
  inFlight: Set<Promise<unknown>>,
  bodyProblems: BodyProblems,
  handlers: Record<string, MethodHandler>,
): void {
  for (const [name, handle] of Object.entries(handlers)) {
    client.onMethod(name, (request, response) => {
      if (!request || !response) return;
      const answering = (async () => {
        const problem = bodyProblems.take(request.requestId);
        const answer = problem ? badRequest(problem.error, problem.field) : await handle(request.payload);
        logger.info({ method: name, status: answer.status }, 'direct method answered');
        await withDeadline(response.send(answer.status, answer.payload), METHOD_RESPONSE_DEADLINE_MS, 'method response').catch((error: Error) =>
          logger.warn({ method: name, error: error.message }, 'method response not sent'),
        );
      })();
      track(inFlight, answering);
    });
  }
}

/** Keeps `work` in `set` while it runs. */
function track(set: Set<Promise<unknown>>, work: Promise<unknown>): void {
  set.add(work);
  void work.finally(() => set.delete(work));
}
