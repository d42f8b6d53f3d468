// Volume sizes are slow to measure on big hosts (the engine walks every file of every volume):
// a long-running agent keeps them in a cache and asks again only when they are older than allowed.
import type Docker from 'dockerode';
import { measureVolumes } from '../engine/volumes.js';
import type { Note } from './run-source.js';

export interface VolumeSizeCache {
  sizes: ReadonlyMap<string, number>;
  collectedAtMs: number;
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
  const sizes = await measureVolumes({ docker, apiVersion }, signal);
  cache.current = { sizes, collectedAtMs: nowMs };
  return sizes;
}
