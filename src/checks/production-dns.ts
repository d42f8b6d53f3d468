// iotedge check's container-engine-dns: without "dns" in daemon.json, containers take the host's
// resolvers, which on many devices are a local stub (127.0.0.53) that containers cannot reach.
import { cite } from './checklist.js';
import type { Check } from './types.js';

const REMEDIATION =
  'Set "dns": ["<your DNS server>", …] in /etc/docker/daemon.json (your network\'s servers, or public ones such as 1.1.1.1 and 8.8.8.8) and restart the engine (`sudo systemctl restart docker`) (' + cite('Networking') + ').';

export const productionDns: Check = {
  id: 'production.dns',
  title: 'DNS servers for containers',
  needs: ['daemonConfig'],
  twinNumbers: [],
  uses: ['docker'],
  settings: ['daemonConfigPath'],
  run(snapshot) {
    const daemon = snapshot.daemonConfig;
    if (!daemon) return [];
    const subject = daemon.path;
    if (!daemon.found && !snapshot.docker) {
      return [{ subject, status: 'skipped', message: `no ${daemon.path} and no Docker engine reachable: nothing to judge`, details: { daemonJsonFound: false } }];
    }
    const servers = daemon.dns ?? [];
    const details = { dnsServers: servers, daemonJsonFound: daemon.found };
    if (servers.length > 0) return [{ subject, status: 'ok', message: `containers use DNS servers ${servers.join(', ')}`, details }];
    const where = daemon.found ? `${daemon.path} sets no "dns"` : `there is no ${daemon.path}`;
    return [{
      subject,
      status: 'warning',
      message: `${where}: containers use the host's resolvers, which may not answer from inside a container, and lose IoT Hub when they do not`,
      details,
      remediation: REMEDIATION,
    }];
  },
};
