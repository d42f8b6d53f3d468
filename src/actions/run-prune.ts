// The one way to prune, for the direct methods and the command line alike: validate the request,
// read the engine now, plan, and (unless it is a dry run) carry the plan out one item at a time.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Config } from '../config/settings.js';
import { runWithin } from '../deadline.js';
import { type EngineConnection, connectEngine } from '../engine/connection.js';
import { describeError } from '../errors.js';
import { createLogger } from '../log.js';
import type { ActionLock } from './action-lock.js';
import { type CarryOutHooks, carryOut } from './carry-out.js';
import { parsePayload } from '../config/parse-payload.js';
import { type PruneAnswer, type PruneKind, type PruneSpec, type Removal, recheck, toAnswer, withSizes } from './plan.js';
import { pruneImages } from './prune-images.js';
import { pruneVolumes } from './prune-volumes.js';

/** How to reach the engine: where it listens (the caller reads DOCKER_HOST), or, in tests, a connect of their own. */
type EngineAccess = { engineEndpoint: string } | { connect: (signal: AbortSignal) => Promise<EngineConnection> };

export type PruneDeps = EngineAccess & {
  config: Config;
  /** Shared by every destructive action of this process. */
  lock: ActionLock;
  /** Who asked, for the action log: e.g. "direct method pruneVolumes", "command line". */
  requestedBy: string;
  /** This module's container; its image is never removed. */
  selfContainerId?: string;
  now?: () => Date;
  logger?: Logger;
  /** Aborted when the agent is stopping: the delete in flight finishes, no other starts. */
  stop?: AbortSignal;
  /** For tests: runs before each delete, so a test can change the engine between plan and delete. */
  beforeDelete?: CarryOutHooks['beforeDelete'];
};

export type PruneError = { error: string; field?: string };
export type PruneResult = { status: 200; payload: PruneAnswer } | { status: 400 | 403 | 409 | 500 | 503; payload: PruneError };

export function runPrune(kind: PruneKind, payload: unknown, deps: PruneDeps): Promise<PruneResult> {
  return kind === 'volumes' ? prune(pruneVolumes, payload, deps) : prune(pruneImages, payload, deps);
}

type PruneOptions = { dryRun: boolean; names?: string[] };

async function prune<S extends z.ZodType<PruneOptions>, State>(spec: PruneSpec<S, State>, payload: unknown, deps: PruneDeps): Promise<PruneResult> {
  const started = performance.now();
  const { config, lock, requestedBy } = deps;
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
    return await readPlanCarryOut(spec, options, deps, log, started);
  } catch (error) {
    log.error({ options, error: describeError(error) }, 'prune failed');
    return { status: 500, payload: { error: `unexpected: ${describeError(error)}` } };
  } finally {
    release();
  }
}

/** Reads the engine, plans, measures what the plan removes, and carries it out (a dry run stops at the plan). */
async function readPlanCarryOut<S extends z.ZodType<PruneOptions>, State>(
  spec: PruneSpec<S, State>,
  options: z.output<S>,
  deps: PruneDeps,
  log: Logger,
  started: number,
): Promise<PruneResult> {
  const { config, now = () => new Date() } = deps;
  const { dryRun } = options;
  const connect = 'connect' in deps ? deps.connect : (signal: AbortSignal) => connectEngine(deps.engineEndpoint, signal);
  const timeoutMs = config.collectTimeoutSeconds * 1000;
  const read = await outcomeWithin(timeoutMs, async (signal) => {
    const engine = await connect(signal);
    return { engine, state: await spec.read(engine, signal) };
  });
  if (!read.ok) return { status: 503, payload: { error: `cannot read the engine's state: ${read.error}` } };
  const { engine, state } = read.value;

  const context = { config, now: now(), selfContainerId: deps.selfContainerId };
  let plan = spec.plan(state, options, context);
  if (plan.remove.length > 0) {
    const sizes = await outcomeWithin(timeoutMs, (signal) => spec.measure(engine, signal));
    if (!sizes.ok) log.info({ error: sizes.error }, 'sizes not measured');
    plan = withSizes(plan, sizes.ok ? sizes.value : null);
  }
  if (!dryRun) log.info({ options, planned: plan.remove.map((r) => r.name) }, 'prune started');
  const steps = {
    recheck: async (removal: Removal) => recheck(spec.plan, await spec.read(engine, AbortSignal.timeout(timeoutMs), removal.ref), options, context, removal),
    remove: (removal: Removal) => spec.remove(engine, removal.ref, AbortSignal.timeout(timeoutMs)),
  };
  const outcome = await carryOut(plan, dryRun, steps, {
    beforeDelete: deps.beforeDelete,
    afterDelete: ({ name, ref, bytes }, notRemovedBecause) =>
      notRemovedBecause ? log.warn({ name, ref, reason: notRemovedBecause }, 'not removed') : log.info({ name, ref, bytes }, 'removed'),
  }, deps.stop);
  const answer = toAnswer(outcome, dryRun, Math.round(performance.now() - started));
  const { removedCount, skippedCount, notRemovedCount, reclaimedBytes, durationMs, interrupted } = answer;
  const summary = { options, dryRun, removedCount, skippedCount, notRemovedCount, reclaimedBytes, durationMs };
  if (interrupted) log.warn({ ...summary, interrupted }, `prune interrupted: the agent is stopping, after ${interrupted.after} of ${interrupted.of} deletes`);
  else log[dryRun ? 'debug' : 'info'](summary, 'prune finished');
  return { status: 200, payload: answer };
}

/** Destructive actions are always logged, at info, whatever logLevel filters out (unless logging is off). */
function actionLog(logger: Logger): Logger {
  return logger.level === 'silent' || logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' });
}

/** The engine's answer, or why there is none (its refusal, or no answer by the deadline). */
async function outcomeWithin<T>(timeoutMs: number, read: (signal: AbortSignal) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await runWithin(timeoutMs, read) };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}
