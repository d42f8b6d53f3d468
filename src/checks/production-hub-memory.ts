import { cite } from './checklist.js';
import { formatBytes } from '../size.js';
import { envFlag } from '../iotedge.js';
import { hostMemory, judgeSystemModule } from './system-modules.js';
import type { Check } from './types.js';

const REMEDIATION =
  'Informational: on a device with little memory, set env OptimizeForPerformance = false on edgeHub in the deployment; it then allocates less memory at some cost in throughput (' + cite("Don't optimize for performance on constrained devices") + ').';

export const productionHubMemory: Check = {
  id: 'production.hub-memory',
  title: 'edgeHub memory use on constrained devices',
  settings: ['constrainedMemoryBytes'],
  needs: ['containers', 'docker'],
  twinNumbers: ['memoryBytes'],
  run: (snapshot, config) => [
    judgeSystemModule(snapshot, 'edgeHub', (edgeHub) => {
      const optimize = envFlag(edgeHub.env, 'OptimizeForPerformance');
      const memory = hostMemory(snapshot, config);
      const on = optimize ?? true;
      const details = { optimizeForPerformance: on, setExplicitly: optimize !== undefined, ...memory };
      const state = `OptimizeForPerformance is ${on ? (optimize === undefined ? 'on (the default)' : 'on') : 'off'}`;
      const room = `${formatBytes(memory.memoryBytes)} of host memory`;
      if (on && memory.constrained) {
        return { subject: 'edgeHub', status: 'warning', message: `${state} with ${room}, below ${formatBytes(config.constrainedMemoryBytes)}`, details, remediation: REMEDIATION };
      }
      return { subject: 'edgeHub', status: 'ok', message: `${state}, with ${room}`, details };
    }),
  ],
};
