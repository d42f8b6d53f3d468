// Every check, in report order. Adding a check is adding its file and one line here.
import { containersLimits } from './containers-limits.js';
import { diskInodes } from './disk-inodes.js';
import { diskSpace } from './disk-space.js';
import { logsPolicy } from './logs-policy.js';
import { logsSize } from './logs-size.js';
import type { Check } from './types.js';
import { volumesUnused } from './volumes-unused.js';

export const CHECKS: readonly Check[] = [diskSpace, diskInodes, volumesUnused, logsSize, logsPolicy, containersLimits];

export const CHECK_IDS: readonly string[] = CHECKS.map((check) => check.id);
