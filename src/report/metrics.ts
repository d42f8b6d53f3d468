// One cycle as Prometheus metrics, in the text exposition format (0.0.4) that metrics-collector and
// Prometheus scrape. Written here rather than with prom-client, which costs about 11 MiB of resident
// memory and a quarter of a second at start-up on devices that may have 1 GB: the format is small.
import type { Status } from '../checks/types.js';
import type { Snapshot } from '../snapshot.js';
import { AGENT_VERSION } from '../version.js';
import type { Report } from './build.js';

export interface MetricsCycle {
  snapshot: Snapshot;
  report: Report;
  durationMs: number;
}

export type Labels = Record<string, string>;

export interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: { labels: Labels; value: number }[];
}

/** Most series one family may have, so a host with thousands of containers cannot flood a scrape. */
export const MAX_SERIES_PER_FAMILY = 200;

const STATUS_VALUES: Partial<Record<Status, number>> = { ok: 0, warning: 1, error: 2 };

const gauge = (name: string, help: string, samples: Family['samples']): Family => ({ name, help, type: 'gauge', samples });

/** Every family one cycle shows; without a cycle yet, only what the agent knows of itself. */
export function cycleFamilies(cycle: MetricsCycle | undefined): Family[] {
  const build = gauge('edge_health_build_info', 'The agent\'s version and Node.js runtime; always 1.', [
    { labels: { version: AGENT_VERSION, nodejs_version: process.versions.node }, value: 1 },
  ]);
  if (!cycle) return [build];
  const { snapshot, report } = cycle;
  return [
    build,
    gauge('edge_health_last_success_timestamp_seconds', 'When the last finished check cycle collected its data, in unix seconds.', [
      { labels: {}, value: unixSeconds(snapshot.collectedAt) },
    ]),
    gauge('edge_health_cycle_duration_seconds', 'How long the last check cycle took.', [{ labels: {}, value: cycle.durationMs / 1000 }]),
    gauge('edge_health_source_success', 'Whether a source was collected in the last cycle (1) or failed (0).',
      Object.entries(snapshot.sources).map(([source, status]) => ({ labels: { source }, value: status.ok ? 1 : 0 }))),
    gauge('edge_health_check_status', 'Each check result of the last cycle: 0 ok, 1 warning, 2 error (skipped results are left out).',
      report.results.flatMap((r) => (STATUS_VALUES[r.status] === undefined ? [] : [{ labels: { check: r.id, subject: r.subject }, value: STATUS_VALUES[r.status] as number }]))),
    ...filesystemFamilies(snapshot, report),
    ...volumeFamilies(snapshot),
    ...containerFamilies(snapshot),
    gauge('x509_cert_not_after', 'When a certificate IoT Edge relies on expires, in unix seconds (x509-certificate-exporter\'s name and labels).',
      (snapshot.certificates?.certificates ?? []).map((c) => ({
        labels: { filepath: c.source, subject_CN: commonName(c.subject), issuer_CN: commonName(c.issuer), serial_number: c.serial, role: c.role },
        value: unixSeconds(c.notAfter),
      }))),
  ];
}

function filesystemFamilies(snapshot: Snapshot, report: Report): Family[] {
  const filesystems = snapshot.filesystems?.filesystems ?? [];
  const labelsOf = (fs: (typeof filesystems)[number]): Labels => ({
    device: fs.device ?? '',
    fstype: fs.type ?? '',
    mountpoint: hostMountPoint(snapshot.hostRoot, fs.mount) ?? fs.path,
  });
  const each = (value: (fs: (typeof filesystems)[number]) => number) => filesystems.map((fs) => ({ labels: labelsOf(fs), value: value(fs) }));
  const fullAt = report.results.flatMap((r) => {
    const fs = filesystems.find((f) => f.path === r.subject);
    const days = r.details.daysToFull;
    return r.id === 'disk.forecast' && fs && typeof days === 'number' ? [{ labels: labelsOf(fs), value: Math.round(unixSeconds(report.collectedAt) + days * 86_400) }] : [];
  });
  return [
    gauge('edge_health_filesystem_size_bytes', 'Size of a watched filesystem (node exporter\'s labels).', each((fs) => fs.sizeBytes)),
    gauge('edge_health_filesystem_avail_bytes', 'Bytes of a watched filesystem available to unprivileged users.', each((fs) => fs.availableBytes)),
    gauge('edge_health_filesystem_files', 'Inodes of a watched filesystem.', each((fs) => fs.inodesTotal)),
    gauge('edge_health_filesystem_files_free', 'Free inodes of a watched filesystem.', each((fs) => fs.inodesFree)),
    gauge('edge_health_filesystem_full_timestamp_seconds', 'When a filesystem will be full at its recent fill rate (disk.forecast), in unix seconds; absent when it is not filling.', fullAt),
  ];
}

function volumeFamilies(snapshot: Snapshot): Family[] {
  if (!snapshot.volumes) return [];
  const unused = snapshot.volumes.filter((v) => v.usedBy.length === 0);
  const sized = unused.filter((v) => v.sizeBytes !== null);
  return [
    gauge('edge_health_volumes_unused', 'Docker volumes no container uses, protected ones included.', [{ labels: {}, value: unused.length }]),
    // Only when a size is known: zero would claim the volumes are empty.
    gauge('edge_health_volumes_unused_bytes', 'Bytes held by unused Docker volumes of known size.',
      sized.length > 0 ? [{ labels: {}, value: sized.reduce((sum, v) => sum + (v.sizeBytes as number), 0) }] : []),
  ];
}

function containerFamilies(snapshot: Snapshot): Family[] {
  const nameOf = new Map((snapshot.containers ?? []).map((c) => [c.id, c.name]));
  const labels = (id: string): Labels => ({ container: nameOf.get(id) ?? id.slice(0, 12) });
  return [
    gauge('edge_health_container_log_bytes', 'Bytes of a container\'s log files, rotated ones included.',
      (snapshot.containerLogs ?? []).filter((l) => !l.error).map((l) => ({ labels: labels(l.containerId), value: l.totalBytes }))),
    gauge('edge_health_container_memory_limit_bytes', 'A container\'s memory limit (HostConfig.Memory); absent when it has none.',
      (snapshot.containers ?? []).filter((c) => c.limits.memoryBytes > 0).map((c) => ({ labels: labels(c.id), value: c.limits.memoryBytes }))),
    gauge('edge_health_container_memory_usage_bytes', 'A running container\'s memory use without page cache, as docker stats shows it.',
      (snapshot.containerStats ?? []).map((s) => ({ labels: labels(s.containerId), value: s.memoryUsageBytes }))),
  ];
}

/** Families cut to `max` series each, and how many each lost. */
export function capFamilies(families: Family[], max = MAX_SERIES_PER_FAMILY): { families: Family[]; omitted: Record<string, number> } {
  const omitted: Record<string, number> = {};
  const capped = families.map((family) => {
    if (family.samples.length <= max) return family;
    omitted[family.name] = family.samples.length - max;
    return { ...family, samples: family.samples.slice(0, max) };
  });
  return { families: capped, omitted };
}

/** The counter of series left out by the caps, summed over the cycles served. */
export function omittedFamily(totals: Record<string, number>): Family {
  return {
    name: 'edge_health_metrics_series_omitted_total',
    help: `Series left out because a family reached ${MAX_SERIES_PER_FAMILY}, summed over cycles.`,
    type: 'counter',
    samples: Object.entries(totals).map(([family, value]) => ({ labels: { family }, value })),
  };
}

/** The text exposition format; `common` labels (IoT Edge's) go on every series. */
export function renderExposition(families: Family[], common: Labels): string {
  let text = '';
  for (const { name, help, type, samples } of families) {
    text += `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
    for (const { labels, value } of samples) text += `${name}${renderLabels({ ...common, ...labels })} ${renderValue(value)}\n`;
  }
  return text;
}

function renderLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

function renderValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

function unixSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

/** The CN of a distinguished name as the snapshot keeps it: "CN=edge ca, O=contoso". */
function commonName(dn: string): string {
  return /(?:^|,\s*)CN=([^,]*)/.exec(dn)?.[1]?.trim() ?? '';
}

/** A mount point as the host names it: under a host root, the part after it. */
function hostMountPoint(hostRoot: string, mount: string | null): string | null {
  if (mount === null || hostRoot === '') return mount;
  const root = hostRoot.replace(/\/+$/, '');
  if (mount === root) return '/';
  return mount.startsWith(`${root}/`) ? mount.slice(root.length) : mount;
}
