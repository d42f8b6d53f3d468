import { cite } from './checklist.js';
import type { Check } from './types.js';

const REMEDIATION =
  'Set enabled = true (or remove the line) in [image_garbage_collection] of /etc/aziot/config.toml and run `sudo iotedge config apply`: otherwise images dropped from the deployment stay on disk until someone prunes them (' + cite('Configure image garbage collection') + ').';

export const productionImageGc: Check = {
  id: 'production.image-gc',
  title: 'IoT Edge image garbage collection',
  needs: ['iotedgeConfig'],
  run(snapshot) {
    const config = snapshot.iotedgeConfig;
    if (!config) return [];
    if (!config.found) return [{ subject: config.path, status: 'skipped', message: `no IoT Edge configuration at ${config.path}`, details: {} }];
    const gc = config.imageGarbageCollection;
    const details = { ...gc };
    if (!gc.enabled) {
      return [{ subject: config.path, status: 'warning', message: 'image garbage collection is turned off ([image_garbage_collection] enabled = false)', details, remediation: REMEDIATION }];
    }
    const schedule = `every ${gc.cleanupRecurrence} at ${gc.cleanupTime} (device time), removing images unused for ${gc.imageAgeCleanupThreshold}`;
    return [{
      subject: config.path,
      status: 'ok',
      message: `image garbage collection runs ${schedule}${gc.configured ? '' : ' (the defaults of IoT Edge 1.4 and later: no [image_garbage_collection] section)'}`,
      details,
    }];
  },
};
