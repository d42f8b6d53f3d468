import { describe, expect, it } from 'vitest';
import { productionHubMemory } from '../../src/checks/production-hub-memory.js';
import { defaultConfig } from '../../src/config/settings.js';
import { GiB, MiB, container, dockerEngine, edgeHub, snapshot } from '../support/snapshot-builder.js';

const run = (hub: ReturnType<typeof edgeHub>, memTotalBytes: number, constrainedMemoryBytes = 2 * GiB) =>
  productionHubMemory.run(snapshot({ containers: [hub], docker: dockerEngine({ memTotalBytes }) }), { ...defaultConfig(), constrainedMemoryBytes });

describe('production.hub-memory', () => {
  it('gives an informational warning when OptimizeForPerformance is left on on a constrained host', () => {
    const [finding] = run(edgeHub(), 926 * MiB);
    expect(finding).toMatchObject({
      subject: 'edgeHub',
      status: 'warning',
      message: 'OptimizeForPerformance is on (the default) with 926 MiB of host memory, below 2 GiB',
      details: { optimizeForPerformance: true, setExplicitly: false, memoryBytes: 926 * MiB, constrained: true, constrainedBelowBytes: 2 * GiB },
    });
    expect(finding.remediation).toContain('"Don\'t optimize for performance on constrained devices"');
    expect(run(edgeHub({ env: { OptimizeForPerformance: 'True' } }), GiB)[0].status).toBe('warning');
  });

  it('is ok when it is off, or the host is not constrained', () => {
    expect(run(edgeHub({ env: { OptimizeForPerformance: 'false' } }), GiB)[0]).toMatchObject({ status: 'ok', message: 'OptimizeForPerformance is off, with 1 GiB of host memory' });
    expect(run(edgeHub(), 8 * GiB)[0].status).toBe('ok');
    expect(run(edgeHub(), 8 * GiB, 16 * GiB)[0].status).toBe('warning');
  });

  it('is skipped without edgeHub', () => {
    expect(productionHubMemory.run(snapshot({ containers: [container()] }), defaultConfig())[0].status).toBe('skipped');
  });
});
