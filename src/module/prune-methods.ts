// The destructive direct methods, pruneVolumes and pruneImages: the same code as `edge-health
// prune`, one action at a time, and after a real run an event and a fresh cycle.
import type { Logger } from 'pino';
import { ActionLock } from '../actions/action-lock.js';
import type { PruneAnswer, PruneKind } from '../actions/plan.js';
import { runPrune } from '../actions/run-prune.js';
import type { Config } from '../config/settings.js';
import { type MethodHandler, guarded } from './methods.js';

export interface PruneMethodsContext {
  config: () => Config;
  logger: Logger;
  selfContainerId: string | undefined;
  /** After a real (not dry) run that removed or tried to remove anything. */
  afterAction: (method: string, answer: PruneAnswer) => Promise<void>;
}

export function pruneMethods(context: PruneMethodsContext): Record<string, MethodHandler> {
  const lock = new ActionLock();
  const method = (name: string, kind: PruneKind): MethodHandler => (payload) =>
    guarded(async () => {
      const result = await runPrune(kind, payload, {
        config: context.config(),
        lock,
        requestedBy: `direct method ${name}`,
        logger: context.logger,
        selfContainerId: context.selfContainerId,
      });
      if (result.status === 200 && !result.payload.dryRun) await context.afterAction(name, result.payload);
      return result;
    });
  return { pruneVolumes: method('pruneVolumes', 'volumes'), pruneImages: method('pruneImages', 'images') };
}
