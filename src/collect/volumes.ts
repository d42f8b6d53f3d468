import type Docker from 'dockerode';
import type { ContainerInfo, VolumeInfo } from '../snapshot.js';
import { volumeUsers } from '../volume-users.js';

/** Engine-generated names of anonymous volumes: 64 hex digits. */
const ANONYMOUS_NAME = /^[0-9a-f]{64}$/;
/** Set by engines from API 1.44 on, for volumes created without a name. */
const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** Every volume with the containers (any state) that mount it; sizes come from a separate, costlier source. */
export async function collectVolumes(
  docker: Docker,
  containers: ContainerInfo[],
  sizes: ReadonlyMap<string, number> | null,
  signal: AbortSignal,
): Promise<VolumeInfo[]> {
  const { Volumes } = await docker.listVolumes({ abortSignal: signal });
  const users = volumeUsers(containers);
  return (Volumes ?? []).map((volume) => {
    const labels = volume.Labels ?? {};
    return {
      name: volume.Name,
      driver: volume.Driver,
      createdAt: (volume as { CreatedAt?: string }).CreatedAt ?? '',
      labels,
      anonymous: ANONYMOUS_NAME.test(volume.Name) || ANONYMOUS_LABEL in labels,
      usedBy: users.get(volume.Name) ?? [],
      sizeBytes: sizes?.get(volume.Name) ?? null,
    };
  });
}
