import { cite } from './checklist.js';
import { readRotation } from './log-rotation.js';
import type { Check } from './types.js';

const REMEDIATION =
  'Set "log-driver": "local" in /etc/docker/daemon.json (it rotates by default), or json-file with "log-opts": {"max-size": "10m", "max-file": "3"}, and restart the engine; containers keep the settings they were created with until recreated (' + cite('Set up default logging driver') + ').';

export const productionLogDriver: Check = {
  id: 'production.log-driver',
  title: 'Default logging driver',
  settings: ['daemonConfigPath'],
  needs: ['daemonConfig'],
  twinNumbers: [],
  uses: ['docker'],
  run(snapshot) {
    const daemon = snapshot.daemonConfig;
    if (!daemon) return [];
    const running = snapshot.docker?.loggingDriver;
    if (!daemon.found && running === undefined) {
      // Neither the intent (daemon.json) nor the engine to ask: Docker may not even be installed.
      return [{ subject: daemon.path, status: 'skipped', message: `no ${daemon.path} and no Docker engine reachable: nothing to judge`, details: { daemonJsonFound: false } }];
    }
    // daemon.json is the intent; without a log-driver there, the engine's own default applies.
    const driver = daemon.logDriver ?? running ?? 'json-file';
    const rotation = readRotation(daemon.logOpts ?? {});
    const details = {
      driver,
      configuredDriver: daemon.logDriver ?? null,
      runningDriver: running ?? null,
      maxSize: rotation.maxSize,
      maxFile: rotation.maxFile,
      invalidOptions: rotation.invalid,
      daemonJsonFound: daemon.found,
    };
    const pending = running && daemon.logDriver && running !== daemon.logDriver ? `; the engine still runs with "${running}" until it restarts` : '';
    const subject = daemon.path;
    if (rotation.invalid.length > 0 && (driver === 'local' || driver === 'json-file')) {
      return [{
        subject,
        status: 'warning',
        message: `"log-opts": ${rotation.invalid.join('; ')}: the engine refuses to start with it, and it rotates nothing${pending}`,
        details,
        remediation: REMEDIATION,
      }];
    }
    if (driver === 'local') {
      return [{ subject, status: 'ok', message: `default driver "local" rotates ${rotation.rotates ? `at ${rotation.maxSize}` : 'by default'}${pending}`, details }];
    }
    if (driver !== 'json-file') {
      return [{ subject, status: 'ok', message: `default driver "${driver}" keeps no growing files the engine owns${pending}`, details }];
    }
    if (rotation.rotates) {
      return [{ subject, status: 'ok', message: `default driver "json-file" rotates at ${rotation.maxSize}, keeping ${rotation.maxFile ?? '1'} file(s)${pending}`, details }];
    }
    const where = daemon.logDriver ? `${daemon.path} sets` : 'the engine defaults to';
    return [{
      subject,
      status: 'warning',
      message: `${where} "json-file" without max-size${rotation.maxFile ? ' (max-file alone does not rotate)' : ''}: every container's log grows until the disk is full${pending}`,
      details,
      remediation: REMEDIATION,
    }];
  },
};
