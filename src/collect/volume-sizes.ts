// Volume sizes come from /system/df, which walks every file of every volume: slow on big hosts.
// A long-running agent keeps them in a cache and asks again only when they are older than allowed.
import type Docker from 'dockerode';
import { compareApiVersions, getJson } from './docker-client.js';
import { retryWhileDiskUsageRuns } from './disk-usage.js';
import type { Note } from './run-source.js';

export interface VolumeSizeCache {
  sizes: ReadonlyMap<string, number>;
  collectedAtMs: number;
}

interface SystemDf {
  Volumes?: { Name: string; UsageData?: { Size: number } | null }[] | null;
}

export interface VolumeSizeOptions {
  docker: Docker;
  /** The negotiated API version: from 1.42 the engine measures volumes alone when asked. */
  apiVersion: string;
  /** Sizes a long-running agent keeps between cycles, reused while younger than maxAgeMs; without one the engine is always asked. */
  cache?: { current?: VolumeSizeCache };
  maxAgeMs?: number;
  nowMs?: number;
}

export async function collectVolumeSizes(
  { docker, apiVersion, cache = {}, maxAgeMs = 0, nowMs = Date.now() }: VolumeSizeOptions,
  signal: AbortSignal,
  note: Note = () => {},
): Promise<ReadonlyMap<string, number>> {
  const cached = cache.current;
  if (cached && nowMs - cached.collectedAtMs <= maxAgeMs) {
    note(`sizes from cache, ${Math.round((nowMs - cached.collectedAtMs) / 1000)} s old`);
    return cached.sizes;
  }
  // From API 1.42 the engine can skip images, containers and build cache when asked for volumes only.
  const query: Record<string, string> = compareApiVersions(apiVersion, '1.42') >= 0 ? { type: 'volume' } : {};
  const df = await retryWhileDiskUsageRuns(() => getJson<SystemDf>(docker, '/system/df', query, signal), signal);
  const sizes = new Map<string, number>();
  for (const volume of df.Volumes ?? []) {
    // The engine reports -1 when it could not measure a volume.
    const size = volume.UsageData?.Size ?? -1;
    if (size >= 0) sizes.set(volume.Name, size);
  }
  cache.current = { sizes, collectedAtMs: nowMs };
  return sizes;
}
