import { describe, expect, it } from 'vitest';
import { containersHealth } from '../../src/checks/containers-health.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { ContainerHealth } from '../../src/snapshot.js';
import { COLLECTED_AT, type ContainerOverrides, container, snapshot } from '../support/snapshot-builder.js';

const minutesBefore = (minutes: number) => new Date(Date.parse(COLLECTED_AT) - minutes * 60_000).toISOString();
const probe = (exitCode: number, output: string) => ({ at: minutesBefore(0.5), exitCode, output });

function run(...overrides: ContainerOverrides[]) {
  return containersHealth.run(snapshot({ containers: overrides.map((o) => container(o)) }), defaultConfig());
}

function withHealth(health: ContainerHealth, overrides: ContainerOverrides = {}): ContainerOverrides {
  return { name: 'opcua', health, state: { startedAt: minutesBefore(2) }, ...overrides };
}

describe('containers.health', () => {
  it('calls an unhealthy container an error, with the failing streak and the last probe output on one line', () => {
    const [finding] = run(withHealth({ status: 'unhealthy', failingStreak: 5, lastProbe: probe(1, 'curl: (7)\nFailed to connect to localhost port 8080') }));
    expect(finding).toMatchObject({
      subject: 'opcua',
      status: 'error',
      message: 'unhealthy: 5 failed probe(s) in a row (last probe exit code 1: "curl: (7) Failed to connect to localhost port 8080")',
      details: { health: 'unhealthy', failingStreak: 5, lastProbeExitCode: 1 },
    });
    expect(finding.remediation).toMatch(/logs/);
  });

  it('shortens a long probe output in the message', () => {
    const [finding] = run(withHealth({ status: 'unhealthy', failingStreak: 3, lastProbe: probe(2, 'x'.repeat(400)) }));
    expect(finding.message.length).toBeLessThan(220);
    expect(finding.message).toContain('…');
  });

  it('is ok when healthy', () => {
    expect(run(withHealth({ status: 'healthy', failingStreak: 0, lastProbe: probe(0, '') }))).toMatchObject([{ status: 'ok', message: 'healthy' }]);
  });

  it('lets "starting" be until the threshold, then warns', () => {
    const starting: ContainerHealth = { status: 'starting', failingStreak: 1, lastProbe: null };
    expect(run(withHealth(starting, { state: { startedAt: minutesBefore(2) } }))[0]).toMatchObject({ status: 'ok', message: 'health "starting" for 2 min' });
    const late = run(withHealth(starting, { state: { startedAt: minutesBefore(6) } }))[0];
    expect(late).toMatchObject({ status: 'warning', message: 'health still "starting" for 6 min, over 5 min', details: { runningSeconds: 360, startingWarnSeconds: 300 } });
    expect(late.remediation).toMatch(/StartPeriod/);
  });

  it('follows healthStartingWarnSeconds', () => {
    const config = { ...defaultConfig(), healthStartingWarnSeconds: 60 };
    const snap = snapshot({ containers: [container(withHealth({ status: 'starting', failingStreak: 0, lastProbe: null }))] });
    expect(containersHealth.run(snap, config)[0].status).toBe('warning');
  });

  it('does not judge containers without a healthcheck, nor stopped ones', () => {
    const findings = run(
      { name: 'no-probe' },
      withHealth({ status: 'unhealthy', failingStreak: 9, lastProbe: probe(1, 'down') }, { name: 'stopped', state: { running: false, status: 'exited', exitCode: 1 } }),
      withHealth({ status: 'healthy', failingStreak: 0, lastProbe: probe(0, '') }, { name: 'probed' }),
    );
    expect(findings.map((f) => f.subject)).toEqual(['probed']);
  });

  it('is skipped, saying why, when no running container has a healthcheck', () => {
    expect(run({ name: 'plain' })).toEqual([
      { subject: 'containers', status: 'skipped', message: 'no running container has a Docker HEALTHCHECK', details: {} },
    ]);
  });
});
