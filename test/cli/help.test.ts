// Help and the list of checks as a new user reads them in an 80-column terminal.
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry.js';
import { runCli } from '../support/cli.js';

/** Lines over `width` that are more than one word: a single long word (an env var name) cannot wrap. */
function overlong(text: string, width: number): string[] {
  return text.split('\n').filter((line) => line.length > width && /\S\s+\S/.test(line.trim()));
}

describe('edge-health help', () => {
  it('check --help wraps to 80 columns and lists only the settings check reads, pointing to the full reference', async () => {
    const { code, stdout } = await runCli(['check', '--help']);
    expect(code).toBe(0);
    expect(overlong(stdout, 80)).toEqual([]);
    expect(stdout).toContain('--host-root <dir>');
    expect(stdout).toContain('--verbose');
    for (const moduleOnly of ['--schedule', '--transport', '--product-info', '--heartbeat-minutes', '--prune-enabled']) expect(stdout).not.toContain(moduleOnly);
    expect(stdout.replace(/\s+/g, ' ')).toContain('the full reference is the Settings table of the README');
    expect(stdout.replace(/\s+/g, ' ')).toContain('1 a check found an error (an engine DOCKER_HOST names that does not answer included: docker.engine)');
  });

  it('prune volumes --help lists the prune settings only', async () => {
    const { code, stdout } = await runCli(['prune', 'volumes', '--help']);
    expect(code).toBe(0);
    expect(overlong(stdout, 80)).toEqual([]);
    for (const flag of ['--protected-volumes', '--protect-label', '--prune-enabled', '--older-than-hours', '--yes']) expect(stdout).toContain(flag);
    for (const other of ['--disk-free-warn-percent', '--log-warn-bytes', '--schedule', '--certificate-paths']) expect(stdout).not.toContain(other);
    expect(stdout.match(/^ {2}-/gm)?.length).toBeLessThan(20);
  });

  it('refuses a setting the command does not read, naming it', async () => {
    const { code, stderr } = await runCli(['check', '--schedule', '* * * * *']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--schedule'");
  });

  it('`checks` lists every check id with its title and settings', async () => {
    const { code, stdout } = await runCli(['checks']);
    expect(code).toBe(0);
    expect(overlong(stdout, 80)).toEqual([]);
    for (const check of CHECKS) expect(stdout).toMatch(new RegExp(`^${check.id.replace('.', '\\.')} +${check.title}$`, 'm'));
    expect(stdout.replace(/\n {40}(?=\S)/g, ' ')).toMatch(/^disk\.space .*\n +settings: --disk-free-warn-percent, --disk-free-error-percent, --extra-paths$/m);
    const json = JSON.parse((await runCli(['checks', '--json'])).stdout) as { id: string; settings: string[] }[];
    expect(json.map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
    expect(json.find((c) => c.id === 'certs.expiry')?.settings).toContain('certificatePaths');
  });

  it('check --verbose shows every source with its duration', async () => {
    const { stdout } = await runCli(['check', '--verbose', '--disabled-checks', 'docker.engine'], { DOCKER_HOST: 'unix:///no/such/engine.sock' });
    expect(stdout).toMatch(/^Sources:\n {2}docker +failed +\d+ ms: Docker engine not reachable/m);
    expect(stdout).toMatch(/^ {2}filesystems +ok +\d+ ms/m);
    for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});
