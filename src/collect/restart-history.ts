// Module restarts counted between cycles, so modules.running can tell a crash loop. edgeAgent
// restarts modules itself (docker start), which Docker's RestartCount does not count, so a new
// StartedAt counts as a restart too. Kept in memory by a long-running agent; a one-shot run has
// no earlier cycle to compare with.
import type { ContainerInfo, RestartHistory } from '../snapshot.js';

/** How far back restarts are counted. */
export const RESTART_WINDOW_MS = 3600 * 1000;

interface Watched {
  firstSeenMs: number;
  restartCount: number;
  startedAt: string;
  /** [when seen, how many restarts], within the window. */
  restarts: [number, number][];
}

export interface RestartHistoryState {
  containers: Record<string, Watched>;
}

export interface RestartHistoryOptions {
  containers: ContainerInfo[];
  at: Date;
  /** Where a long-running agent keeps the counts between cycles; a one-shot run passes a fresh one. */
  memory: { current?: RestartHistoryState };
  signal: AbortSignal;
}

export function collectRestartHistory({ containers, at, memory, signal }: RestartHistoryOptions): RestartHistory {
  signal.throwIfAborted();
  const atMs = at.getTime();
  const previous = memory.current?.containers ?? {};
  const next: RestartHistoryState = { containers: {} };
  for (const container of containers) {
    const before = previous[container.id];
    const restarts = (before?.restarts ?? []).filter(([ms]) => ms < atMs && atMs - ms <= RESTART_WINDOW_MS);
    if (before) {
      const counted = container.restartCount - before.restartCount;
      const started = container.state.startedAt !== before.startedAt ? 1 : 0;
      if (Math.max(counted, started) > 0) restarts.push([atMs, Math.max(counted, started)]);
    }
    next.containers[container.id] = {
      firstSeenMs: before && before.firstSeenMs < atMs ? before.firstSeenMs : atMs,
      restartCount: container.restartCount,
      startedAt: container.state.startedAt,
      restarts,
    };
  }
  // Containers gone since the last cycle are forgotten with the rest of the old state.
  memory.current = next;
  return {
    containers: Object.entries(next.containers).map(([containerId, watched]) => ({
      containerId,
      watchedSince: new Date(watched.firstSeenMs).toISOString(),
      restartsLastHour: watched.restarts.reduce((sum, [, count]) => sum + count, 0),
    })),
  };
}
