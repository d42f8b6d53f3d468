// The Prometheus exposition of one cycle, parsed back with a real parser of the text format.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/settings.js';
import { checkedReport } from '../support/report.js';
import { type Family, MAX_SERIES_PER_FAMILY, capFamilies, cycleFamilies, omittedFamily, renderExposition } from '../../src/report/metrics.js';
import type { Snapshot } from '../../src/snapshot.js';
import { parseExposition, seriesOf as samples } from '../support/prometheus.js';
import { COLLECTED_AT, GiB, MiB, certificate, container, filesystem, logFiles, snapshot, volume } from '../support/snapshot-builder.js';

const IOTEDGE = { iothub: 'contoso.azure-devices.net', edge_device: 'gateway-7', instance_number: 'b2c4', module_name: 'edgeHealth' };

function scrape(snap: Snapshot, common = IOTEDGE) {
  const report = checkedReport(snap, defaultConfig());
  return parseExposition(renderExposition(cycleFamilies({ snapshot: snap, report, durationMs: 1234 }), common));
}

describe('metrics of one cycle', () => {
  const host = snapshot({
    hostRoot: '/host',
    filesystems: { filesystems: [filesystem({ path: '/var/lib/docker', mount: '/host/var/lib/docker', device: '/dev/sdb1', type: 'xfs', availableBytes: 5 * GiB })], unreadable: [], notMounted: [] },
    containers: [container({ name: 'opcua', limits: { memoryBytes: 128 * MiB } }), container({ name: 'unlimited', limits: { memoryBytes: 0 } })],
    containerStats: [{ containerId: 'id-opcua', memoryUsageBytes: 100 * MiB, memoryLimitBytes: 128 * MiB }],
    containerLogs: [logFiles({ containerId: 'id-opcua', files: [{ name: 'a.log', sizeBytes: 3 * MiB }] })],
    volumes: [volume({ name: 'old', sizeBytes: 2 * GiB }), volume({ name: 'unsized', sizeBytes: null }), volume({ name: 'db', usedBy: ['historian'] })],
    certificates: { iotedgeEvidence: ['config.toml'], certificates: [certificate({ subject: 'CN=edge ca, O=contoso', issuer: 'CN=contoso root', serial: '0A', notAfter: '2025-05-01T12:00:00.000Z' })], unreadable: [] },
  });

  it('carries the IoT Edge labels on every series, and build info', () => {
    const families = scrape(host);
    for (const family of families.values()) for (const m of family.metrics) expect(m.labels, family.name).toMatchObject(IOTEDGE);
    expect(samples(families, 'edge_health_build_info')[0]).toMatchObject({ value: 1, labels: { version: expect.any(String), nodejs_version: process.versions.node } });
  });

  it('shows filesystems with node exporter\'s labels, the mount point as the host names it', () => {
    const families = scrape(host);
    const labels = { device: '/dev/sdb1', fstype: 'xfs', mountpoint: '/var/lib/docker' };
    expect(samples(families, 'edge_health_filesystem_size_bytes')).toEqual([{ labels: expect.objectContaining(labels), value: 100 * GiB }]);
    expect(samples(families, 'edge_health_filesystem_avail_bytes')[0].value).toBe(5 * GiB);
    expect(samples(families, 'edge_health_filesystem_files')[0].value).toBe(1_000_000);
    expect(samples(families, 'edge_health_filesystem_files_free')[0].value).toBe(500_000);
  });

  it('shows certificates as x509-certificate-exporter does, with their role', () => {
    const [cert] = samples(scrape(host), 'x509_cert_not_after');
    expect(cert).toEqual({
      labels: expect.objectContaining({ filepath: '/var/aziot/certs/edge-ca.pem', subject_CN: 'edge ca', issuer_CN: 'contoso root', serial_number: '0A', role: 'edge-ca' }),
      value: Date.parse('2025-05-01T12:00:00.000Z') / 1000,
    });
  });

  it('shows each judged result as 0 ok, 1 warning, 2 error, and leaves skipped ones out', () => {
    const families = scrape(host);
    const status = samples(families, 'edge_health_check_status');
    expect(status).toContainEqual({ labels: expect.objectContaining({ check: 'volumes.unused', subject: 'old' }), value: 1 });
    expect(status).toContainEqual({ labels: expect.objectContaining({ check: 'containers.limits', subject: 'unlimited' }), value: 1 });
    expect(status).toContainEqual({ labels: expect.objectContaining({ check: 'disk.space', subject: '/var/lib/docker' }), value: 2 });
    expect(status).toContainEqual({ labels: expect.objectContaining({ check: 'certs.expiry' }), value: 0 });
    expect(status.some((s) => s.labels.check === 'disk.forecast')).toBe(false);
  });

  it('counts unused volumes and the bytes of those of known size', () => {
    const families = scrape(host);
    expect(samples(families, 'edge_health_volumes_unused')[0].value).toBe(2);
    expect(samples(families, 'edge_health_volumes_unused_bytes')[0].value).toBe(2 * GiB);
  });

  it('shows container log bytes, memory limits where set, and memory use', () => {
    const families = scrape(host);
    expect(samples(families, 'edge_health_container_log_bytes')).toEqual([{ labels: expect.objectContaining({ container: 'opcua' }), value: 3 * MiB }]);
    expect(samples(families, 'edge_health_container_memory_limit_bytes').map((s) => s.labels.container)).toEqual(['opcua']);
    expect(samples(families, 'edge_health_container_memory_usage_bytes')[0].value).toBe(100 * MiB);
  });

  it('gives the disk-full forecast as a timestamp, the cycle\'s duration and time, and each source\'s success', () => {
    const everyHour = Array.from({ length: 6 }, (_, i) => ({ at: new Date(Date.parse(COLLECTED_AT) - (5 - i) * 3_600_000).toISOString(), availableBytes: (60 - i) * GiB }));
    const filling = snapshot({
      filesystems: { filesystems: [filesystem({ availableBytes: 55 * GiB })], unreadable: [], notMounted: [] },
      diskHistory: { file: null, filesystems: [{ path: '/', sizeBytes: 100 * GiB, samples: everyHour }] },
      volumes: null,
      sources: { volumes: { ok: false, error: 'engine down' } },
    });
    const families = scrape(filling);
    const [full] = samples(families, 'edge_health_filesystem_full_timestamp_seconds');
    // 1 GiB an hour with 55 GiB free: full 55 hours after the last sample.
    expect(full.labels).toMatchObject({ mountpoint: '/', device: '/dev/sda1' });
    expect(Math.abs(full.value - (Date.parse(COLLECTED_AT) / 1000 + 55 * 3600))).toBeLessThan(3600);
    expect(samples(families, 'edge_health_cycle_duration_seconds')[0].value).toBe(1.234);
    expect(samples(families, 'edge_health_last_success_timestamp_seconds')[0].value).toBe(Date.parse(COLLECTED_AT) / 1000);
    const sources = samples(families, 'edge_health_source_success');
    expect(sources.find((s) => s.labels.source === 'volumes')?.value).toBe(0);
    expect(sources.find((s) => s.labels.source === 'filesystems')?.value).toBe(1);
    expect(families.has('edge_health_volumes_unused')).toBe(false);
  });

  it('before the first cycle shows only build info, and labels only what is known', () => {
    const text = renderExposition(cycleFamilies(undefined), { instance_number: 'x' });
    expect([...parseExposition(text).keys()]).toEqual(['edge_health_build_info']);
    expect(text).not.toContain('iothub=');
  });
});

describe('the exposition format', () => {
  it('escapes label values and help text so any subject stays one well-formed line', () => {
    const family: Family = { name: 'edge_health_check_status', help: 'a \\ b\nc', type: 'gauge', samples: [{ labels: { subject: 'C:\\data "x"\nnext' }, value: 2 }] };
    const text = renderExposition([family], {});
    expect(text).toBe('# HELP edge_health_check_status a \\\\ b\\nc\n# TYPE edge_health_check_status gauge\nedge_health_check_status{subject="C:\\\\data \\"x\\"\\nnext"} 2\n');
    const [parsed] = parseExposition(text).values();
    expect(parsed.metrics[0].labels?.subject).toBe('C:\\data "x"\nnext');
  });

  it('caps each family and counts what it left out', () => {
    const many: Family = { name: 'edge_health_container_log_bytes', help: 'h', type: 'gauge', samples: Array.from({ length: MAX_SERIES_PER_FAMILY + 7 }, (_, i) => ({ labels: { container: `c${i}` }, value: i })) };
    const { families, omitted } = capFamilies([many]);
    expect(families[0].samples).toHaveLength(MAX_SERIES_PER_FAMILY);
    expect(omitted).toEqual({ edge_health_container_log_bytes: 7 });
    const counter = omittedFamily({ edge_health_container_log_bytes: 14 });
    const [parsed] = parseExposition(renderExposition([counter], {})).values();
    expect(parsed).toMatchObject({ name: 'edge_health_metrics_series_omitted_total', type: 'COUNTER', metrics: [{ value: '14', labels: { family: 'edge_health_container_log_bytes' } }] });
  });
});
