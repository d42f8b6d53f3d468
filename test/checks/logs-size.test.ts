import { describe, expect, it } from 'vitest';
import { logsSize } from '../../src/checks/logs-size.js';
import type { Finding } from '../../src/checks/types.js';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import { formatBytes } from '../../src/size.js';
import type { ContainerInfo, ContainerLogFiles } from '../../src/snapshot.js';
import { GiB, MiB, container, logFiles, snapshot } from '../support/snapshot-builder.js';

function run(containers: ContainerInfo[], logs: ContainerLogFiles[], config: Partial<Config> = {}): Finding[] {
  return logsSize.run(snapshot({ containers, containerLogs: logs }), { ...defaultConfig(), ...config });
}

/** One container with logs of this total size, and its finding. */
function judgeOne(totalBytes: number, config: Partial<Config> = {}): Finding {
  const c = container({ name: 'mod' });
  const findings = run([c], [logFiles({ containerId: c.id, totalBytes })], config);
  expect(findings).toHaveLength(2);
  expect(findings[0].subject).toBe('mod');
  return findings[0];
}

function total(findings: Finding[]): Finding {
  const result = findings.at(-1);
  expect(result?.subject).toBe('all containers');
  return result!;
}

describe('logs.size', () => {
  it('reads containers and their log files', () => {
    expect(logsSize.id).toBe('logs.size');
    expect(logsSize.needs).toEqual(expect.arrayContaining(['containers', 'containerLogs']));
  });

  it('small logs are ok', () => {
    const result = judgeOne(5 * MiB);
    expect(result.status).toBe('ok');
    expect(result.remediation).toBeUndefined();
    expect(result.details).toMatchObject({ sizeBytes: 5 * MiB, driver: 'json-file', fileCount: 1 });
  });

  it('logs of exactly the warning size are ok', () => {
    expect(judgeOne(100 * MiB).status).toBe('ok');
  });

  it('logs over the warning size are a warning with remediation', () => {
    const result = judgeOne(100 * MiB + 1);
    expect(result.status).toBe('warning');
    expect(result.message).toContain(formatBytes(100 * MiB));
    expect(result.remediation).toBeTruthy();
  });

  it('logs of exactly the error size are a warning, over it an error', () => {
    expect(judgeOne(1 * GiB).status).toBe('warning');
    const result = judgeOne(1 * GiB + 1);
    expect(result.status).toBe('error');
    expect(result.message).toContain(`over ${formatBytes(1 * GiB)}`);
    expect(result.remediation).toBeTruthy();
  });

  it('takes the per-container limits from config', () => {
    expect(judgeOne(20 * MiB).status).toBe('ok');
    expect(judgeOne(20 * MiB, { logWarnBytes: 10 * MiB }).status).toBe('warning');
    expect(judgeOne(20 * MiB, { logWarnBytes: 5 * MiB, logErrorBytes: 10 * MiB }).status).toBe('error');
  });

  it('the total over all containers is a warning when over its limit, though each is ok', () => {
    const containers = ['a', 'b', 'c'].map((name) => container({ name }));
    const logs = containers.map((c) => logFiles({ containerId: c.id, totalBytes: 90 * MiB }));
    const findings = run(containers, logs, { logsTotalWarnBytes: 250 * MiB });
    expect(findings.slice(0, 3).map((f) => f.status)).toEqual(['ok', 'ok', 'ok']);
    const sum = total(findings);
    expect(sum.status).toBe('warning');
    expect(sum.details).toMatchObject({ totalBytes: 270 * MiB, warnAboveBytes: 250 * MiB });
    expect(sum.remediation).toBeTruthy();
  });

  it('the total within its limit is ok', () => {
    const containers = ['a', 'b'].map((name) => container({ name }));
    const logs = containers.map((c) => logFiles({ containerId: c.id, totalBytes: 90 * MiB }));
    const sum = total(run(containers, logs));
    expect(sum.status).toBe('ok');
    expect(sum.details).toMatchObject({ totalBytes: 180 * MiB });
    expect(sum.remediation).toBeUndefined();
  });

  it('a container whose driver keeps no files is skipped, naming the driver', () => {
    const c = container({ name: 'j', logConfig: { type: 'journald', config: {} } });
    const findings = run([c], []);
    expect(findings[0]).toMatchObject({ subject: 'j', status: 'skipped' });
    expect(findings[0].message).toContain('journald');
    expect(total(findings).details).toMatchObject({ totalBytes: 0 });
  });

  it('log files that could not be read are skipped with the reason and not counted', () => {
    const c = container({ name: 'r' });
    const findings = run([c], [logFiles({ containerId: c.id, totalBytes: 5 * GiB, error: 'EACCES: permission denied' })]);
    expect(findings[0].status).toBe('skipped');
    expect(findings[0].message).toContain('EACCES');
    // Not counted, and no total claimed: 0 B would say the logs are empty.
    expect(total(findings)).toMatchObject({ status: 'skipped', details: { unreadableCount: 1 } });
    expect(total(findings).details.totalBytes).toBeUndefined();
  });

  it('a total with logs it could not read is never ok: skipped under the limit, a warning over it', () => {
    const [r, ok] = [container({ name: 'r' }), container({ name: 'ok' })];
    const findings = run([r, ok], [logFiles({ containerId: r.id, totalBytes: 5 * GiB, error: 'EACCES' }), logFiles({ containerId: ok.id, totalBytes: MiB })]);
    expect(total(findings)).toMatchObject({ status: 'skipped', details: { totalBytes: MiB, unreadableCount: 1 } });
    expect(total(findings).message).toContain('1 could not be read, so the total is not known');
    const over = run([r, ok], [logFiles({ containerId: r.id, error: 'EACCES' }), logFiles({ containerId: ok.id, totalBytes: 3 * GiB })]);
    expect(total(over)).toMatchObject({ status: 'warning' });
    expect(total(over).message).toMatch(/at least 3 GiB in total, over 2 GiB \(1 not readable, not counted\)/);
  });

  it('a data root not mounted into the agent is a warning on each log, saying how to bind it, never 0 B ok', () => {
    const c = container({ name: 'chatty' });
    const error = 'the Docker data root /var/lib/docker is not visible under the host root /host (ENOENT)';
    const findings = run([c], [logFiles({ containerId: c.id, files: [], totalBytes: 0, error, blind: 'not-mounted' })]);
    expect(findings.map((f) => [f.subject, f.status])).toEqual([
      ['chatty', 'warning'],
      ['all containers', 'skipped'],
    ]);
    expect(findings[0].message).toContain(error);
    expect(findings[0].remediation).toMatch(/\/var\/lib\/docker:\/host\/var\/lib\/docker:ro/);
  });

  it('the total is marked as a total, so summaries do not count it as a subject', () => {
    const c = container({ name: 'one' });
    const findings = run([c], [logFiles({ containerId: c.id, totalBytes: MiB })]);
    expect(total(findings).aggregate).toBe(true);
    expect(findings[0].aggregate).toBeUndefined();
  });

  it('log files are matched to their container by id', () => {
    const small = container({ name: 'small' });
    const big = container({ name: 'big' });
    const findings = run([small, big], [logFiles({ containerId: big.id, totalBytes: 2 * GiB }), logFiles({ containerId: small.id, totalBytes: 1 * MiB })]);
    expect(findings.find((f) => f.subject === 'small')?.status).toBe('ok');
    expect(findings.find((f) => f.subject === 'big')?.status).toBe('error');
  });

  it('no containers gives only the total, at zero', () => {
    const findings = run([], []);
    expect(findings).toHaveLength(1);
    expect(total(findings)).toMatchObject({ status: 'ok', details: { totalBytes: 0 } });
  });
});

describe('logs.size total when nothing could be sized', () => {
  it('is skipped rather than claiming 0 B', () => {
    const c = container({ name: 'locked' });
    const findings = logsSize.run(snapshot({ containers: [c], containerLogs: [logFiles({ containerId: c.id, files: [], error: 'EACCES: permission denied' })] }), defaultConfig());
    expect(findings.map((f) => [f.subject, f.status])).toEqual([
      ['locked', 'skipped'],
      ['all containers', 'skipped'],
    ]);
    expect(findings[1].message).toBe("no container's log files could be read");
  });
});
