// The `action` event on the alerts output after a prune ran for real through a direct method:
// what it did, in counts (the names are in the method's answer), so the cloud keeps a record of it.
import type { PruneAnswer } from '../actions/plan.js';

export interface ActionEvent {
  messageType: 'action';
  /** The direct method: pruneVolumes or pruneImages. */
  action: string;
  requestedBy: 'direct method';
  removedCount: number;
  notRemovedCount: number;
  skippedCount: number;
  reclaimedBytes: number;
  durationMs: number;
  /** Present when the agent was stopping and the run ended early. */
  interrupted?: { after: number; of: number };
  at: string;
}

/** The event's body and the properties operators route it by. */
export function actionEvent(method: string, answer: PruneAnswer, at: Date): { body: ActionEvent; properties: Record<string, string> } {
  const { removedCount, notRemovedCount, skippedCount, reclaimedBytes, durationMs, interrupted } = answer;
  return {
    body: {
      messageType: 'action',
      action: method,
      requestedBy: 'direct method',
      removedCount,
      notRemovedCount,
      skippedCount,
      reclaimedBytes,
      durationMs,
      ...(interrupted ? { interrupted } : {}),
      at: at.toISOString(),
    },
    properties: { messageType: 'action', action: method },
  };
}
