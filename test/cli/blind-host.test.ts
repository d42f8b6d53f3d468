// The acceptance case: on a host root where the Docker data root, config.toml and the
// certificate store are all invisible (FIFOs in their place), `check` calls nothing ok it could not
// read, and exits within a second of printing its report.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Report } from '../../src/report/build.js';
import { runCliTimed } from '../support/cli.js';
import { Plant, describeWithEngine } from '../support/engine.js';

const CHECKS_ON_INVISIBLE_INPUTS = ['logs.size', 'production.log-driver', 'production.edge-ca', 'production.image-gc', 'certs.expiry'];

describeWithEngine('edge-health check on a host root that hides what it should check', () => {
  const plant = new Plant();
  let root: string;

  beforeAll(async () => {
    await plant.container({ name: 'chatty', memoryBytes: 32 * 1024 ** 2, nanoCpus: 5e8, cmd: ['sh', '-c', 'echo hello; sleep 3600'] });
    root = mkdtempSync(path.join(tmpdir(), 'eh-blind-'));
    for (const fifo of ['etc/docker/daemon.json', 'etc/aziot/config.toml', 'var/lib/aziot/certd/certs']) {
      mkdirSync(path.dirname(path.join(root, fifo)), { recursive: true });
      execFileSync('mkfifo', [path.join(root, fifo)]);
    }
  });
  afterAll(() => plant.cleanup());

  it('reports no ok for anything it could not read, and says why', async () => {
    const run = await runCliTimed(['check', '--json', '--host-root', root]);
    const report = JSON.parse(run.stdout) as Report;
    for (const id of CHECKS_ON_INVISIBLE_INPUTS) {
      const results = report.results.filter((r) => r.id === id);
      expect(results.length, id).toBeGreaterThan(0);
      for (const result of results) expect([id, result.subject, result.status]).not.toEqual([id, result.subject, 'ok']);
    }
    expect(report.sources.daemonConfig.error).toContain('/etc/docker/daemon.json: not a regular file (a FIFO)');
    expect(report.sources.iotedgeConfig.error).toContain('/etc/aziot/config.toml: not a regular file (a FIFO)');
    const logs = report.results.find((r) => r.id === 'logs.size' && r.subject === plant.name('chatty'));
    expect(logs).toMatchObject({ status: 'warning' });
    expect(logs?.message).toMatch(/data root .* is not visible under the host root/);
    const store = report.results.find((r) => r.id === 'certs.expiry' && r.subject === '/var/lib/aziot/certd/certs');
    expect(store?.status).toBe('skipped');
  });

  it('exits within a second of its report, FIFOs and all', async () => {
    const run = await runCliTimed(['check', '--host-root', root]);
    expect(run.stdout).toContain('Overall:');
    expect(run.lingerMs).toBeLessThan(1000);
  });
});
