import { describe, expect, it } from 'vitest';
import { diskInodes } from '../../src/checks/disk-inodes.js';
import type { Finding } from '../../src/checks/types.js';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import type { FilesystemInfo, FilesystemScan } from '../../src/snapshot.js';
import { filesystem, snapshot } from '../support/snapshot-builder.js';

function run(scan: Partial<FilesystemScan>, config: Config = defaultConfig()): Finding[] {
  return diskInodes.run(snapshot({ filesystems: { filesystems: [], unreadable: [], notMounted: [], ...scan } }), config);
}

/** A filesystem with 1000 inodes, this many free, and plenty of free space. */
function withFreeInodes(inodesFree: number, overrides: Partial<FilesystemInfo> = {}): FilesystemInfo {
  return filesystem({ inodesTotal: 1000, inodesFree, ...overrides });
}

function only(findings: Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0];
}

describe('disk.inodes', () => {
  it('reads the filesystems source', () => {
    expect(diskInodes.id).toBe('disk.inodes');
    expect(diskInodes.needs).toContain('filesystems');
  });

  it('plenty of free inodes is ok', () => {
    const result = only(run({ filesystems: [withFreeInodes(800)] }));
    expect(result.status).toBe('ok');
    expect(result.details).toMatchObject({ inodesTotal: 1000, inodesFree: 800, freePercent: 80 });
  });

  it('exactly 20% free inodes is ok', () => {
    expect(only(run({ filesystems: [withFreeInodes(200)] })).status).toBe('ok');
  });

  it('19.9% free inodes is a warning with remediation', () => {
    const result = only(run({ filesystems: [withFreeInodes(199)] }));
    expect(result.status).toBe('warning');
    expect(result.message).toContain('inodes');
    expect(result.remediation).toBeTruthy();
  });

  it('exactly 10% free inodes is a warning, below it an error', () => {
    expect(only(run({ filesystems: [withFreeInodes(100)] })).status).toBe('warning');
    const result = only(run({ filesystems: [withFreeInodes(99)] }));
    expect(result.status).toBe('error');
    expect(result.remediation).toBeTruthy();
  });

  it('runs out of inodes while the disk has space: still flagged', () => {
    const result = only(run({ filesystems: [withFreeInodes(5, { sizeBytes: 1000, availableBytes: 900 })] }));
    expect(result.status).toBe('error');
  });

  it('takes its floors from the inode settings, not the disk ones', () => {
    const fs = withFreeInodes(400);
    expect(only(run({ filesystems: [fs] })).status).toBe('ok');
    expect(only(run({ filesystems: [fs] }, { ...defaultConfig(), diskFreeWarnPercent: 50 })).status).toBe('ok');
    expect(only(run({ filesystems: [fs] }, { ...defaultConfig(), inodesFreeWarnPercent: 50 })).status).toBe('warning');
    expect(
      only(run({ filesystems: [fs] }, { ...defaultConfig(), inodesFreeWarnPercent: 60, inodesFreeErrorPercent: 50 })).status,
    ).toBe('error');
  });

  it('a filesystem that reports 0 inodes (btrfs, some overlays) is skipped', () => {
    const result = only(run({ filesystems: [filesystem({ type: 'btrfs', inodesTotal: 0, inodesFree: 0 })] }));
    expect(result.status).toBe('skipped');
    expect(result.message).toContain('btrfs');
    expect(result.message).toContain('inodes');
  });

  it('a filesystem of unknown type with 0 inodes is skipped too', () => {
    expect(only(run({ filesystems: [filesystem({ type: null, inodesTotal: 0, inodesFree: 0 })] })).status).toBe('skipped');
  });

  it('an unreadable watched path is a warning', () => {
    const findings = run({ unreadable: [{ path: '/var/lib/docker', role: 'dockerDataRoot', error: 'EACCES: permission denied' }] });
    const result = only(findings);
    expect(result.subject).toBe('/var/lib/docker');
    expect(result.status).toBe('warning');
    expect(result.message).toContain('EACCES');
    expect(result.remediation).toBeTruthy();
  });
});
