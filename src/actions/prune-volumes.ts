// pruneVolumes: volumes no container references, in any state, minus protected and too young ones,
// each removed with the engine's plain volume delete (never forced, never the bulk prune, whose
// meaning changed in API 1.42: before it, it also removed unused named volumes).
import { listVolumes, measureVolumes } from '../engine/volumes.js';
import type { ContainerInfo, VolumeInfo } from '../snapshot.js';
import { protectionReason } from '../volume-protection.js';
import { volumeUsers } from '../volume-users.js';
import { listContainerRefs } from './container-refs.js';
import { type VolumePruneOptions, volumePrunePayload } from './payload.js';
import { type Candidate, type Plan, type PlanContext, type PruneSpec, describeContainers, distinct, planFrom, tooYoung } from './plan.js';

/** The engine's state a volume plan depends on: every volume, and every container (any state) with its mounts. */
export interface VolumeState {
  volumes: Pick<VolumeInfo, 'name' | 'createdAt' | 'labels' | 'anonymous'>[];
  containers: Pick<ContainerInfo, 'name' | 'mounts'>[];
}

export function planVolumePrune(state: VolumeState, options: VolumePruneOptions, context: PlanContext): Plan {
  const users = volumeUsers(state.containers);
  const byName = new Map(state.volumes.map((v) => [v.name, v]));
  const olderThanHours = options.olderThanHours ?? context.config.pruneOlderThanHours;
  const candidates: Candidate<VolumeState['volumes'][number]>[] = options.names
    ? distinct(options.names).map((name) => {
        const volume = byName.get(name);
        return volume ? { name, item: volume } : { name, unresolved: 'no such volume' };
      })
    : state.volumes
        .filter((v) => !users.has(v.name) && (!options.anonymousOnly || v.anonymous))
        .map((volume) => ({ name: volume.name, item: volume }))
        .sort((a, b) => a.name.localeCompare(b.name));
  return planFrom(
    candidates,
    (volume) => {
      const protectedBecause = protectionReason(volume, context.config);
      if (protectedBecause) return `protected: ${protectedBecause}`;
      const using = users.get(volume.name);
      if (using) return `in use by ${describeContainers(using)}`;
      if (options.anonymousOnly && !volume.anonymous) return 'a named volume, and anonymousOnly is set';
      return tooYoung(volume.createdAt, olderThanHours, context.now);
    },
    (volume) => volume.name,
  );
}

export const pruneVolumes: PruneSpec<typeof volumePrunePayload, VolumeState> = {
  action: 'pruneVolumes',
  payload: volumePrunePayload,
  async read({ docker }, signal) {
    // Volumes first: a container created after this list is still seen below, with its mounts.
    const volumes = await listVolumes(docker, signal);
    return { volumes, containers: await listContainerRefs(docker, signal) };
  },
  plan: planVolumePrune,
  measure: measureVolumes,
  async remove({ docker }, name, signal) {
    await docker.getVolume(name).remove({ abortSignal: signal });
  },
};
