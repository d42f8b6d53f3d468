import { describe, expect, it } from 'vitest';
import { type RestartHistoryState, collectRestartHistory } from '../../src/collect/restart-history.js';
import { container } from '../support/snapshot-builder.js';

const signal = AbortSignal.timeout(5000);
const at = (minutes: number) => new Date(Date.UTC(2024, 4, 1, 12, minutes));

describe('collectRestartHistory', () => {
  it('counts nothing on the first cycle, then Docker restarts and new starts between cycles', () => {
    const memory: { current?: RestartHistoryState } = {};
    const first = collectRestartHistory({ containers: [container({ id: 'a', restartCount: 7 })], at: at(0), memory, signal });
    expect(first.containers).toEqual([{ containerId: 'a', watchedSince: at(0).toISOString(), restartsLastHour: 0 }]);
    // The engine restarted it twice.
    collectRestartHistory({ containers: [container({ id: 'a', restartCount: 9 })], at: at(5), memory, signal });
    // edgeAgent started it again: RestartCount unchanged, StartedAt new.
    const third = collectRestartHistory({ containers: [container({ id: 'a', restartCount: 9, state: { startedAt: at(9).toISOString() } })], at: at(10), memory, signal });
    expect(third.containers[0]).toEqual({ containerId: 'a', watchedSince: at(0).toISOString(), restartsLastHour: 3 });
  });

  it('forgets restarts older than an hour and containers that are gone', () => {
    const memory: { current?: RestartHistoryState } = {};
    collectRestartHistory({ containers: [container({ id: 'a' }), container({ id: 'b' })], at: at(0), memory, signal });
    collectRestartHistory({ containers: [container({ id: 'a', restartCount: 4 })], at: at(5), memory, signal });
    const later = collectRestartHistory({ containers: [container({ id: 'a', restartCount: 4 })], at: at(70), memory, signal });
    expect(later.containers).toEqual([{ containerId: 'a', watchedSince: at(0).toISOString(), restartsLastHour: 0 }]);
    expect(Object.keys(memory.current?.containers ?? {})).toEqual(['a']);
  });
});
