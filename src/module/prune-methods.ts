// The destructive direct methods, pruneVolumes and pruneImages: the same code as `edge-health
// prune`, one action at a time, and after a real run an event and a fresh cycle.
import type { Logger } from 'pino';
import { ActionLock } from '../actions/action-lock.js';
import type { PruneAnswer, PruneKind } from '../actions/plan.js';
import { runPrune } from '../actions/run-prune.js';
import type { Config } from '../config/settings.js';
import { defaultEngineEndpoint } from '../engine/connection.js';
import { type MethodHandler, guarded } from './methods.js';

export interface PruneMethodsContext {
  config: () => Config;
  logger: Logger;
  selfContainerId: string | undefined;
  /** Aborted when the module is stopping: a running prune finishes the delete in flight and answers. */
  stop?: AbortSignal;
  /** After a real (not dry) run that removed or tried to remove anything; must not wait on the hub. */
  afterAction: (method: string, answer: PruneAnswer) => void;
}

export function pruneMethods(context: PruneMethodsContext): Record<string, MethodHandler> {
  const lock = new ActionLock();
  const method = (name: string, kind: PruneKind): MethodHandler => (payload) =>
    guarded(async () => {
      const result = await runPrune(kind, payload, {
        config: context.config(),
        engineEndpoint: defaultEngineEndpoint(),
        lock,
        requestedBy: `direct method ${name}`,
        logger: context.logger,
        selfContainerId: context.selfContainerId,
        stop: context.stop,
      });
      if (result.status === 200 && !result.payload.dryRun) context.afterAction(name, result.payload);
      return result;
    });
  return { pruneVolumes: method('pruneVolumes', 'volumes'), pruneImages: method('pruneImages', 'images') };
}
