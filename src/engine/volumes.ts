// The engine's volumes as the health checks and prune both read them: listed, and measured.
import type Docker from 'dockerode';
import type { VolumeInfo } from '../snapshot.js';
import type { EngineConnection } from './connection.js';
import { diskUsage } from './disk-usage.js';

/** Engine-generated names of anonymous volumes: 64 hex digits. */
const ANONYMOUS_NAME = /^[0-9a-f]{64}$/;
/** Set by engines from API 1.44 on, for volumes created without a name. */
const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export type ListedVolume = Pick<VolumeInfo, 'name' | 'driver' | 'createdAt' | 'labels' | 'anonymous'>;

export async function listVolumes(docker: Docker, signal: AbortSignal): Promise<ListedVolume[]> {
  const { Volumes } = await docker.listVolumes({ abortSignal: signal });
  return (Volumes ?? []).map((volume) => {
    const labels = volume.Labels ?? {};
    return {
      name: volume.Name,
      driver: volume.Driver,
      createdAt: (volume as { CreatedAt?: string }).CreatedAt ?? '',
      labels,
      anonymous: ANONYMOUS_NAME.test(volume.Name) || ANONYMOUS_LABEL in labels,
    };
  });
}

/** Bytes each volume holds, by name; one the engine could not measure (it says -1) is left out. */
export async function measureVolumes(engine: Pick<EngineConnection, 'docker' | 'apiVersion'>, signal: AbortSignal): Promise<Map<string, number>> {
  const df = await diskUsage(engine, 'volume', signal);
  const sizes = new Map<string, number>();
  for (const volume of df.Volumes ?? []) {
    const size = volume.UsageData?.Size ?? -1;
    if (size >= 0) sizes.set(volume.Name, size);
  }
  return sizes;
}
