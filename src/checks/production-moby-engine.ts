import { cite } from './checklist.js';
import { iotedgeEvidence } from '../iotedge.js';
import type { Check } from './types.js';

const REMEDIATION =
  'Informational: other engines work, but only Moby (moby-engine from packages.microsoft.com) is supported for IoT Edge in production (' + cite('Use Moby as the container engine') + ').';

/** Product names of engines that are not a Moby build. Moby builds (moby-engine, distribution packages) name none. */
const OTHER_ENGINES = /docker engine|podman/i;

export const productionMobyEngine: Check = {
  id: 'production.moby-engine',
  title: 'Moby container engine',
  settings: [],
  needs: ['docker'],
  twinNumbers: [],
  uses: ['containers', 'iotedgeConfig', 'certificates'],
  run(snapshot) {
    const engine = snapshot.docker;
    if (!engine) return [];
    if (iotedgeEvidence(snapshot).length === 0) {
      return [{ subject: engine.endpoint, status: 'skipped', message: 'no IoT Edge on this host: the engine choice is up to you', details: {} }];
    }
    const details = { platformName: engine.platformName, engineVersion: engine.engineVersion };
    if (OTHER_ENGINES.test(engine.platformName)) {
      return [{ subject: engine.endpoint, status: 'warning', message: `${engine.platformName} ${engine.engineVersion} is not Moby`, details, remediation: REMEDIATION }];
    }
    // Microsoft's moby-engine packages carry "+azure" in their version.
    const microsoft = /\+azure/.test(engine.engineVersion) ? ', moby-engine from Microsoft' : '';
    return [{ subject: engine.endpoint, status: 'ok', message: `a Moby build (${engine.engineVersion}${microsoft})`, details }];
  },
};
