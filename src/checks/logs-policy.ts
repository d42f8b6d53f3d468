import { cite } from './checklist.js';
import type { ContainerInfo, Snapshot } from '../snapshot.js';
import { readRotation } from './log-rotation.js';
import type { Check, Finding } from './types.js';

/** Drivers that write files the engine keeps on the host, and whether they rotate without being told to. */
const FILE_DRIVERS: Record<string, { rotatesByDefault: boolean }> = {
  'json-file': { rotatesByDefault: false },
  local: { rotatesByDefault: true },
};

const REMEDIATION =
  'Set "log-driver": "local" (it rotates by default) or json-file "log-opts" {"max-size": "10m", "max-file": "3"} in /etc/docker/daemon.json and restart the engine, or set HostConfig.LogConfig in the module\'s createOptions (' + cite('Set up default logging driver') + '). Existing containers keep their settings until they are recreated.';

export const logsPolicy: Check = {
  id: 'logs.policy',
  title: 'Container log rotation',
  settings: ['daemonConfigPath'],
  needs: ['containers'],
  twinNumbers: [],
  uses: ['daemonConfig'],
  run: (snapshot) => (snapshot.containers ?? []).map((container) => judge(container, snapshot)),
};

function judge(container: ContainerInfo, snapshot: Snapshot): Finding {
  const { type: driver } = container.logConfig;
  const file = FILE_DRIVERS[driver];
  if (!file) {
    return { subject: container.name, status: 'ok', message: `logs go to the "${driver}" driver, not to files the engine grows`, details: { driver } };
  }
  const { options, from } = effectiveOptions(container, snapshot);
  const rotation = readRotation(options);
  const details = { driver, maxSize: rotation.maxSize, maxFile: rotation.maxFile, optionsFrom: from, invalidOptions: rotation.invalid };
  if (rotation.invalid.length > 0) {
    return {
      subject: container.name,
      status: 'warning',
      message: `${from === 'container' ? 'its LogConfig' : `${from} "log-opts"`}: ${rotation.invalid.join('; ')}, so it is not taken for rotation`,
      details,
      remediation: REMEDIATION,
    };
  }
  if (file.rotatesByDefault) {
    return { subject: container.name, status: 'ok', message: `"${driver}" driver rotates${rotation.rotates ? ` at ${rotation.maxSize}` : ' by default'}`, details };
  }
  if (rotation.rotates) {
    return { subject: container.name, status: 'ok', message: `rotates at ${rotation.maxSize}, keeping ${rotation.maxFile ?? '1'} file(s)`, details };
  }
  return {
    subject: container.name,
    status: 'warning',
    message: `"${driver}" log without max-size grows until the disk is full${rotation.maxFile ? ' (max-file alone does not rotate)' : ''}`,
    details,
    remediation: REMEDIATION,
  };
}

/** The container's own log options, or the daemon.json defaults it was created with when it set none. */
function effectiveOptions(container: ContainerInfo, snapshot: Snapshot): { options: Record<string, string>; from: string } {
  if (Object.keys(container.logConfig.config).length > 0) return { options: container.logConfig.config, from: 'container' };
  const daemon = snapshot.daemonConfig;
  const defaultDriver = daemon?.logDriver ?? snapshot.docker?.loggingDriver;
  if (daemon?.logOpts && defaultDriver === container.logConfig.type) return { options: daemon.logOpts, from: 'daemon.json' };
  return { options: {}, from: 'none' };
}
