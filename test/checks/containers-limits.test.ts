import { describe, expect, it } from 'vitest';
import { containersLimits } from '../../src/checks/containers-limits.js';
import type { Finding } from '../../src/checks/types.js';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import type { ContainerStats } from '../../src/snapshot.js';
import { type ContainerOverrides, MiB, container, snapshot } from '../support/snapshot-builder.js';

type StatsExtras = Pick<ContainerStats, 'oomKillCount' | 'engineFallback'>;

function judge(overrides: ContainerOverrides = {}, options: { usageBytes?: number; stats?: StatsExtras; config?: Partial<Config> } = {}): Finding {
  const c = container({ name: 'mod', ...overrides });
  const stats: ContainerStats[] =
    options.usageBytes === undefined ? [] : [{ containerId: c.id, memoryUsageBytes: options.usageBytes, memoryLimitBytes: c.limits.memoryBytes, ...options.stats }];
  const findings = containersLimits.run(snapshot({ containers: [c], containerStats: stats }), { ...defaultConfig(), ...options.config });
  expect(findings).toHaveLength(1);
  expect(findings[0].subject).toBe('mod');
  return findings[0];
}

function expectFlagged(result: Finding, status: 'warning' | 'error', text: string | RegExp): void {
  expect(result.status).toBe(status);
  expect(result.message).toMatch(text);
  expect(result.remediation).toBeTruthy();
}

describe('containers.limits', () => {
  it('reads the containers source', () => {
    expect(containersLimits.id).toBe('containers.limits');
    expect(containersLimits.needs).toContain('containers');
  });

  it('a limited, stable, unprivileged container is ok', () => {
    const result = judge();
    expect(result.status).toBe('ok');
    expect(result.remediation).toBeUndefined();
    expect(result.details).toMatchObject({ memoryLimitBytes: 64 * MiB, cpuLimit: 0.5, privileged: false, oomKilled: false, restartCount: 0 });
  });

  describe('OOM kills', () => {
    it('an OOM-killed container is an error', () => {
      expectFlagged(judge({ state: { oomKilled: true, running: false, status: 'exited', exitCode: 137 } }), 'error', /OOM/);
    });

    it('says whether the container or only a process in it was killed, and asks to raise a limit only when there is one', () => {
      const child = judge({ state: { oomKilled: true, running: true }, limits: { memoryBytes: 64 * MiB } });
      expectFlagged(child, 'error', /a process in it was killed for lack of memory \(OOM, over its 64 MiB memory limit\); the container kept running/);
      expect(child.message).not.toContain('was killed for lack of memory (OOM, over its 64 MiB memory limit) and exited');
      expect(child.remediation).toContain('Raise its memory limit above the 64 MiB it has');
      const container = judge({ state: { oomKilled: true, running: false, status: 'exited', exitCode: 137 }, limits: { memoryBytes: 0 } });
      expectFlagged(container, 'error', /^was killed for lack of memory \(OOM, over the host's memory \(it has no limit\)\) and exited with code 137/);
      expect(container.remediation).toContain('It has no memory limit, so the host itself ran out of memory');
      expect(container.remediation).not.toContain('Raise its memory limit');
    });

    it('counts the kills in a running container from its cgroup, and counts them as OOM even without the engine\'s flag', () => {
      const flagged = judge({ state: { oomKilled: true, running: true } }, { usageBytes: 10 * MiB, stats: { oomKillCount: 3 } });
      expectFlagged(flagged, 'error', /^3 processes in it were killed for lack of memory/);
      expect(flagged.details).toMatchObject({ oomKilled: true, oomKillCount: 3 });
      const counted = judge({ state: { oomKilled: false, running: true } }, { usageBytes: 10 * MiB, stats: { oomKillCount: 1 } });
      expectFlagged(counted, 'error', /^a process in it was killed for lack of memory/);
      expect(judge({}, { usageBytes: 10 * MiB, stats: { oomKillCount: 0 } }).status).toBe('ok');
    });

    it('OOM outranks the warnings it comes with', () => {
      const result = judge({ state: { oomKilled: true }, privileged: true });
      expectFlagged(result, 'error', /OOM/);
      expect(result.message).toContain('privileged');
    });
  });

  describe('privileged', () => {
    it('a privileged container is a warning', () => {
      expectFlagged(judge({ privileged: true }), 'warning', /privileged/);
    });

    it('an unprivileged container is not flagged for it', () => {
      expect(judge({ privileged: false }).message).not.toContain('privileged');
    });
  });

  describe('restarts', () => {
    it('restarts at the warning count are a warning', () => {
      expectFlagged(judge({ restartCount: 5 }), 'warning', /restarted 5 times/);
    });

    it('restarts below the warning count are ok', () => {
      expect(judge({ restartCount: 4 }).status).toBe('ok');
    });

    it('takes the restart count from config', () => {
      expect(judge({ restartCount: 5 }, { config: { restartWarnCount: 10 } }).status).toBe('ok');
      expectFlagged(judge({ restartCount: 2 }, { config: { restartWarnCount: 2 } }), 'warning', /restarted 2 times/);
    });
  });

  describe('limits', () => {
    it('no memory limit is a warning', () => {
      const result = judge({ limits: { memoryBytes: 0 } });
      expectFlagged(result, 'warning', /no memory limit/);
      expect(result.message).not.toContain('no CPU limit');
    });

    it('no CPU limit (neither NanoCpus nor CpuQuota) is a warning', () => {
      const result = judge({ limits: { nanoCpus: 0, cpuQuota: 0 } });
      expectFlagged(result, 'warning', /no CPU limit/);
      expect(result.details).toMatchObject({ cpuLimit: null });
    });

    it('CpuQuota counts as a CPU limit', () => {
      const result = judge({ limits: { nanoCpus: 0, cpuQuota: 50_000, cpuPeriod: 100_000 } });
      expect(result.status).toBe('ok');
      expect(result.details).toMatchObject({ cpuLimit: 0.5 });
    });

    it('CpuQuota without a period uses the engine default period of 100ms', () => {
      const result = judge({ limits: { nanoCpus: 0, cpuQuota: 200_000, cpuPeriod: 0 } });
      expect(result.status).toBe('ok');
      expect(result.details).toMatchObject({ cpuLimit: 2 });
    });

    it('missing memory and CPU limits share one fix, said once', () => {
      const result = judge({ limits: { memoryBytes: 0, nanoCpus: 0 } });
      expectFlagged(result, 'warning', /no memory limit; no CPU limit/);
      const fix = result.remediation ?? '';
      expect(fix.indexOf('NanoCpus')).toBe(fix.lastIndexOf('NanoCpus'));
    });
  });

  describe('memory use', () => {
    const limit = 64 * MiB;

    it('memory use over the warning share of the limit is a warning', () => {
      const result = judge({}, { usageBytes: limit * 0.95 });
      expectFlagged(result, 'warning', /95%/);
      expect(result.details).toMatchObject({ memoryUsedPercent: 95, memoryUsageBytes: limit * 0.95 });
    });

    it('memory use at exactly the warning share is ok', () => {
      expect(judge({}, { usageBytes: limit * 0.9 }).status).toBe('ok');
    });

    it('takes the memory share from config', () => {
      expect(judge({}, { usageBytes: limit * 0.6 }).status).toBe('ok');
      expectFlagged(judge({}, { usageBytes: limit * 0.6, config: { memoryUsageWarnPercent: 50 } }), 'warning', /60%/);
    });

    it('no stats means memory use is not judged', () => {
      const result = judge();
      expect(result.status).toBe('ok');
      expect(result.details).toMatchObject({ memoryUsageBytes: null, memoryUsedPercent: null, memoryReadFrom: null, oomKillCount: null });
    });

    it('says where the figures came from, and why the engine was asked instead of the cgroup files', () => {
      expect(judge({}, { usageBytes: 1 * MiB, stats: { oomKillCount: 0 } }).details).toMatchObject({ memoryReadFrom: 'cgroup' });
      expect(judge({}, { usageBytes: 1 * MiB }).details).not.toHaveProperty('memoryEngineFallback');
      const fallback = judge({}, { usageBytes: 1 * MiB, stats: { engineFallback: 'no memory cgroup for it in /host/sys/fs/cgroup' } });
      expect(fallback.details).toMatchObject({ memoryReadFrom: 'engine', memoryEngineFallback: 'no memory cgroup for it in /host/sys/fs/cgroup', oomKillCount: null });
    });

    it('stats are matched to their container by id', () => {
      const busy = container({ name: 'busy' });
      const calm = container({ name: 'calm' });
      const findings = containersLimits.run(
        snapshot({
          containers: [busy, calm],
          containerStats: [
            { containerId: calm.id, memoryUsageBytes: 1 * MiB, memoryLimitBytes: limit },
            { containerId: busy.id, memoryUsageBytes: limit, memoryLimitBytes: limit },
          ],
        }),
        defaultConfig(),
      );
      expect(findings.map((f) => [f.subject, f.status])).toEqual([
        ['busy', 'warning'],
        ['calm', 'ok'],
      ]);
    });
  });

  it('several problems are all named in one result', () => {
    const result = judge({ privileged: true, restartCount: 9, limits: { memoryBytes: 0 } });
    expectFlagged(result, 'warning', /privileged/);
    expect(result.message).toContain('restarted 9 times');
    expect(result.message).toContain('no memory limit');
  });

  it('no containers gives no findings', () => {
    expect(containersLimits.run(snapshot(), defaultConfig())).toEqual([]);
  });
});
