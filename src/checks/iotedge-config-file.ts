// Shared by the production checklist checks that judge IoT Edge's own configuration file.
import type { IotEdgeConfigFound, Snapshot } from '../snapshot.js';
import type { Finding } from './types.js';

/** The check's findings for config.toml, or one skipped result when there is none at its path. */
export function judgeIotedgeConfig(snapshot: Snapshot, judge: (config: IotEdgeConfigFound) => Finding[]): Finding[] {
  const config = snapshot.iotedgeConfig;
  if (!config) return [];
  if (!config.found) return [{ subject: config.path, status: 'skipped', message: `no IoT Edge configuration at ${config.path}`, details: {} }];
  return judge(config);
}
