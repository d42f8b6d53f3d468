import type Docker from 'dockerode';
import type { ContainerInfo, ContainerStats } from '../snapshot.js';
import { describeError } from '../errors.js';
import { mapLimit } from '../map-limit.js';
import { type CgroupLayout, readCgroupMemory } from './cgroup-memory.js';
import { hostPath } from './host-path.js';
import type { Note } from './run-source.js';

/** Reads of cgroup files in flight: each is a few small kernel files. */
const CGROUP_CONCURRENCY = 8;
/** Engine stats calls in flight: each holds the engine about a second (it samples twice). */
const STATS_CONCURRENCY = 4;

export interface ContainerStatsOptions {
  docker: Docker;
  /** The engine's cgroup version and driver, from /info. */
  layout: CgroupLayout;
  /** The host's memory, which the engine reports as the limit of a container that has none. */
  memTotalBytes: number;
  hostRoot: string;
  containers: ContainerInfo[];
  signal: AbortSignal;
  note: Note;
}

/**
 * Memory use of running containers that have a limit to compare it with, from their cgroup files on
 * the host (no engine call); the engine's stats call only for those whose files cannot be read.
 */
export async function collectContainerStats(options: ContainerStatsOptions): Promise<ContainerStats[]> {
  const { containers, signal } = options;
  const limited = containers.filter((c) => c.state.running && c.limits.memoryBytes > 0);
  const fromFiles = await mapLimit(limited, CGROUP_CONCURRENCY, (container) => fromCgroup(options, container.id), signal);
  const unread = limited.flatMap((container, i) => {
    const read = fromFiles[i];
    return 'unreadable' in read ? [{ container, reason: read.unreadable }] : [];
  });
  if (unread.length > 0) {
    options.note(`${unread.length} of ${limited.length} containers measured by the engine's stats call (slow), not from cgroup files: ${unread[0].reason}`);
  }
  const fromEngine = await mapLimit(unread, STATS_CONCURRENCY, async ({ container, reason }, own) => {
    const stats = await engineStats(options.docker, container.id, own);
    return stats && { ...stats, engineFallback: reason };
  }, signal);
  return [...fromFiles.filter((s): s is ContainerStats => !('unreadable' in s)), ...fromEngine.filter((s) => s !== undefined)];
}

async function fromCgroup(options: ContainerStatsOptions, containerId: string): Promise<ContainerStats | { unreadable: string }> {
  const { hostRoot, layout, signal } = options;
  try {
    const memory = await readCgroupMemory(hostRoot, containerId, layout, signal);
    if (!memory) {
      const where = hostPath(hostRoot, '/sys/fs/cgroup');
      return { unreadable: `no memory cgroup for it in ${where} (cgroup v${layout.version || '?'}, ${layout.driver || 'unknown'} driver): is the host's /sys/fs/cgroup mounted there?` };
    }
    const limit = memory.limitBytes === null || (options.memTotalBytes > 0 && memory.limitBytes > options.memTotalBytes) ? options.memTotalBytes : memory.limitBytes;
    return {
      containerId,
      memoryUsageBytes: usageWithoutPageCache(memory.usageBytes, memory.stat),
      memoryLimitBytes: limit,
      ...(memory.oomKillCount === undefined ? {} : { oomKillCount: memory.oomKillCount }),
    };
  } catch (error) {
    if (signal.aborted) throw error;
    return { unreadable: describeError(error) };
  }
}

async function engineStats(docker: Docker, containerId: string, signal: AbortSignal): Promise<ContainerStats | undefined> {
  try {
    // @types/dockerode knows neither one-shot (API 1.41) nor abortSignal, which dockerode passes on.
    const sample = (await docker
      .getContainer(containerId)
      .stats({ stream: false, 'one-shot': true, abortSignal: signal } as never)) as unknown as Docker.ContainerStats;
    return toContainerStats(containerId, sample);
  } catch (error) {
    // Stopped between inspect and stats: nothing to measure.
    if ([404, 409].includes((error as { statusCode?: number }).statusCode ?? 0)) return undefined;
    throw error;
  }
}

/** The engine's stats answer as ContainerStats; undefined when it has no memory figures. */
export function toContainerStats(containerId: string, sample: Docker.ContainerStats): ContainerStats | undefined {
  const memory = sample.memory_stats;
  if (!memory?.usage) return undefined;
  return {
    containerId,
    memoryUsageBytes: usageWithoutPageCache(memory.usage, (memory.stats ?? {}) as unknown as Record<string, number | undefined>),
    memoryLimitBytes: memory.limit,
  };
}

/**
 * Usage minus the reclaimable page cache, as `docker stats` computes it: memory.stat's
 * total_inactive_file on cgroup v1, inactive_file on v2 (the engine passes memory.stat on as it is).
 */
export function usageWithoutPageCache(usageBytes: number, stat: Record<string, number | undefined>): number {
  for (const key of ['total_inactive_file', 'inactive_file']) {
    const reclaimable = stat[key];
    if (reclaimable !== undefined && reclaimable < usageBytes) return usageBytes - reclaimable;
  }
  return usageBytes;
}
