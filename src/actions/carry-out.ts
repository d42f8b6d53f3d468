// Carries out a plan one item at a time. The engine has the last word: whatever it refuses
// (in use by now, already gone) is reported as not removed, with its reason, and the run goes on.
import { describeError } from '../collect/run-source.js';
import type { Outcome, Plan, Removal } from './plan.js';

export interface CarryOutHooks {
  /** Called before each delete. Tests use it to change the engine between plan and delete. */
  beforeDelete?: (removal: Removal) => Promise<void>;
  /** Called after each delete with the reason it failed, if it did (for the action log). */
  afterDelete?: (removal: Removal, notRemovedBecause?: string) => void;
}

/** A dry run returns the plan untouched and calls nothing; a real run calls `remove` for each item in order. */
export async function carryOut(
  plan: Plan,
  dryRun: boolean,
  remove: (removal: Removal) => Promise<void>,
  hooks: CarryOutHooks = {},
): Promise<Outcome> {
  if (dryRun) return { removed: plan.remove, skipped: plan.skip, notRemoved: [] };
  const outcome: Outcome = { removed: [], skipped: plan.skip, notRemoved: [] };
  for (const removal of plan.remove) {
    await hooks.beforeDelete?.(removal);
    try {
      await remove(removal);
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
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 404) return 'already removed';
  if (status === 409) return `refused by the engine: ${engineMessage(error)}`;
  if ((error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError') {
    return 'the engine did not answer in time; it may still remove it';
  }
  return `not removed: ${describeError(error)}`;
}

function engineMessage(error: unknown): string {
  return (error as { json?: { message?: string } }).json?.message ?? (error as Error).message;
}
