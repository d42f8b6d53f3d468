import { cite } from './checklist.js';
import { SYSTEM_MODULES, envValue, mountHolding, systemModule } from '../iotedge.js';
import type { ContainerInfo } from '../snapshot.js';
import { notRunning } from './system-modules.js';
import type { Check, Finding } from './types.js';

const REMEDIATION =
  'Set the StorageFolder env of edgeAgent and edgeHub (e.g. /iotedge/storage) and bind it to a host folder in their createOptions, HostConfig.Binds ["/srv/<module>:/iotedge/storage"], writable by the module\'s user (' + cite('Set up host storage for system modules') + ').';

export const productionSystemStorage: Check = {
  id: 'production.system-storage',
  title: 'Host storage for edgeAgent and edgeHub',
  settings: [],
  needs: ['containers'],
  twinNumbers: [],
  run(snapshot) {
    const present = SYSTEM_MODULES.map((name) => systemModule(snapshot, name)).filter((c) => c !== undefined);
    if (present.length === 0) return [notRunning(...SYSTEM_MODULES)];
    return present.map(judge);
  },
};

function judge(container: ContainerInfo): Finding {
  const storageFolder = envValue(container.env, 'StorageFolder');
  const mount = storageFolder === undefined ? undefined : mountHolding(container.mounts, storageFolder);
  const details = {
    storageFolder: storageFolder ?? null,
    mountType: mount?.type ?? null,
    mountSource: mount?.source ?? null,
    volume: mount?.name ?? null,
    readOnly: mount?.readOnly ?? null,
  };
  const lost = 'so messages and state are lost when the container is recreated';
  const warn = (message: string): Finding => ({ subject: container.name, status: 'warning', message, details, remediation: REMEDIATION });
  if (storageFolder === undefined) return warn(`no StorageFolder set: it keeps its store inside the container (under /tmp), ${lost}`);
  if (!mount) return warn(`StorageFolder ${storageFolder} is inside the container, not on host storage, ${lost}`);
  if (mount.readOnly) return warn(`StorageFolder ${storageFolder} is on a read-only mount (${mount.source}): the store cannot be written`);
  if (mount.type === 'bind') {
    return { subject: container.name, status: 'ok', message: `StorageFolder ${storageFolder} is on host storage (${mount.source})`, details };
  }
  if (mount.type === 'volume') {
    return { subject: container.name, status: 'ok', message: `StorageFolder ${storageFolder} is in Docker volume ${mount.name ?? mount.source}, which outlives the container`, details };
  }
  return warn(`StorageFolder ${storageFolder} is on a ${mount.type} mount, ${lost}`);
}
