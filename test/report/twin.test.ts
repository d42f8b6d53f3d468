import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/settings.js';
import { buildReport } from '../../src/report/build.js';
import { TWIN_HEALTH_MAX_BYTES, twinHealth, twinKey } from '../../src/report/twin.js';
import { container, logFiles, snapshot } from '../support/snapshot-builder.js';

/** A host in trouble: many containers, each without limits and with a big unrotated log. */
function troubledReport(containers: number) {
  const list = Array.from({ length: containers }, (_, i) =>
    container({ name: `module-with-a-rather-long-name-${i}.example`, limits: { memoryBytes: 0, nanoCpus: 0 }, logConfig: { type: 'json-file', config: {} } }),
  );
  return buildReport(
    snapshot({ containers: list, containerLogs: list.map((c) => logFiles({ containerId: c.id, files: [{ name: 'x', sizeBytes: 5 * 1024 ** 3 }] })) }),
    defaultConfig(),
  );
}

/** Twin rules: no arrays anywhere, no `.`, `$` or space in property names, depth at most 10. */
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
    const health = twinHealth(troubledReport(2), 120, 3);
    expect(Object.keys(health.checks)).toContain('disk_space');
    expect(health.checks.containers_limits.id).toBe('containers.limits');
    expect(twinKey('a.b$c d')).toBe('a_b_c_d');
  });

  it('obeys the twin rules: no arrays, no forbidden characters in names', () => {
    expect(twinViolations(twinHealth(troubledReport(5), 120, 3))).toEqual([]);
  });

  it('lists the worst subjects first with their key numbers and counts the rest', () => {
    const health = twinHealth(troubledReport(5), 120, 3);
    const logs = health.checks.logs_size;
    expect(Object.keys(logs.worst)).toEqual(['1', '2', '3']);
    expect(logs.worst['1'].status).toBe('error');
    expect(logs.worst['1'].numbers.sizeBytes).toBe(5 * 1024 ** 3);
    expect(logs.more).toBe(6 - 3);
  });

  it('stays under its budget with 200 containers, shedding subjects rather than checks', () => {
    const report = troubledReport(200);
    const health = twinHealth(report, 120, 20);
    expect(Buffer.byteLength(JSON.stringify(health))).toBeLessThanOrEqual(TWIN_HEALTH_MAX_BYTES);
    expect(Object.keys(health.checks)).toHaveLength(report.checks.length);
    expect(health.checks.containers_limits.counts.warning).toBe(200);
    expect(health.checks.containers_limits.more).toBeGreaterThan(150);
  });
});
