import type Docker from 'dockerode';
import { listVolumes } from '../engine/volumes.js';
import type { ContainerInfo, VolumeInfo } from '../snapshot.js';
import { volumeUsers } from '../volume-users.js';

/** Every volume with the containers (any state) that mount it; sizes come from a separate, costlier source. */
export async function collectVolumes(
  docker: Docker,
  containers: ContainerInfo[],
  sizes: ReadonlyMap<string, number> | null,
  signal: AbortSignal,
): Promise<VolumeInfo[]> {
  const users = volumeUsers(containers);
  return (await listVolumes(docker, signal)).map((volume) => ({
    ...volume,
    usedBy: users.get(volume.name) ?? [],
    sizeBytes: sizes?.get(volume.name) ?? null,
  }));
}
