import { cite } from './checklist.js';
import { formatBytes } from '../config/size.js';
import { protectionReason } from '../volume-protection.js';
import type { Check, Finding } from './types.js';

const REMEDIATION =
  'IoT Edge never removes module volumes (' + cite('Manage volumes') + '). Review the list, then remove with `edge-health prune volumes` (dry run first) or `docker volume rm <name>`.';

export const volumesUnused: Check = {
  id: 'volumes.unused',
  title: 'Unused Docker volumes',
  needs: ['volumes'],
  run(snapshot, config) {
    const volumes = snapshot.volumes ?? [];
    const unused = volumes.filter((v) => v.usedBy.length === 0);
    if (unused.length === 0) {
      const message = volumes.length === 0 ? 'no volumes' : `all ${volumes.length} volumes are in use`;
      return [{ subject: 'volumes', status: 'ok', message, details: { volumeCount: volumes.length } }];
    }
    const judged = unused.map((volume) => ({ volume, protectedBecause: protectionReason(volume, config) }));
    const removable = judged.filter((j) => !j.protectedBecause).map((j) => j.volume);
    const unknownSizes = removable.filter((v) => v.sizeBytes === null).length;
    // Volumes of unknown size can only add to the total: the known ones alone can already be too much.
    const knownBytes = removable.reduce((sum, v) => sum + (v.sizeBytes ?? 0), 0);
    const overThreshold = knownBytes > config.unusedVolumesWarnBytes;
    const totals = {
      unusedCount: unused.length,
      removableCount: removable.length,
      /** Null when no size at all is known: zero would claim the volumes are empty. */
      removableBytes: unknownSizes === removable.length ? null : knownBytes,
      unknownSizeCount: unknownSizes,
      warnAboveBytes: config.unusedVolumesWarnBytes,
    };

    return judged.map(({ volume, protectedBecause }): Finding => {
      const size = volume.sizeBytes === null ? 'size unknown' : formatBytes(volume.sizeBytes);
      const details = {
        sizeBytes: volume.sizeBytes,
        anonymous: volume.anonymous,
        createdAt: volume.createdAt,
        protected: protectedBecause !== undefined,
        ...(protectedBecause ? { protectedBecause } : {}),
        ...totals,
      };
      if (protectedBecause) {
        return { subject: volume.name, status: 'ok', message: `unused (${size}) but protected: ${protectedBecause}`, details };
      }
      if (!overThreshold) {
        return { subject: volume.name, status: 'ok', message: `unused, ${size}; unused volumes total ${describeTotal(totals)}`, details };
      }
      return {
        subject: volume.name,
        status: 'warning',
        message: `unused, ${size}; unused volumes hold ${unknownSizes > 0 ? 'at least ' : ''}${formatBytes(knownBytes)}, over ${formatBytes(config.unusedVolumesWarnBytes)}`,
        details,
        remediation: REMEDIATION,
      };
    });
  },
};

function describeTotal(totals: { removableBytes: number | null; unknownSizeCount: number; warnAboveBytes: number }): string {
  if (totals.removableBytes === null) return 'unknown (volume sizes not collected)';
  const known = `${formatBytes(totals.removableBytes)}, within ${formatBytes(totals.warnAboveBytes)}`;
  return totals.unknownSizeCount > 0 ? `${known} plus ${totals.unknownSizeCount} of unknown size` : known;
}
