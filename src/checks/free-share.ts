// disk.space and disk.inodes judge the same thing, a free share of a filesystem, against a warning and an error floor.
import type { FilesystemInfo, Snapshot } from '../snapshot.js';
import type { Finding, Status } from './types.js';

export interface FreeShareRule {
  /** What is counted, for messages: "space" or "inodes". */
  noun: string;
  total(fs: FilesystemInfo): number;
  free(fs: FilesystemInfo): number;
  describe(free: number, total: number): string;
  details(fs: FilesystemInfo): Record<string, unknown>;
  warnPercent: number;
  errorPercent: number;
  remediation: string;
}

export function judgeFreeShare(snapshot: Snapshot, rule: FreeShareRule): Finding[] {
  const scan = snapshot.filesystems;
  if (!scan) return [];
  const findings: Finding[] = scan.filesystems.map((fs) => {
    const total = rule.total(fs);
    const details = { ...rule.details(fs), paths: fs.watchedPaths, mount: fs.mount, device: fs.device, type: fs.type };
    if (total === 0) {
      return { subject: fs.path, status: 'skipped', message: `${fs.type ?? 'this filesystem'} does not report ${rule.noun}`, details };
    }
    const free = rule.free(fs);
    const freePercent = round((free / total) * 100);
    const status: Status = freePercent < rule.errorPercent ? 'error' : freePercent < rule.warnPercent ? 'warning' : 'ok';
    const floor = status === 'error' ? rule.errorPercent : rule.warnPercent;
    const message =
      status === 'ok'
        ? `${freePercent}% ${rule.noun} free (${rule.describe(free, total)})`
        : `only ${freePercent}% ${rule.noun} free, below ${floor}% (${rule.describe(free, total)})`;
    return {
      subject: fs.path,
      status,
      message,
      details: { ...details, freePercent, warnBelowPercent: rule.warnPercent, errorBelowPercent: rule.errorPercent },
      ...(status === 'ok' ? {} : { remediation: rule.remediation }),
    };
  });
  // Only under a host root is anything not mounted; the bind to suggest is into that root.
  const root = snapshot.hostRoot;
  for (const { path, role } of scan.notMounted) {
    findings.push({
      subject: path,
      status: 'skipped',
      message: `the host's ${path} is not mounted into the agent, so it cannot be measured: bind it read-only under the host root (${role === 'root' ? `e.g. "/:${root}:ro"` : `"${path}:${root}${path}:ro"`}) to watch it`,
      details: { role },
    });
  }
  for (const { path, role, error } of scan.unreadable) {
    findings.push({
      subject: path,
      status: 'warning',
      message: `cannot read this ${role === 'configured' ? 'configured ' : ''}path: ${error}`,
      details: { role, error },
      remediation: 'Check the path exists on the host and is mounted into the agent (read-only) under the host root.',
    });
  }
  return findings;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
