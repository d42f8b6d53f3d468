import { cite } from './checklist.js';
import { envValue } from '../iotedge.js';
import { judgeSystemModule } from './system-modules.js';
import type { Check } from './types.js';

const WAIT_FOR_ALL_PULLS = 'WaitForAllPulls';
const REMEDIATION =
  'Set env ModuleUpdateMode = WaitForAllPulls on edgeAgent in the deployment, so every new image is downloaded before any module is restarted (' + cite('Configure how updates to modules are applied') + ').';

export const productionUpdateMode: Check = {
  id: 'production.update-mode',
  title: 'How module updates are applied',
  settings: [],
  needs: ['containers'],
  twinNumbers: [],
  run: (snapshot) => [
    judgeSystemModule(snapshot, 'edgeAgent', (edgeAgent) => {
      const mode = envValue(edgeAgent.env, 'ModuleUpdateMode');
      const details = { moduleUpdateMode: mode ?? null };
      if (mode?.toLowerCase() === WAIT_FOR_ALL_PULLS.toLowerCase()) {
        return { subject: 'edgeAgent', status: 'ok', message: `ModuleUpdateMode is ${mode}: all images are pulled before modules restart`, details };
      }
      return {
        subject: 'edgeAgent',
        status: 'warning',
        message: `ModuleUpdateMode is ${mode === undefined ? 'not set' : `"${mode}"`}: each module is stopped and restarted before the next image is pulled`,
        details,
        remediation: REMEDIATION,
      };
    }),
  ],
};
