// Carries out a plan one item at a time. Right before each delete the item is judged again on fresh
// engine state (the engine does not see bind mounts of a volume's data folder, so it would not
// refuse those); then the engine has the last word: whatever it refuses (in use by now, already
// gone) is reported as not removed, with its reason, and the run goes on. Once `stop` is aborted no
// further delete starts: the one in flight finishes and the rest are reported as not attempted.
import { engineReason, engineStatus } from '../engine/errors.js';
import { describeError } from '../errors.js';
import type { Outcome, Plan, Removal } from './plan.js';

export interface CarryOutHooks {
  /** Called before each delete. Tests use it to change the engine between plan and delete. */
  beforeDelete?: (removal: Removal) => Promise<void>;
  /** Called after each delete with the reason it failed, if it did (for the action log). */
  afterDelete?: (removal: Removal, notRemovedBecause?: string) => void;
}

export interface CarryOutSteps {
  /** Why the item must be kept after all, from the engine's state read now; undefined: delete it. */
  recheck: (removal: Removal) => Promise<string | undefined>;
  remove: (removal: Removal) => Promise<void>;
}

export const NOT_ATTEMPTED = 'not attempted: the agent was stopping';

/** A dry run returns the plan untouched and calls nothing; a real run re-checks and removes each item in order. */
export async function carryOut(plan: Plan, dryRun: boolean, steps: CarryOutSteps, hooks: CarryOutHooks = {}, stop?: AbortSignal): Promise<Outcome> {
  if (dryRun) return { removed: plan.remove, skipped: plan.skip, notRemoved: [] };
  const outcome: Outcome = { removed: [], skipped: plan.skip, notRemoved: [] };
  for (const [index, removal] of plan.remove.entries()) {
    if (stop?.aborted) {
      outcome.interrupted = { after: index, of: plan.remove.length };
      outcome.notRemoved.push(...plan.remove.slice(index).map(({ name }) => ({ name, reason: NOT_ATTEMPTED })));
      break;
    }
    await hooks.beforeDelete?.(removal);
    try {
      const keptBecause = await steps.recheck(removal).catch((error: unknown) => `not removed: could not look at it again before deleting: ${describeError(error)}`);
      if (keptBecause !== undefined) {
        outcome.notRemoved.push({ name: removal.name, reason: keptBecause });
        hooks.afterDelete?.(removal, keptBecause);
        continue;
      }
      await steps.remove(removal);
      outcome.removed.push(removal);
      hooks.afterDelete?.(removal);
    } catch (error) {
      const reason = whyNotRemoved(error);
      outcome.notRemoved.push({ name: removal.name, reason });
      hooks.afterDelete?.(removal, reason);
    }
  }
  return outcome;
}

/** The engine's refusals in words: 404 already gone, 409 in use (or otherwise in conflict), a timeout may have worked. */
export function whyNotRemoved(error: unknown): string {
  const status = engineStatus(error);
  if (status === 404) return 'already removed';
  if (status === 409) return `refused by the engine: ${engineReason(error) ?? (error as Error).message}`;
  if ((error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError') {
    return 'the engine did not answer in time; it may still remove it';
  }
  return `not removed: ${describeError(error)}`;
}
