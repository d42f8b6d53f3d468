import { describe, expect, it } from 'vitest';
import { productionDns } from '../../src/checks/production-dns.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { DaemonConfig } from '../../src/snapshot.js';
import { snapshot } from '../support/snapshot-builder.js';

const PATH = '/etc/docker/daemon.json';
const run = (daemonConfig: DaemonConfig, docker = snapshot().docker) => productionDns.run(snapshot({ daemonConfig, docker }), defaultConfig());

describe('production.dns', () => {
  it('is ok when daemon.json names DNS servers', () => {
    expect(run({ path: PATH, found: true, dns: ['1.1.1.1', '8.8.8.8'] })).toMatchObject([{ subject: PATH, status: 'ok', message: 'containers use DNS servers 1.1.1.1, 8.8.8.8' }]);
  });

  it('warns when daemon.json has no "dns", or an empty one, citing the checklist\'s networking section', () => {
    for (const daemon of [{ path: PATH, found: true, logDriver: 'local' }, { path: PATH, found: true, dns: [] }]) {
      const [finding] = run(daemon);
      expect(finding).toMatchObject({ status: 'warning', message: expect.stringMatching(/^\/etc\/docker\/daemon.json sets no "dns"/), details: { dnsServers: [] } });
      expect(finding.remediation).toContain('production checklist: "Networking" (https://learn.microsoft.com/azure/iot-edge/production-checklist#networking)');
    }
  });

  it('warns when there is no daemon.json, as iotedge check does', () => {
    expect(run({ path: PATH, found: false })[0]).toMatchObject({ status: 'warning', message: expect.stringMatching(/^there is no \/etc\/docker\/daemon.json/) });
  });

  it('is skipped with neither daemon.json nor an engine', () => {
    expect(run({ path: PATH, found: false }, null)[0].status).toBe('skipped');
  });
});
