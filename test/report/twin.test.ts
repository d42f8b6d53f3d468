import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry.js';
import { defaultConfig } from '../../src/config/settings.js';
import { checkedReport } from '../support/report.js';
import { TWIN_HEALTH_MAX_BYTES, TWIN_REFRESH_MS, twinHealth, twinKey } from '../../src/report/twin.js';
import { GiB, container, filesystem, logFiles, snapshot } from '../support/snapshot-builder.js';

/** A host in trouble: many containers, each without limits and with a big unrotated log. */
function troubledReport(containers: number) {
  const list = Array.from({ length: containers }, (_, i) =>
    container({ name: `module-with-a-rather-long-name-${i}.example`, limits: { memoryBytes: 0, nanoCpus: 0 }, logConfig: { type: 'json-file', config: {} } }),
  );
  return checkedReport(
    snapshot({ containers: list, containerLogs: list.map((c) => logFiles({ containerId: c.id, files: [{ name: 'x', sizeBytes: 5 * 1024 ** 3 }] })) }),
    defaultConfig(),
  );
}

/** The twin's rules (no `.`, `$` or space in property names, depth at most 10) and ours: no arrays, which a patch replaces whole. */
function twinViolations(value: unknown, path = 'health', depth = 1): string[] {
  if (Array.isArray(value)) return [`${path} is an array`];
  if (typeof value !== 'object' || value === null) return [];
  if (depth > 10) return [`${path} is deeper than 10`];
  return Object.entries(value).flatMap(([key, inner]) => [
    ...(/[.$ ]/.test(key) ? [`${path}.${key} has a forbidden character`] : []),
    ...twinViolations(inner, `${path}.${key}`, depth + 1),
  ]);
}

describe('twin health', () => {
  it('keys checks by twin-safe names and keeps the stable id as a value', () => {
    const health = twinHealth(troubledReport(2), 3);
    expect(Object.keys(health.checks)).toContain('disk_space');
    expect(health.checks.containers_limits.id).toBe('containers.limits');
    expect(twinKey('a.b$c d')).toBe('a_b_c_d');
  });

  it('obeys the twin rules and keeps no arrays', () => {
    expect(twinViolations(twinHealth(troubledReport(5), 3))).toEqual([]);
  });

  it('lists the worst subjects first with their key numbers and counts the rest', () => {
    const health = twinHealth(troubledReport(5), 3);
    const logs = health.checks.logs_size;
    expect(Object.keys(logs.worst)).toEqual(['1', '2', '3']);
    expect(logs.worst['1'].status).toBe('error');
    expect(logs.worst['1'].numbers.sizeBytes).toBe(5 * 1024 ** 3);
    expect(logs.more).toBe(6 - 3);
  });

  it('carries exactly the numbers each check declares for the twin, in its order, not its thresholds', () => {
    const disk = twinHealth(hostReport(50 * GiB, at(0)), 3).checks.disk_space.worst['1'].numbers;
    expect(Object.keys(disk)).toEqual(['freePercent', 'freeBytes', 'sizeBytes']);
    const health = twinHealth(troubledReport(2), 3);
    // Those not known this cycle (no stats: memory used, no CPU limit) are left out.
    expect(health.checks.containers_limits.worst['1'].numbers).toEqual({ memoryLimitBytes: 0, restartCount: 0 });
    for (const check of Object.values(health.checks)) {
      const declared = CHECKS.find((c) => c.id === check.id)?.twinNumbers ?? [];
      for (const s of Object.values(check.worst)) expect(declared.filter((key) => key in s.numbers)).toEqual(Object.keys(s.numbers));
    }
  });

  it('stays under its budget with 200 containers, shedding subjects rather than checks', () => {
    const report = troubledReport(200);
    const health = twinHealth(report, 20);
    expect(Buffer.byteLength(JSON.stringify(health))).toBeLessThanOrEqual(TWIN_HEALTH_MAX_BYTES);
    expect(Object.keys(health.checks)).toHaveLength(report.checks.length);
    expect(health.checks.containers_limits.counts.warning).toBe(200);
    expect(health.checks.containers_limits.more).toBeGreaterThan(150);
  });

  it('stays under its budget even when one subject alone is over it, counting every subject it left out', () => {
    const report = checkedReport(snapshot({ containers: [container({ name: 'x'.repeat(2 * TWIN_HEALTH_MAX_BYTES), limits: { memoryBytes: 0 } })] }), defaultConfig());
    const health = twinHealth(report, 3);
    expect(Buffer.byteLength(JSON.stringify(health))).toBeLessThanOrEqual(TWIN_HEALTH_MAX_BYTES);
    expect(Object.keys(health.checks)).toHaveLength(report.checks.length);
    for (const check of Object.values(health.checks)) {
      expect(Object.keys(check.worst).length + check.more).toBe(report.results.filter((r) => r.id === check.id).length);
    }
  });
});

/** A host whose free space drifts between cycles; below 20 % free disk.space is a warning. */
function hostReport(availableBytes: number, collectedAt: string, extra: Parameters<typeof snapshot>[0] = {}) {
  return checkedReport(snapshot({ collectedAt, filesystems: { filesystems: [filesystem({ availableBytes })], unreadable: [], notMounted: [] }, ...extra }), defaultConfig());
}
const at = (minutes: number) => new Date(Date.parse('2024-05-01T12:00:00.000Z') + minutes * 60_000).toISOString();

describe('twin health over cycles', () => {
  it('stays exactly as reported while only messages and numbers drift, so no patch goes out', () => {
    const first = twinHealth(hostReport(50 * GiB, at(0)), 3);
    const later = twinHealth(hostReport(49 * GiB, at(5)), 3, first);
    expect(later).toBe(first);
    expect(first.checks.disk_space.worst['1'].numbers.freeBytes).toBe(50 * GiB);
    expect(first).toMatchObject({ since: at(0), asOf: at(0) });
  });

  it('refreshes messages and numbers once a day without a change, keeping when the findings began', () => {
    const first = twinHealth(hostReport(50 * GiB, at(0)), 3);
    const dayLater = at(TWIN_REFRESH_MS / 60_000);
    const refreshed = twinHealth(hostReport(49 * GiB, dayLater), 3, twinHealth(hostReport(49.5 * GiB, at(60)), 3, first));
    expect(refreshed).toMatchObject({ since: at(0), asOf: dayLater });
    expect(refreshed.checks.disk_space.worst['1'].numbers.freeBytes).toBe(49 * GiB);
  });

  it('reports a status change at once, with its messages and numbers', () => {
    const first = twinHealth(hostReport(50 * GiB, at(0)), 3);
    const low = twinHealth(hostReport(15 * GiB, at(5)), 3, first);
    expect(low).toMatchObject({ status: 'warning', since: at(5), asOf: at(5) });
    expect(low.checks.disk_space.worst['1']).toMatchObject({ status: 'warning', numbers: { freeBytes: 15 * GiB } });
    expect(twinHealth(hostReport(50 * GiB, at(10)), 3, low)).toMatchObject({ status: 'ok', since: at(10) });
  });

  it('reports a new subject or a changed count even when every status stays the same', () => {
    const one = { containers: [container({ name: 'a' })] };
    const two = { containers: [container({ name: 'a' }), container({ name: 'b' })] };
    const first = twinHealth(hostReport(50 * GiB, at(0), one), 3);
    const more = twinHealth(hostReport(50 * GiB, at(5), two), 3, first);
    expect(more.since).toBe(at(5));
    expect(Object.values(more.checks.containers_limits.worst).map((s) => s.subject)).toEqual(['a', 'b']);
    const renamed = twinHealth(hostReport(50 * GiB, at(10), { containers: [container({ name: 'c' }), container({ name: 'b' })] }), 3, more);
    expect(renamed.since).toBe(at(10));
  });

  it('lists subjects of one status by name, so the engine listing them in another order is no change', () => {
    const first = twinHealth(hostReport(50 * GiB, at(0), { containers: [container({ name: 'b' }), container({ name: 'a' })] }), 3);
    expect(Object.values(first.checks.containers_limits.worst).map((s) => s.subject)).toEqual(['a', 'b']);
    expect(twinHealth(hostReport(50 * GiB, at(5), { containers: [container({ name: 'a' }), container({ name: 'b' })] }), 3, first)).toBe(first);
  });

  it('refreshes when the clock went backwards instead of holding the old state until it catches up', () => {
    const first = twinHealth(hostReport(50 * GiB, at(60)), 3);
    expect(twinHealth(hostReport(49 * GiB, at(0)), 3, first)).toMatchObject({ since: at(60), asOf: at(0) });
  });
});
