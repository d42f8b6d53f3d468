import { describe, expect, it } from 'vitest';
import { productionEdgeCa } from '../../src/checks/production-edge-ca.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { EdgeCaConfig, IotEdgeConfig } from '../../src/snapshot.js';
import { iotedgeConfig, snapshot } from '../support/snapshot-builder.js';

const run = (config: IotEdgeConfig) => productionEdgeCa.run(snapshot({ iotedgeConfig: config }), defaultConfig());
const withEdgeCa = (edgeCa: Partial<EdgeCaConfig>) => iotedgeConfig({ edgeCa: { ...iotedgeConfig().edgeCa, ...edgeCa } });

describe('production.edge-ca', () => {
  it('warns about the quickstart edge CA, citing the checklist', () => {
    const [finding] = run(withEdgeCa({ source: 'quickstart', certPath: null, quickstartExpiryDays: 90 }));
    expect(finding).toMatchObject({ subject: 'edge CA', status: 'warning', message: expect.stringContaining('quickstart edge CA') });
    expect(finding.remediation).toContain('"Install production certificates"');
    expect(run(withEdgeCa({ source: 'quickstart', method: 'self_signed' }))[0].status).toBe('warning');
  });

  it('is ok with an edge CA from files or issued over EST', () => {
    expect(run(iotedgeConfig())[0]).toMatchObject({ status: 'ok', message: 'edge CA from your own files (/var/aziot/certs/edge-ca.pem)' });
    expect(run(withEdgeCa({ source: 'issued', method: 'est', certPath: null }))[0]).toMatchObject({ status: 'ok', message: 'edge CA issued by an EST server' });
  });

  it('is skipped without config.toml', () => {
    expect(run({ path: '/etc/aziot/config.toml', found: false })[0].status).toBe('skipped');
  });
});
