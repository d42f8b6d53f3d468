// `edge-health check` as a new user meets it: help, bad input, and a host without Docker.
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/build.js';
import { runCli } from '../support/cli.js';

const noEngine = { DOCKER_HOST: `unix://${path.join(tmpdir(), 'no-such-engine.sock')}` };

describe('edge-health check', () => {
  it('documents every setting with its env var and default in --help', async () => {
    const { code, stdout } = await runCli(['check', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--host-root <dir>');
    // Help wraps to the terminal: read it with the line breaks as spaces.
    expect(stdout.replace(/\s+/g, ' ')).toMatch(/--disk-free-warn-percent <number> .*env EDGE_HEALTH_DISK_FREE_WARN_PERCENT, default 20/);
    expect(stdout).toContain('--no-volume-sizes');
    expect(stdout).toContain('--json');
    expect(stdout).toContain('--warnings-as-errors');
  });

  it('refuses an unknown flag with exit code 2', async () => {
    const { code, stderr, stdout } = await runCli(['check', '--frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--frobnicate'");
    expect(stdout).toBe('');
  });

  it('refuses a threshold that is not a number, naming the flag', async () => {
    const { code, stderr } = await runCli(['check', '--disk-free-warn-percent', 'lots']);
    expect(code).toBe(2);
    expect(stderr).toContain('--disk-free-warn-percent: expected a number, got "lots"');
  });

  it('refuses a bad setting from the environment, naming the variable', async () => {
    const { code, stderr } = await runCli(['check'], { EDGE_HEALTH_LOG_WARN_BYTES: '12 parsecs' });
    expect(code).toBe(2);
    expect(stderr).toContain('EDGE_HEALTH_LOG_WARN_BYTES: expected a size such as 100MiB or 1g, got "12 parsecs"');
  });

  it('refuses thresholds in the wrong order and unknown check ids, all at once', async () => {
    const { code, stderr } = await runCli(['check', '--disk-free-warn-percent', '5', '--disabled-checks', 'disk.spaec']);
    expect(code).toBe(2);
    expect(stderr).toContain('--disk-free-warn-percent (5) must not be below diskFreeErrorPercent (10)');
    expect(stderr).toContain('--disabled-checks: unknown check id "disk.spaec"');
  });

  it('refuses a host root that does not exist or is not a folder', async () => {
    const missing = await runCli(['check', '--host-root', '/no/such/host']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--host-root /no/such/host: no such directory');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'eh-')), 'plain-file');
    writeFileSync(file, '');
    const notDir = await runCli(['check'], { EDGE_HEALTH_HOST_ROOT: file });
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toContain(`EDGE_HEALTH_HOST_ROOT ${file}: not a directory`);
  });

  it.runIf(process.getuid?.() === 0)('refuses a host root this user may not read with exit code 2, instead of an empty all-ok report (runs as root, to become nobody)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'eh-locked-'));
    chmodSync(root, 0o000);
    const { code, stderr, stdout } = await runCli(['check', '--host-root', root], noEngine, { uid: 65534, gid: 65534 });
    expect(stderr).toContain(`--host-root ${root}: not readable by this user (uid 65534)`);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it.each([
    ['garbage', { DOCKER_HOST: 'garbage' }],
    ['an address nothing listens on', { DOCKER_HOST: 'http://127.0.0.1:1' }],
    ['TLS without its certificates', { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/no/such/certs' }],
  ])('with a DOCKER_HOST of %s reports the engine as an error (exit 1), not a healthy host', async (_, env) => {
    const { code, stdout } = await runCli(['check', '--json'], env);
    const report = JSON.parse(stdout) as Report;
    expect(report.results.filter((r) => r.id === 'docker.engine')).toEqual([
      expect.objectContaining({ status: 'error', message: expect.stringContaining('Docker engine not reachable at') }),
    ]);
    expect(report.status).toBe('error');
    expect(code).toBe(1);
  });

  it.runIf(!existsSync('/var/run/docker.sock'))('on a host with no engine installed skips docker.engine (runs only where /var/run/docker.sock is absent)', async () => {
    const { stdout } = await runCli(['check', '--json'], { DOCKER_HOST: undefined });
    const report = JSON.parse(stdout) as Report;
    expect(report.results.find((r) => r.id === 'docker.engine')).toMatchObject({ status: 'skipped', message: expect.stringContaining('no Docker engine on this host') });
  });

  it('without an engine skips the Docker checks with the reason and still checks the disks', async () => {
    const { code, stdout } = await runCli(['check', '--json'], noEngine);
    const report = JSON.parse(stdout) as Report;
    const statusOf = (id: string) => report.checks.find((c) => c.id === id)?.status;
    expect(statusOf('disk.space')).not.toBe('skipped');
    expect(statusOf('disk.inodes')).not.toBe('skipped');
    for (const id of ['volumes.unused', 'logs.size', 'logs.policy', 'containers.limits']) {
      expect(statusOf(id)).toBe('skipped');
      expect(report.results.find((r) => r.id === id)?.message).toMatch(/Docker engine not reachable at unix:\/\/.*no-such-engine\.sock/);
    }
    expect(report.docker).toBeNull();
    expect(code).toBe(report.counts.error > 0 ? 1 : 0);
  });

  it('prints a readable report: one line per check and the reason Docker was not checked', async () => {
    const { stdout } = await runCli(['check'], noEngine);
    for (const id of ['disk.space', 'disk.inodes', 'volumes.unused', 'logs.size', 'logs.policy', 'containers.limits']) {
      expect(stdout).toMatch(new RegExp(`^(OK  |WARN|ERR |SKIP) ${id.replace('.', '\\.')} `, 'm'));
    }
    expect(stdout).toMatch(/^SKIP volumes\.unused .*Docker engine not reachable/m);
    // Continuation lines of the section are indented by 4.
    expect(stdout.replace(/\n {4}(?=\S)/g, ' ')).toMatch(/Not collected:\n {2}docker, containers, .*: Docker engine not reachable/);
    // The summary line states the report's own counts; at least the 4 Docker checks and the 10
    // certificate and production checklist checks without IoT Edge and engine are skipped.
    const report = JSON.parse((await runCli(['check', '--json'], noEngine)).stdout) as Report;
    const { error, warning, ok, skipped } = report.counts;
    expect(stdout).toContain(`\nOverall: ${report.status} (${error} error, ${warning} warning, ${ok} ok, ${skipped} skipped)\n`);
    expect(skipped).toBeGreaterThanOrEqual(14);
  });

  it('disables checks by id and turns warnings into a failing exit code on request', async () => {
    const disk = { EDGE_HEALTH_DISK_FREE_WARN_PERCENT: '100', EDGE_HEALTH_DISK_FREE_ERROR_PERCENT: '0' };
    // docker.engine off too: the unreachable engine would be an error of its own.
    const warned = await runCli(['check', '--json', '--disabled-checks', 'disk.inodes,logs.size,docker.engine'], { ...noEngine, ...disk });
    const report = JSON.parse(warned.stdout) as Report;
    expect(report.disabledChecks).toEqual(['disk.inodes', 'docker.engine', 'logs.size']);
    expect(report.results.some((r) => r.id === 'disk.inodes' || r.id === 'logs.size')).toBe(false);
    expect(report.results.find((r) => r.id === 'disk.space')?.status).toBe('warning');
    expect(warned.code).toBe(0);
    const strict = await runCli(['check', '--warnings-as-errors', '--disabled-checks', 'docker.engine'], { ...noEngine, ...disk });
    expect(strict.code).toBe(1);
  });

  it('run outside IoT Edge says so and points to run --local, with exit code 2', async () => {
    const { code, stderr } = await runCli(['run'], { IOTEDGE_WORKLOADURI: undefined, EdgeHubConnectionString: undefined, IotHubConnectionString: undefined });
    expect(code).toBe(2);
    expect(stderr).toContain('not running as an IoT Edge module: IOTEDGE_WORKLOADURI');
    expect(stderr).toContain('edge-health run --local');
    expect(stderr).not.toContain('    at ');
  });
});
