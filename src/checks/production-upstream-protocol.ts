import { cite } from './checklist.js';
import { SYSTEM_MODULES, envValue, systemModule } from '../iotedge.js';
import { notRunning } from './system-modules.js';
import type { Check } from './types.js';

/** What edgeAgent and edgeHub use when UpstreamProtocol is not set. */
const DEFAULT_PROTOCOL = 'Amqp';
const REMEDIATION =
  'Set the same UpstreamProtocol env (e.g. AmqpWs) on edgeAgent and edgeHub in every deployment, matching [agent.env] in /etc/aziot/config.toml, or a device behind a proxy loses its connection at the next deployment (' + cite('Be consistent with upstream protocol') + ').';

export const productionUpstreamProtocol: Check = {
  id: 'production.upstream-protocol',
  title: 'Upstream protocol consistency',
  settings: [],
  needs: ['containers'],
  twinNumbers: [],
  uses: ['iotedgeConfig'],
  run(snapshot) {
    const settings: { where: string; value: string | undefined }[] = [];
    for (const name of SYSTEM_MODULES) {
      const container = systemModule(snapshot, name);
      if (container) settings.push({ where: name, value: envValue(container.env, 'UpstreamProtocol') });
    }
    if (settings.length === 0) return [notRunning(...SYSTEM_MODULES)];
    // The bootstrap edgeAgent's setting counts only where config.toml makes one.
    const bootstrap = snapshot.iotedgeConfig?.found ? envValue(snapshot.iotedgeConfig.agent.env, 'UpstreamProtocol') : undefined;
    if (bootstrap !== undefined) settings.push({ where: 'config.toml [agent.env]', value: bootstrap });

    const described = settings.map(({ where, value }) => `${where} ${value ?? `${DEFAULT_PROTOCOL} (default)`}`);
    const protocols = new Set(settings.map(({ value }) => (value ?? DEFAULT_PROTOCOL).toLowerCase()));
    const details = { upstreamProtocols: Object.fromEntries(settings.map(({ where, value }) => [where, value ?? null])), defaultProtocol: DEFAULT_PROTOCOL };
    if (protocols.size <= 1) {
      return [{ subject: 'edgeAgent/edgeHub', status: 'ok', message: `one upstream protocol: ${described.join(', ')}`, details }];
    }
    return [{ subject: 'edgeAgent/edgeHub', status: 'warning', message: `upstream protocols differ: ${described.join(', ')}`, details, remediation: REMEDIATION }];
  },
};
