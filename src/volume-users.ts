// Which containers use which volume: the one rule for the volumes.unused check and for prune.
import type { ContainerInfo } from './snapshot.js';

/** A bind mount of a volume's own data folder (…/volumes/<name>/_data) uses it as surely as a volume mount; the engine does not count it. */
const VOLUME_DATA_PATH = /\/volumes\/([^/]+)\/_data(?:\/|$)/;

/** Volume name → names of the containers (any state) that mount it, by name or through its data folder. */
export function volumeUsers(containers: readonly Pick<ContainerInfo, 'name' | 'mounts'>[]): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const container of containers) {
    const used = new Set<string>();
    for (const mount of container.mounts) {
      const name = mount.type === 'volume' ? mount.name : VOLUME_DATA_PATH.exec(mount.source)?.[1];
      if (name) used.add(name);
    }
    for (const name of used) users.set(name, [...(users.get(name) ?? []), container.name]);
  }
  return users;
}
