import { cite } from './checklist.js';
import { formatBytes } from '../size.js';
import { judgeFreeShare } from './free-share.js';
import type { Check } from './types.js';

export const diskSpace: Check = {
  id: 'disk.space',
  title: 'Free disk space',
  settings: ['diskFreeWarnPercent', 'diskFreeErrorPercent', 'extraPaths'],
  needs: ['filesystems'],
  twinNumbers: ['freePercent', 'freeBytes', 'sizeBytes'],
  run: (snapshot, config) =>
    judgeFreeShare(snapshot, {
      noun: 'space',
      total: (fs) => fs.sizeBytes,
      free: (fs) => fs.availableBytes,
      describe: (free, total) => `${formatBytes(free)} of ${formatBytes(total)}`,
      details: (fs) => ({ sizeBytes: fs.sizeBytes, freeBytes: fs.availableBytes }),
      warnPercent: config.diskFreeWarnPercent,
      errorPercent: config.diskFreeErrorPercent,
      remediation:
        'Free space: prune unused volumes and images, cap container logs (' + cite('Manage volumes', 'Set up default logging driver') + '), or grow the disk.',
    }),
};
