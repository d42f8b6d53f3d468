import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/types.js';
import { volumesUnused } from '../../src/checks/volumes-unused.js';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import type { VolumeInfo } from '../../src/snapshot.js';
import { GiB, MiB, snapshot, volume } from '../support/snapshot-builder.js';

function run(volumes: VolumeInfo[], config: Partial<Config> = {}): Finding[] {
  return volumesUnused.run(snapshot({ volumes }), { ...defaultConfig(), ...config });
}

function statusOf(findings: Finding[], subject: string): string | undefined {
  return findings.find((f) => f.subject === subject)?.status;
}

describe('volumes.unused', () => {
  it('reads the volumes source', () => {
    expect(volumesUnused.id).toBe('volumes.unused');
    expect(volumesUnused.needs).toContain('volumes');
  });

  it('volumes that are all in use give one ok result', () => {
    const findings = run([volume({ name: 'a', usedBy: ['mod'], sizeBytes: 50 * GiB }), volume({ name: 'b', usedBy: ['x', 'y'] })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ subject: 'volumes', status: 'ok', details: { volumeCount: 2 } });
  });

  it('no volumes at all is ok', () => {
    expect(run([])).toMatchObject([{ status: 'ok' }]);
  });

  it('unused volumes within the threshold are listed as ok', () => {
    const findings = run([volume({ name: 'old', sizeBytes: 100 * MiB })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ subject: 'old', status: 'ok', details: { removableBytes: 100 * MiB, protected: false } });
  });

  it('unused volumes totalling exactly the threshold are ok', () => {
    expect(run([volume({ name: 'old', sizeBytes: 1 * GiB })])[0].status).toBe('ok');
  });

  it('unused volumes over the threshold are warnings with remediation', () => {
    const findings = run([volume({ name: 'old', sizeBytes: 1 * GiB + 1 })]);
    expect(findings[0].status).toBe('warning');
    expect(findings[0].remediation).toBeTruthy();
    expect(findings[0].details).toMatchObject({ removableBytes: 1 * GiB + 1, warnAboveBytes: 1 * GiB });
  });

  it('the threshold applies to the total, not to each volume', () => {
    const findings = run([volume({ name: 'a', sizeBytes: 600 * MiB }), volume({ name: 'b', sizeBytes: 600 * MiB })]);
    expect(findings.map((f) => f.status)).toEqual(['warning', 'warning']);
    for (const f of findings) expect(f.remediation).toBeTruthy();
  });

  it('volumes in use do not count toward the unused total', () => {
    const findings = run([volume({ name: 'big', usedBy: ['db'], sizeBytes: 20 * GiB }), volume({ name: 'small', sizeBytes: 1 * MiB })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ subject: 'small', status: 'ok' });
  });

  it('takes the threshold from config', () => {
    const volumes = [volume({ name: 'old', sizeBytes: 200 * MiB })];
    expect(run(volumes)[0].status).toBe('ok');
    const findings = run(volumes, { unusedVolumesWarnBytes: 100 * MiB });
    expect(findings[0].status).toBe('warning');
    expect(findings[0].details).toMatchObject({ warnAboveBytes: 100 * MiB });
  });

  describe('protection', () => {
    it.each(['edgeHub', 'edgehub', 'EDGEAGENT', 'edgeAgent_data', 'edgeHubStore'])(
      '%s, an IoT Edge system module volume, is protected and never a warning',
      (name) => {
        const findings = run([volume({ name, sizeBytes: 10 * GiB })], { unusedVolumesWarnBytes: 0 });
        expect(findings).toHaveLength(1);
        expect(findings[0].status).toBe('ok');
        expect(findings[0].details).toMatchObject({ protected: true });
        expect(findings[0].details.protectedBecause).toMatch(/edgeAgent\/edgeHub/);
      },
    );

    it('a name that only contains "edgehub" later on is not a system volume', () => {
      const findings = run([volume({ name: 'my-edgehub-copy', sizeBytes: 2 * GiB })]);
      expect(findings[0].status).toBe('warning');
    });

    it('configured glob patterns protect matching names only', () => {
      const config = { protectedVolumes: ['keep-*', 'db?'], unusedVolumesWarnBytes: 0 };
      const findings = run(
        [
          volume({ name: 'keep-me', sizeBytes: 5 * GiB }),
          volume({ name: 'db1', sizeBytes: 5 * GiB }),
          volume({ name: 'db12', sizeBytes: 5 * GiB }),
          volume({ name: 'nokeep-me', sizeBytes: 5 * GiB }),
        ],
        config,
      );
      expect(statusOf(findings, 'keep-me')).toBe('ok');
      expect(statusOf(findings, 'db1')).toBe('ok');
      expect(statusOf(findings, 'db12')).toBe('warning');
      expect(statusOf(findings, 'nokeep-me')).toBe('warning');
      expect(findings.find((f) => f.subject === 'keep-me')?.details.protectedBecause).toContain('keep-*');
    });

    it('glob patterns treat regex characters literally', () => {
      const findings = run([volume({ name: 'aXb', sizeBytes: 5 * GiB })], { protectedVolumes: ['a.b'], unusedVolumesWarnBytes: 0 });
      expect(findings[0].status).toBe('warning');
    });

    it.each(['true', 'yes', '', '1'])('the protect label with value "%s" protects', (value) => {
      const findings = run([volume({ name: 'v', labels: { 'edge-health.protect': value }, sizeBytes: 5 * GiB })]);
      expect(findings[0].status).toBe('ok');
      expect(findings[0].details).toMatchObject({ protected: true });
    });

    it.each(['false', 'FALSE', 'False'])('the protect label with value "%s" does not protect', (value) => {
      const findings = run([volume({ name: 'v', labels: { 'edge-health.protect': value }, sizeBytes: 5 * GiB })]);
      expect(findings[0].status).toBe('warning');
      expect(findings[0].details).toMatchObject({ protected: false });
    });

    it('the protect label name comes from config', () => {
      const volumes = [volume({ name: 'v', labels: { 'acme.keep': 'true' }, sizeBytes: 5 * GiB })];
      expect(run(volumes)[0].status).toBe('warning');
      expect(run(volumes, { protectLabel: 'acme.keep' })[0].status).toBe('ok');
    });

    it('protected volumes do not count toward the unused total', () => {
      const findings = run([volume({ name: 'edgeHub', sizeBytes: 50 * GiB }), volume({ name: 'stale', sizeBytes: 1 * MiB })]);
      expect(findings.map((f) => f.status)).toEqual(['ok', 'ok']);
      expect(findings[1].details).toMatchObject({ removableCount: 1, removableBytes: 1 * MiB, unusedCount: 2 });
    });

    it('protected volumes stay ok while the unprotected ones warn', () => {
      const findings = run([volume({ name: 'edgeAgent', sizeBytes: 5 * GiB }), volume({ name: 'stale', sizeBytes: 2 * GiB })]);
      expect(statusOf(findings, 'edgeAgent')).toBe('ok');
      expect(statusOf(findings, 'stale')).toBe('warning');
    });
  });

  describe('unknown sizes', () => {
    it('when no size is known, nothing is a warning nor ok: skipped, saying why the size is unknown', () => {
      const findings = run([volume({ name: 'a', sizeBytes: null }), volume({ name: 'b', sizeBytes: null })], { unusedVolumesWarnBytes: 0 });
      expect(findings.map((f) => f.status)).toEqual(['skipped', 'skipped']);
      expect(findings[0].details).toMatchObject({ removableBytes: null, sizeBytes: null });
      expect(findings[0].message).toContain('size unknown');
    });

    it('a protected volume of unknown size does not hide a known excess', () => {
      const findings = run([volume({ name: 'edgeHub', sizeBytes: null }), volume({ name: 'stale', sizeBytes: 2 * GiB })]);
      expect(statusOf(findings, 'stale')).toBe('warning');
    });

    it('known sizes alone over the threshold are a warning even when another size is unknown', () => {
      // The unknown volume can only add to the total: 2 GiB known is already over 1 GiB.
      const findings = run([volume({ name: 'big', sizeBytes: 2 * GiB }), volume({ name: 'new', sizeBytes: null })]);
      expect(statusOf(findings, 'big')).toBe('warning');
    });

    it('known sizes within the threshold with another size unknown are not a warning; the unknown one is not ok', () => {
      const findings = run([volume({ name: 'small', sizeBytes: 1 * MiB }), volume({ name: 'new', sizeBytes: null })]);
      expect(findings.map((f) => f.status)).toEqual(['ok', 'skipped']);
    });
  });

  describe('agrees with prune', () => {
    const now = Date.parse('2024-05-01T12:00:00.000Z');
    const hoursAgo = (hours: number) => new Date(now - hours * 3_600_000).toISOString();

    it('says which volumes prune removes with the current settings and which it keeps yet, and why', () => {
      const volumes = [volume({ name: 'old', sizeBytes: 2 * GiB, createdAt: hoursAgo(48) }), volume({ name: 'fresh', sizeBytes: 2 * GiB, createdAt: hoursAgo(3) })];
      const findings = run(volumes);
      const old = findings.find((f) => f.subject === 'old');
      const fresh = findings.find((f) => f.subject === 'fresh');
      expect(old).toMatchObject({ status: 'warning', details: { pruneRemovesNow: true, pruneKeepsBecause: null } });
      expect(old?.message).toContain('prune removes it');
      expect(fresh).toMatchObject({ status: 'warning', details: { pruneRemovesNow: false } });
      expect(fresh?.message).toContain('prune keeps it: created 3.0 h ago, less than 24 h (olderThanHours)');
      expect(fresh?.remediation).toContain('--older-than-hours 0');
      // The same plan prune makes: with pruneOlderThanHours 0 both go.
      const anyAge = run(volumes, { pruneOlderThanHours: 0 });
      expect(anyAge.map((f) => f.details.pruneRemovesNow)).toEqual([true, true]);
    });

    it('does not warn about a volume that holds nothing, even when the others are over the threshold', () => {
      const findings = run([volume({ name: 'anon', anonymous: true, sizeBytes: 0 }), volume({ name: 'big', sizeBytes: 2 * GiB })]);
      expect(findings.find((f) => f.subject === 'anon')).toMatchObject({ status: 'ok', message: expect.stringContaining('empty (0 B)') });
      expect(statusOf(findings, 'big')).toBe('warning');
    });
  });
});
