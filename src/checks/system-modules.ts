// Shared by the production checklist checks that read IoT Edge's own containers.
import type { Config } from '../config/settings.js';
import { type SystemModule, systemModule } from '../iotedge.js';
import type { ContainerInfo, Snapshot } from '../snapshot.js';
import type { Finding } from './types.js';

/** The check's findings for one system module, or one skipped result when it is not on this engine. */
export function judgeSystemModule(snapshot: Snapshot, name: SystemModule, judge: (container: ContainerInfo) => Finding): Finding {
  const container = systemModule(snapshot, name);
  return container ? judge(container) : notRunning(name);
}

export function notRunning(...names: SystemModule[]): Finding {
  return {
    subject: names.join('/'),
    status: 'skipped',
    message: `no ${names.join(' or ')} container on this engine: IoT Edge is not installed here or not running`,
    details: {},
  };
}

/** Whether the host counts as a constrained device, by its memory as the engine reports it. */
export function hostMemory(snapshot: Snapshot, config: Config): { memoryBytes: number; constrained: boolean; constrainedBelowBytes: number } {
  const memoryBytes = snapshot.docker?.memTotalBytes ?? 0;
  return { memoryBytes, constrained: memoryBytes > 0 && memoryBytes < config.constrainedMemoryBytes, constrainedBelowBytes: config.constrainedMemoryBytes };
}
