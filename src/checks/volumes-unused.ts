import { cite } from './checklist.js';
import { formatBytes } from '../size.js';
import { planVolumePrune } from '../actions/prune-volumes.js';
import type { VolumeInfo } from '../snapshot.js';
import { protectionReason } from '../volume-protection.js';
import type { Check, Finding } from './types.js';

const REMEDIATION =
  'IoT Edge never removes module volumes (' + cite('Manage volumes') + '). Review the list, then remove with `edge-health prune volumes` (dry run first) or `docker volume rm <name>`.';

const YOUNG =
  'Prune keeps volumes younger than pruneOlderThanHours: add `--older-than-hours 0` to remove this one now, or wait.';

export const volumesUnused: Check = {
  id: 'volumes.unused',
  title: 'Unused Docker volumes',
  settings: ['unusedVolumesWarnBytes', 'protectedVolumes', 'protectLabel', 'pruneOlderThanHours', 'volumeSizes'],
  needs: ['volumes'],
  twinNumbers: ['sizeBytes', 'unusedCount', 'removableCount', 'removableBytes'],
  // Prune's plan reads who mounts what; an unknown size says why it is unknown.
  uses: ['containers', 'volumeSizes'],
  run(snapshot, config) {
    const volumes = snapshot.volumes ?? [];
    const unused = volumes.filter((v) => v.usedBy.length === 0);
    if (unused.length === 0) {
      const message = volumes.length === 0 ? 'no volumes' : `all ${volumes.length} volumes are in use`;
      return [{ subject: 'volumes', status: 'ok', message, details: { volumeCount: volumes.length } }];
    }
    // The very plan `edge-health prune volumes` makes with these settings, so the two never disagree.
    const plan = planVolumePrune(
      { volumes, containers: snapshot.containers ?? [] },
      { dryRun: true, anonymousOnly: false },
      { config, now: new Date(snapshot.collectedAt) },
    );
    const removedNow = new Set(plan.remove.map((r) => r.name));
    const keptBecause = new Map(plan.skip.map((s) => [s.name, s.reason]));
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
      pruneOlderThanHours: config.pruneOlderThanHours,
    };
    const sizesUnknownBecause = snapshot.sources.volumeSizes.error ?? 'the engine did not report it';
    const context = { removedNow, keptBecause, totals, overThreshold, knownBytes, unknownSizes, warnBytes: config.unusedVolumesWarnBytes, sizesUnknownBecause };
    return judged.map((j) => volumeFinding(j.volume, j.protectedBecause, context));
  },
};

interface JudgingContext {
  removedNow: Set<string>;
  keptBecause: Map<string, string>;
  totals: { removableBytes: number | null; unknownSizeCount: number; warnAboveBytes: number } & Record<string, unknown>;
  overThreshold: boolean;
  knownBytes: number;
  unknownSizes: number;
  warnBytes: number;
  sizesUnknownBecause: string;
}

/** One unused volume: protected, empty, part of too much, of unknown size, or within the limit. */
function volumeFinding(volume: VolumeInfo, protectedBecause: string | undefined, context: JudgingContext): Finding {
  const { removedNow, keptBecause, totals, overThreshold, knownBytes, unknownSizes, warnBytes, sizesUnknownBecause } = context;
  const size = volume.sizeBytes === null ? 'size unknown' : formatBytes(volume.sizeBytes);
  const removesNow = removedNow.has(volume.name);
  const prune = removesNow ? 'prune removes it' : `prune keeps it: ${keptBecause.get(volume.name) ?? 'not planned'}`;
  const details = {
    sizeBytes: volume.sizeBytes,
    anonymous: volume.anonymous,
    createdAt: volume.createdAt,
    protected: protectedBecause !== undefined,
    ...(protectedBecause ? { protectedBecause } : {}),
    pruneRemovesNow: removesNow,
    pruneKeepsBecause: removesNow ? null : (keptBecause.get(volume.name) ?? null),
    ...totals,
  };
  if (protectedBecause) {
    return { subject: volume.name, status: 'ok', message: `unused (${size}) but protected: ${protectedBecause}`, details };
  }
  if (volume.sizeBytes === 0) {
    return { subject: volume.name, status: 'ok', message: `unused and empty (0 B): nothing to reclaim; ${prune}`, details };
  }
  if (overThreshold) {
    return {
      subject: volume.name,
      status: 'warning',
      message: `unused, ${size}; unused volumes hold ${unknownSizes > 0 ? 'at least ' : ''}${formatBytes(knownBytes)}, over ${formatBytes(warnBytes)}; ${prune}`,
      details,
      remediation: removesNow ? REMEDIATION : `${REMEDIATION} ${YOUNG}`,
    };
  }
  if (volume.sizeBytes === null) {
    return { subject: volume.name, status: 'skipped', message: `unused, size unknown (${sizesUnknownBecause}); ${prune}`, details };
  }
  return { subject: volume.name, status: 'ok', message: `unused, ${size}; unused volumes total ${describeTotal(totals)}; ${prune}`, details };
}

function describeTotal(totals: { removableBytes: number | null; unknownSizeCount: number; warnAboveBytes: number }): string {
  if (totals.removableBytes === null) return 'unknown (volume sizes not collected)';
  const known = `${formatBytes(totals.removableBytes)}, within ${formatBytes(totals.warnAboveBytes)}`;
  return totals.unknownSizeCount > 0 ? `${known} plus ${totals.unknownSizeCount} of unknown size` : known;
}
