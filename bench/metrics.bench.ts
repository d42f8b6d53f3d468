// How long one scrape's text takes to render for a large host: 300 containers (capped at 200
// series a family), 300 volumes, 20 certificates. Pure: no engine needed. Run: npm run bench.
import { bench, describe } from 'vitest';
import { defaultConfig } from '../src/config/settings.js';
import { checkedReport } from '../test/support/report.js';
import { capFamilies, cycleFamilies, omittedFamily, renderExposition } from '../src/report/metrics.js';
import { certificate, container, filesystem, logFiles, snapshot, volume } from '../test/support/snapshot-builder.js';

const names = Array.from({ length: 300 }, (_, i) => `module-${i}`);
const host = snapshot({
  containers: names.map((name) => container({ name })),
  containerStats: names.map((name) => ({ containerId: `id-${name}`, memoryUsageBytes: 50e6, memoryLimitBytes: 64e6 })),
  containerLogs: names.map((name) => logFiles({ containerId: `id-${name}` })),
  volumes: names.map((name) => volume({ name: `${name}-data` })),
  filesystems: { filesystems: [filesystem(), filesystem({ path: '/var/lib/docker', mount: '/var/lib/docker', device: '/dev/sdb1' })], unreadable: [], notMounted: [] },
  certificates: { iotedgeEvidence: [], certificates: Array.from({ length: 20 }, (_, i) => certificate({ serial: String(i) })), unreadable: [] },
});
const cycle = { snapshot: host, report: checkedReport(host, defaultConfig()), durationMs: 500 };
const labels = { iothub: 'contoso.azure-devices.net', edge_device: 'gateway-7', instance_number: 'b2c4', module_name: 'edgeHealth' };

describe('metrics exposition, 300 containers and volumes', () => {
  bench('render one cycle', () => {
    const { families, omitted } = capFamilies(cycleFamilies(cycle));
    renderExposition([...families, omittedFamily(omitted)], labels);
  });
});
