import { describe, expect, it } from 'vitest';
import type { PruneAnswer } from '../../src/actions/plan.js';
import { actionEvent } from '../../src/report/action-event.js';

const ran: PruneAnswer = {
  dryRun: false,
  removed: [{ name: 'old-data', bytes: 2048 }],
  removedCount: 1,
  skipped: [{ name: 'edgeHub', reason: 'IoT Edge system module' }],
  skippedCount: 1,
  notRemovedCount: 0,
  reclaimedBytes: 2048,
  durationMs: 40,
};

describe('actionEvent', () => {
  it('records what a prune did in counts, without the names, and routes as an action', () => {
    const at = new Date('2024-05-01T12:00:00.000Z');
    expect(actionEvent('pruneVolumes', ran, at)).toEqual({
      body: {
        messageType: 'action',
        action: 'pruneVolumes',
        requestedBy: 'direct method',
        removedCount: 1,
        notRemovedCount: 0,
        skippedCount: 1,
        reclaimedBytes: 2048,
        durationMs: 40,
        at: '2024-05-01T12:00:00.000Z',
      },
      properties: { messageType: 'action', action: 'pruneVolumes' },
    });
  });

  it('says when the agent stopped the run early', () => {
    const { body } = actionEvent('pruneImages', { ...ran, interrupted: { after: 1, of: 4 } }, new Date(0));
    expect(body.interrupted).toEqual({ after: 1, of: 4 });
  });
});
