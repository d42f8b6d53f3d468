import type { IotEdgeConfigFound } from '../snapshot.js';
import { cite } from './checklist.js';
import { judgeIotedgeConfig } from './iotedge-config-file.js';
import type { Check, Finding } from './types.js';

const REMEDIATION =
  'Set enabled = true (or remove the line) in [image_garbage_collection] of /etc/aziot/config.toml and run `sudo iotedge config apply`: otherwise images dropped from the deployment stay on disk until someone prunes them (' + cite('Configure image garbage collection') + ').';

const FIX_VALUES =
  'Write the [image_garbage_collection] values as IoT Edge documents them — cleanup_recurrence and image_age_cleanup_threshold in whole days ("1d", "7d"; the recurrence at least 1d), cleanup_time as 24-hour "HH:MM" — in /etc/aziot/config.toml and run `sudo iotedge config apply` (production checklist: "Configure image garbage collection").';

/** Longest recurrence or age that still collects anything in practice. */
const MAX_DAYS = 365;

/** What is wrong with each field, as IoT Edge reads them (production checklist: days, recurrence ≥ 1 day, HH:MM). */
export function imageGcProblems(gc: { cleanupRecurrence: string; imageAgeCleanupThreshold: string; cleanupTime: string }): string[] {
  const problems: string[] = [];
  const days = (field: string, value: string, min: number) => {
    const match = /^(\d+)d$/.exec(value);
    if (!match) return problems.push(`${field} "${value}" is not a whole number of days such as "1d"`);
    const count = Number(match[1]);
    if (count < min) return problems.push(`${field} "${value}" is less than ${min} day`);
    if (count > MAX_DAYS) return problems.push(`${field} "${value}" is more than ${MAX_DAYS} days: in practice nothing is collected`);
    return undefined;
  };
  days('cleanup_recurrence', gc.cleanupRecurrence, 1);
  days('image_age_cleanup_threshold', gc.imageAgeCleanupThreshold, 0);
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(gc.cleanupTime)) problems.push(`cleanup_time "${gc.cleanupTime}" is not a 24-hour time "HH:MM"`);
  return problems;
}

export const productionImageGc: Check = {
  id: 'production.image-gc',
  title: 'IoT Edge image garbage collection',
  settings: ['iotedgeConfigPath'],
  needs: ['iotedgeConfig'],
  twinNumbers: [],
  run: (snapshot) => judgeIotedgeConfig(snapshot, (config) => [judge(config.path, config.imageGarbageCollection)]),
};

function judge(subject: string, gc: IotEdgeConfigFound['imageGarbageCollection']): Finding {
  const details = { ...gc };
  if (!gc.enabled) {
    return { subject, status: 'warning', message: 'image garbage collection is turned off ([image_garbage_collection] enabled = false)', details, remediation: REMEDIATION };
  }
  const problems = imageGcProblems(gc);
  if (problems.length > 0) {
    return { subject, status: 'warning', message: `[image_garbage_collection]: ${problems.join('; ')}`, details: { ...details, problems }, remediation: FIX_VALUES };
  }
  const schedule = `every ${gc.cleanupRecurrence} at ${gc.cleanupTime} (device time), removing images unused for ${gc.imageAgeCleanupThreshold}`;
  return {
    subject,
    status: 'ok',
    message: `image garbage collection runs ${schedule}${gc.configured ? '' : ' (the defaults of IoT Edge 1.4 and later: no [image_garbage_collection] section)'}`,
    details,
  };
}
