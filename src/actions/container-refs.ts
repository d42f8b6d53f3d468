// What a prune needs to know of every container, in any state: its name, its image and its mounts
// (volume mounts and bind mounts alike). One list call, no inspect per container, so prune can read
// it again right before each delete.
import type Docker from 'dockerode';
import { toContainerMount } from '../engine/mounts.js';
import type { ContainerInfo } from '../snapshot.js';

export type ContainerRefs = Pick<ContainerInfo, 'id' | 'name' | 'imageId' | 'mounts'>;

export async function listContainerRefs(docker: Docker, signal: AbortSignal): Promise<ContainerRefs[]> {
  const listed = await docker.listContainers({ all: true, abortSignal: signal });
  return listed.map((c) => ({
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
    imageId: c.ImageID,
    mounts: (c.Mounts ?? []).map(toContainerMount),
  }));
}
