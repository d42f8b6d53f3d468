import { judgeFreeShare } from './free-share.js';
import type { Check } from './types.js';

export const diskInodes: Check = {
  id: 'disk.inodes',
  title: 'Free inodes',
  settings: ['inodesFreeWarnPercent', 'inodesFreeErrorPercent'],
  needs: ['filesystems'],
  twinNumbers: ['freePercent', 'inodesFree', 'inodesTotal'],
  run: (snapshot, config) =>
    judgeFreeShare(snapshot, {
      noun: 'inodes',
      total: (fs) => fs.inodesTotal,
      free: (fs) => fs.inodesFree,
      describe: (free, total) => `${free} of ${total}`,
      details: (fs) => ({ inodesTotal: fs.inodesTotal, inodesFree: fs.inodesFree }),
      warnPercent: config.inodesFreeWarnPercent,
      errorPercent: config.inodesFreeErrorPercent,
      remediation:
        'Many small files fill the inode table before the disk: remove unused images and volumes (each image layer holds many files) and old rotated logs.',
    }),
};
