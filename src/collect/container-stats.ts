import type Docker from 'dockerode';
import type { ContainerInfo, ContainerStats } from '../snapshot.js';
import { mapLimit } from '../map-limit.js';

const STATS_CONCURRENCY = 4;

/** Memory use of running containers that have a limit to compare it with (one-shot: no second sample). */
export async function collectContainerStats(
  docker: Docker,
  containers: ContainerInfo[],
  signal: AbortSignal,
): Promise<ContainerStats[]> {
  const limited = containers.filter((c) => c.state.running && c.limits.memoryBytes > 0);
  const stats = await mapLimit(limited, STATS_CONCURRENCY, async (container) => {
    try {
      // @types/dockerode knows neither one-shot (API 1.41) nor abortSignal, which dockerode passes on.
      const sample = (await docker
        .getContainer(container.id)
        .stats({ stream: false, 'one-shot': true, abortSignal: signal } as never)) as unknown as Docker.ContainerStats;
      return toContainerStats(container.id, sample);
    } catch (error) {
      // Stopped between inspect and stats: nothing to measure.
      if ([404, 409].includes((error as { statusCode?: number }).statusCode ?? 0)) return undefined;
      throw error;
    }
  });
  return stats.filter((s) => s !== undefined);
}

/** Usage minus reclaimable page cache, the way `docker stats` computes it on cgroup v1 and v2. */
export function toContainerStats(containerId: string, sample: Docker.ContainerStats): ContainerStats | undefined {
  const memory = sample.memory_stats;
  if (!memory?.usage) return undefined;
  const detail = (memory.stats ?? {}) as unknown as Record<string, number | undefined>;
  const reclaimable = detail.total_inactive_file ?? detail.inactive_file ?? 0;
  return {
    containerId,
    memoryUsageBytes: Math.max(0, memory.usage - reclaimable),
    memoryLimitBytes: memory.limit,
  };
}
