// Which volumes must never be offered for removal, and why. Shared by the volumes.unused check and prune.
import type { Config } from './config/settings.js';
import { globToRegExp } from './glob.js';
import type { VolumeInfo } from './snapshot.js';

/** IoT Edge's own modules keep their state in volumes named after them (edgeHub's message store). */
const SYSTEM_MODULE_VOLUME = /^edge(agent|hub)/i;

/** The reason a volume is protected, or undefined when it is not. */
export function protectionReason(
  volume: Pick<VolumeInfo, 'name' | 'labels'>,
  config: Pick<Config, 'protectedVolumes' | 'protectLabel'>,
): string | undefined {
  if (SYSTEM_MODULE_VOLUME.test(volume.name)) return 'belongs to an IoT Edge system module (edgeAgent/edgeHub)';
  const pattern = config.protectedVolumes.find((p) => globToRegExp(p).test(volume.name));
  if (pattern !== undefined) return `matches protected name "${pattern}"`;
  const label = volume.labels[config.protectLabel];
  if (label !== undefined && label.toLowerCase() !== 'false') return `carries label ${config.protectLabel}`;
  return undefined;
}
