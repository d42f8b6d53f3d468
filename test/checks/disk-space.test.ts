import { describe, expect, it } from 'vitest';
import { diskSpace } from '../../src/checks/disk-space.js';
import type { Finding } from '../../src/checks/types.js';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import type { FilesystemInfo, FilesystemScan } from '../../src/snapshot.js';
import { GiB, filesystem, snapshot } from '../support/snapshot-builder.js';

function run(scan: Partial<FilesystemScan>, config: Config = defaultConfig()): Finding[] {
  return diskSpace.run(snapshot({ filesystems: { filesystems: [], unreadable: [], notMounted: [], ...scan } }), config);
}

/** A filesystem of 1000 bytes with this many free. */
function withFree(availableBytes: number, overrides: Partial<FilesystemInfo> = {}): FilesystemInfo {
  return filesystem({ sizeBytes: 1000, availableBytes, ...overrides });
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0];
}

describe('disk.space', () => {
  it('reads the filesystems source', () => {
    expect(diskSpace.id).toBe('disk.space');
    expect(diskSpace.needs).toContain('filesystems');
  });

  it('half a disk free is ok, with no remediation', () => {
    const result = only(run({ filesystems: [filesystem({ sizeBytes: 100 * GiB, availableBytes: 50 * GiB })] }));
    expect(result.status).toBe('ok');
    expect(result.subject).toBe('/');
    expect(result.details).toMatchObject({ freePercent: 50, sizeBytes: 100 * GiB, freeBytes: 50 * GiB });
    expect(result.remediation).toBeUndefined();
  });

  it('exactly 20% free is ok (the warning floor is exclusive)', () => {
    expect(only(run({ filesystems: [withFree(200)] })).status).toBe('ok');
  });

  it('19.9% free is a warning that names the floor and says how to fix it', () => {
    const result = only(run({ filesystems: [withFree(199)] }));
    expect(result.status).toBe('warning');
    expect(result.message).toContain('19.9%');
    expect(result.message).toContain('20%');
    expect(result.remediation).toBeTruthy();
    expect(result.details).toMatchObject({ freePercent: 19.9, warnBelowPercent: 20, errorBelowPercent: 10 });
  });

  it('exactly 10% free is still a warning, not an error', () => {
    expect(only(run({ filesystems: [withFree(100)] })).status).toBe('warning');
  });

  it('below 10% free is an error with remediation', () => {
    const result = only(run({ filesystems: [withFree(99)] }));
    expect(result.status).toBe('error');
    expect(result.message).toContain('10%');
    expect(result.remediation).toBeTruthy();
  });

  it('a full disk is an error', () => {
    expect(only(run({ filesystems: [withFree(0)] })).status).toBe('error');
  });

  it('takes the warning floor from config', () => {
    const fs = withFree(250);
    expect(only(run({ filesystems: [fs] })).status).toBe('ok');
    const result = only(run({ filesystems: [fs] }, { ...defaultConfig(), diskFreeWarnPercent: 30 }));
    expect(result.status).toBe('warning');
    expect(result.details).toMatchObject({ warnBelowPercent: 30 });
  });

  it('takes the error floor from config', () => {
    const fs = withFree(120);
    expect(only(run({ filesystems: [fs] })).status).toBe('warning');
    expect(only(run({ filesystems: [fs] }, { ...defaultConfig(), diskFreeErrorPercent: 15 })).status).toBe('error');
  });

  it('ignores the inode thresholds', () => {
    const config = { ...defaultConfig(), inodesFreeWarnPercent: 90, inodesFreeErrorPercent: 80 };
    expect(only(run({ filesystems: [withFree(500)] }, config)).status).toBe('ok');
  });

  it('judges each filesystem on its own', () => {
    const findings = run({
      filesystems: [withFree(500, { path: '/' }), withFree(50, { path: '/var/lib/docker' })],
    });
    expect(findings.map((f) => [f.subject, f.status])).toEqual([
      ['/', 'ok'],
      ['/var/lib/docker', 'error'],
    ]);
  });

  it('a filesystem that reports no size is skipped, not judged', () => {
    const result = only(run({ filesystems: [filesystem({ type: 'overlay', sizeBytes: 0, availableBytes: 0 })] }));
    expect(result.status).toBe('skipped');
    expect(result.message).toContain('overlay');
  });

  it('an unreadable watched path is a warning naming the path and the reason', () => {
    const findings = run({
      filesystems: [filesystem()],
      unreadable: [{ path: '/data/edge', role: 'configured', error: 'ENOENT: no such file or directory' }],
    });
    expect(findings).toHaveLength(2);
    const result = findings.find((f) => f.subject === '/data/edge');
    expect(result?.status).toBe('warning');
    expect(result?.message).toContain('ENOENT');
    expect(result?.message).toContain('configured');
    expect(result?.remediation).toBeTruthy();
  });

  it('every readable watched path gives no unreadable warning', () => {
    expect(run({ filesystems: [filesystem()] }).some((f) => f.status === 'warning')).toBe(false);
  });

  it('a snapshot without a filesystem scan gives no findings', () => {
    expect(diskSpace.run(snapshot({ filesystems: null }), defaultConfig())).toEqual([]);
  });
});

describe('disk.space for a path the host does not show the agent', () => {
  it('is skipped, saying how to mount it under the snapshot\'s host root, rather than measuring the container', () => {
    const scan = { filesystems: [], unreadable: [], notMounted: [{ path: '/', role: 'root' as const }, { path: '/srv', role: 'configured' as const }] };
    const findings = diskSpace.run(snapshot({ hostRoot: '/mnt/host', filesystems: scan }), defaultConfig());
    expect(findings).toEqual([
      expect.objectContaining({ subject: '/', status: 'skipped', message: expect.stringContaining('"/:/mnt/host:ro"'), details: { role: 'root' } }),
      expect.objectContaining({ subject: '/srv', status: 'skipped', message: expect.stringContaining('"/srv:/mnt/host/srv:ro"') }),
    ]);
  });
});
