import { cite } from './checklist.js';
import { formatBytes } from '../size.js';
import { type SystemEnvName, envFlag } from '../iotedge.js';
import { hostMemory, judgeSystemModule } from './system-modules.js';
import type { Check } from './types.js';

const HEADS: { protocol: string; variable: SystemEnvName }[] = [
  { protocol: 'AMQP', variable: 'amqpSettings__enabled' },
  { protocol: 'MQTT', variable: 'mqttSettings__enabled' },
  { protocol: 'HTTP', variable: 'httpSettings__enabled' },
];
const REMEDIATION =
  'Informational: only you know which protocols your modules and leaf devices use; turn off the others on edgeHub in the deployment with amqpSettings__enabled, mqttSettings__enabled or httpSettings__enabled = false (' + cite('Disable unused protocols') + ').';

export const productionProtocolHeads: Check = {
  id: 'production.protocol-heads',
  title: 'edgeHub protocol heads on constrained devices',
  settings: ['constrainedMemoryBytes'],
  needs: ['containers', 'docker'],
  twinNumbers: ['memoryBytes'],
  run: (snapshot, config) => [
    judgeSystemModule(snapshot, 'edgeHub', (edgeHub) => {
      const enabled = HEADS.filter(({ variable }) => envFlag(edgeHub.env, variable) ?? true).map(({ protocol }) => protocol);
      const memory = hostMemory(snapshot, config);
      const details = { enabledHeads: enabled, ...memory };
      const heads = enabled.length === 0 ? 'no protocol head is enabled' : `protocol heads enabled: ${enabled.join(', ')}`;
      if (enabled.length === HEADS.length && memory.constrained) {
        return {
          subject: 'edgeHub',
          status: 'warning',
          message: `all three protocol heads are enabled with ${formatBytes(memory.memoryBytes)} of host memory, below ${formatBytes(config.constrainedMemoryBytes)}`,
          details,
          remediation: REMEDIATION,
        };
      }
      return { subject: 'edgeHub', status: 'ok', message: heads, details };
    }),
  ],
};
