import { describe, expect, it } from 'vitest';
import type { PruneAnswer } from '../../src/actions/plan.js';
import { renderPrune } from '../../src/report/prune-text.js';

const MiB = 1024 ** 2;

function answer(overrides: Partial<PruneAnswer>): PruneAnswer {
  return { dryRun: true, removed: [], removedCount: 0, skipped: [], skippedCount: 0, notRemovedCount: 0, reclaimedBytes: 0, durationMs: 3, ...overrides };
}

describe('renderPrune', () => {
  it('shows a dry run as a plan, in aligned columns, and how to go on', () => {
    const text = renderPrune('volumes', answer({
      removed: [{ name: 'old-data', bytes: 2 * MiB }, { name: 'anon', bytes: null }],
      removedCount: 2,
      reclaimedBytes: 2 * MiB,
      skipped: [{ name: 'edgeHub', reason: 'IoT Edge system module' }],
      skippedCount: 1,
    }));
    expect(text.split('\n')).toEqual([
      'Dry run: would remove 2 volumes (2 MiB); 1 kept.',
      '  remove  old-data  2 MiB',
      '  remove  anon      size unknown',
      '  keep    edgeHub   IoT Edge system module',
      'Nothing was removed; run again with --yes to remove them.',
      '',
    ]);
  });

  it('tells what could not be removed from what the plan kept, and counts those not listed', () => {
    const text = renderPrune('images', answer({
      dryRun: false,
      removed: [{ name: 'busybox:old', bytes: MiB }],
      removedCount: 3,
      reclaimedBytes: 3 * MiB,
      skipped: [{ name: 'busybox:used', reason: 'in use by a new container' }, { name: 'alpine:young', reason: 'younger than 24 h' }],
      skippedCount: 2,
      notRemovedCount: 1,
    }));
    expect(text.split('\n')).toEqual([
      'Removed 3 images (3 MiB); 1 could not be removed; 1 kept.',
      '  removed      busybox:old   1 MiB',
      '  not removed  busybox:used  in use by a new container',
      '  kept         alpine:young  younger than 24 h',
      '  … and 2 more not listed',
      '',
    ]);
  });

  it('says so when there is nothing to remove', () => {
    expect(renderPrune('volumes', answer({ skipped: [{ name: 'v', reason: 'protected' }], skippedCount: 1 }))).toBe(
      'Dry run: would remove 0 volumes (0 B); 1 kept.\n  keep  v  protected\nNothing to remove.\n',
    );
  });
});
