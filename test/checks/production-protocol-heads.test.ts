import { describe, expect, it } from 'vitest';
import { productionProtocolHeads } from '../../src/checks/production-protocol-heads.js';
import { defaultConfig } from '../../src/config/settings.js';
import { GiB, container, dockerEngine, edgeHub, snapshot } from '../support/snapshot-builder.js';

const run = (hub: ReturnType<typeof edgeHub>, memTotalBytes: number) =>
  productionProtocolHeads.run(snapshot({ containers: [hub], docker: dockerEngine({ memTotalBytes }) }), defaultConfig());

describe('production.protocol-heads', () => {
  it('gives an informational warning when all three heads are on on a constrained host', () => {
    const [finding] = run(edgeHub(), GiB);
    expect(finding).toMatchObject({ status: 'warning', details: { enabledHeads: ['AMQP', 'MQTT', 'HTTP'], constrained: true } });
    expect(finding.message).toBe('all three protocol heads are enabled with 1 GiB of host memory, below 2 GiB');
    expect(finding.remediation).toContain('"Disable unused protocols"');
  });

  it('is ok once any head is turned off, or on a host that is not constrained', () => {
    const trimmed = edgeHub({ env: { httpSettings__enabled: 'false', AMQPSETTINGS__ENABLED: 'False' } });
    expect(run(trimmed, GiB)[0]).toMatchObject({ status: 'ok', message: 'protocol heads enabled: MQTT', details: { enabledHeads: ['MQTT'] } });
    expect(run(edgeHub(), 8 * GiB)[0]).toMatchObject({ status: 'ok', message: 'protocol heads enabled: AMQP, MQTT, HTTP' });
  });

  it('is skipped without edgeHub', () => {
    expect(productionProtocolHeads.run(snapshot({ containers: [container()] }), defaultConfig())[0].status).toBe('skipped');
  });
});
