import { cite } from './checklist.js';
import type { Check } from './types.js';

const REMEDIATION =
  'Set "log-driver": "local" in /etc/docker/daemon.json (it rotates by default), or json-file with "log-opts": {"max-size": "10m", "max-file": "3"}, and restart the engine; containers keep the settings they were created with until recreated (' + cite('Set up default logging driver') + ').';

export const productionLogDriver: Check = {
  id: 'production.log-driver',
  title: 'Default logging driver',
  needs: ['daemonConfig'],
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
    const options = daemon.logOpts ?? {};
    const details = {
      driver,
      configuredDriver: daemon.logDriver ?? null,
      runningDriver: running ?? null,
      maxSize: options['max-size'] ?? null,
      maxFile: options['max-file'] ?? null,
      daemonJsonFound: daemon.found,
    };
    const pending = running && daemon.logDriver && running !== daemon.logDriver ? `; the engine still runs with "${running}" until it restarts` : '';
    const subject = daemon.path;
    if (driver === 'local') {
      return [{ subject, status: 'ok', message: `default driver "local" rotates ${options['max-size'] ? `at ${options['max-size']}` : 'by default'}${pending}`, details }];
    }
    if (driver !== 'json-file') {
      return [{ subject, status: 'ok', message: `default driver "${driver}" keeps no growing files the engine owns${pending}`, details }];
    }
    if (options['max-size']) {
      return [{ subject, status: 'ok', message: `default driver "json-file" rotates at ${options['max-size']}, keeping ${options['max-file'] ?? '1'} file(s)${pending}`, details }];
    }
    const where = daemon.logDriver ? `${daemon.path} sets` : 'the engine defaults to';
    return [{
      subject,
      status: 'warning',
      message: `${where} "json-file" without max-size${options['max-file'] ? ' (max-file alone does not rotate)' : ''}: every container's log grows until the disk is full${pending}`,
      details,
      remediation: REMEDIATION,
    }];
  },
};
