// The one way to prune, for the direct methods and the command line alike: validate the request,
// read the engine now, plan, and (unless it is a dry run) carry the plan out one item at a time.
import type { Logger } from 'pino';
import type { z } from 'zod';
import { type EngineConnection, connectEngine, defaultEngineEndpoint } from '../collect/docker-client.js';
import { describeError, runSource } from '../collect/run-source.js';
import type { Config } from '../config/settings.js';
import { createLogger } from '../log.js';
import type { ActionLock } from './action-lock.js';
import { type CarryOutHooks, carryOut } from './carry-out.js';
import { parsePayload } from '../config/parse-payload.js';
import { type PruneAnswer, type PruneKind, type PruneSpec, toAnswer, withSizes } from './plan.js';
import { pruneImages } from './prune-images.js';
import { pruneVolumes } from './prune-volumes.js';

export interface PruneDeps {
  config: Config;
  /** Shared by every destructive action of this process. */
  lock: ActionLock;
  /** Who asked, for the action log: e.g. "direct method pruneVolumes", "command line". */
  requestedBy: string;
  connect?: (signal: AbortSignal) => Promise<EngineConnection>;
  /** This module's container; its image is never removed. */
  selfContainerId?: string;
  now?: () => Date;
  logger?: Logger;
  /** For tests: runs before each delete, so a test can change the engine between plan and delete. */
  beforeDelete?: CarryOutHooks['beforeDelete'];
}

export type PruneError = { error: string; field?: string };
export type PruneResult = { status: 200; payload: PruneAnswer } | { status: 400 | 403 | 409 | 500 | 503; payload: PruneError };

export function runPrune(kind: PruneKind, payload: unknown, deps: PruneDeps): Promise<PruneResult> {
  return kind === 'volumes' ? prune(pruneVolumes, payload, deps) : prune(pruneImages, payload, deps);
}

async function prune<S extends z.ZodType<{ dryRun: boolean }>, State>(spec: PruneSpec<S, State>, payload: unknown, deps: PruneDeps): Promise<PruneResult> {
  const started = performance.now();
  const { config, lock, requestedBy, connect = (signal) => connectEngine(defaultEngineEndpoint(), signal), now = () => new Date() } = deps;
  const log = actionLog(deps.logger ?? createLogger(config)).child({ action: spec.action, requestedBy });

  const parsed = parsePayload(spec.payload, payload);
  if (!parsed.ok) return { status: 400, payload: { error: parsed.error, ...(parsed.field ? { field: parsed.field } : {}) } };
  const options = parsed.value;
  const { dryRun } = options;
  if (!dryRun && !config.pruneEnabled) {
    log.info({ options }, 'prune refused: disabled on this device');
    return { status: 403, payload: { error: 'real prune runs are disabled on this device (pruneEnabled is false); dry runs still answer' } };
  }
  const release = dryRun ? () => {} : lock.tryAcquire(spec.action, requestedBy);
  if (!release) {
    const holder = lock.current;
    log.info({ options, runningAction: holder }, 'prune refused: another destructive action is running');
    const running = holder ? `${holder.action} (${holder.requestedBy}, since ${holder.since.toISOString()})` : 'one';
    return { status: 409, payload: { error: `another destructive action is running: ${running}; try again when it is done` } };
  }

  try {
    const timeoutMs = config.collectTimeoutSeconds * 1000;
    const read = await runSource(timeoutMs, async (signal) => {
      const engine = await connect(signal);
      return { engine, state: await spec.read(engine, signal) };
    });
    if (!read.value) return { status: 503, payload: { error: `cannot read the engine's state: ${read.status.error}` } };
    const { engine, state } = read.value;

    let plan = spec.plan(state, options, { config, now: now(), selfContainerId: deps.selfContainerId });
    if (plan.remove.length > 0) {
      const sizes = await runSource(timeoutMs, (signal) => spec.measure(engine, signal));
      if (!sizes.value) log.info({ error: sizes.status.error }, 'sizes not measured');
      plan = withSizes(plan, sizes.value);
    }
    if (!dryRun) log.info({ options, planned: plan.remove.map((r) => r.name) }, 'prune started');
    const outcome = await carryOut(plan, dryRun, (removal) => spec.remove(engine, removal.ref, AbortSignal.timeout(timeoutMs)), {
      beforeDelete: deps.beforeDelete,
      afterDelete: ({ name, ref, bytes }, notRemovedBecause) =>
        notRemovedBecause ? log.warn({ name, ref, reason: notRemovedBecause }, 'not removed') : log.info({ name, ref, bytes }, 'removed'),
    });
    const answer = toAnswer(outcome, dryRun, Math.round(performance.now() - started));
    const { removedCount, skippedCount, notRemovedCount, reclaimedBytes, durationMs } = answer;
    log[dryRun ? 'debug' : 'info']({ options, dryRun, removedCount, skippedCount, notRemovedCount, reclaimedBytes, durationMs }, 'prune finished');
    return { status: 200, payload: answer };
  } catch (error) {
    log.error({ options, error: describeError(error) }, 'prune failed');
    return { status: 500, payload: { error: `unexpected: ${describeError(error)}` } };
  } finally {
    release();
  }
}

/** Destructive actions are always logged, at info, whatever logLevel filters out (unless logging is off). */
function actionLog(logger: Logger): Logger {
  return logger.level === 'silent' || logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' });
}
