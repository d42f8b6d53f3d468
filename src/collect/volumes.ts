import type Docker from 'dockerode';
import { listVolumes } from '../engine/volumes.js';
import type { ContainerInfo, VolumeInfo } from '../snapshot.js';
import { volumeUsers } from '../volume-users.js';

/** Every volume with the containers (any state) that mount it; sizes come from a separate, costlier source. */
export interface VolumeOptions {
  docker: Docker;
  /** Every container, any state: whose mounts say who uses each volume. */
  containers: ContainerInfo[];
  /** From the volumeSizes source; null when it did not run or failed. */
  sizes: ReadonlyMap<string, number> | null;
  signal: AbortSignal;
}

export async function collectVolumes({ docker, containers, sizes, signal }: VolumeOptions): Promise<VolumeInfo[]> {
  const users = volumeUsers(containers);
  return (await listVolumes(docker, signal)).map((volume) => ({
    ...volume,
    usedBy: users.get(volume.name) ?? [],
    sizeBytes: sizes?.get(volume.name) ?? null,
  }));
}
