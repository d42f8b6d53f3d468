// The foundation's promise: planted problems on a real engine are each reported with the
// right id, subject and status by `edge-health check --json`, and the healthy ones are not.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CheckResult } from '../../src/checks/types.js';
import type { Report } from '../../src/report/build.js';
import { runCli } from '../support/cli.js';
import { Plant, describeWithEngine } from '../support/engine.js';

const MiB = 1024 ** 2;

describeWithEngine('edge-health check on a host with planted problems', () => {
  const plant = new Plant();
  let report: Report;
  let code: number;

  beforeAll(async () => {
    await plant.volume('leftover', { bytes: 2 * MiB });
    await plant.volume('edgehub', { bytes: MiB, exactName: `edgeHub-${plant.prefix}store` });
    await plant.volume('labelled', { bytes: MiB, labels: { 'edge-health.protect': 'yes' } });
    await plant.volume('keep-me', { bytes: MiB });
    const inUse = await plant.volume('in-use', { bytes: MiB });
    await plant.container({ name: 'no-limits' });
    await plant.container({ name: 'privileged', privileged: true, memoryBytes: 32 * MiB, nanoCpus: 5e8, start: false });
    await plant.container({
      name: 'big-log',
      memoryBytes: 32 * MiB,
      nanoCpus: 5e8,
      cmd: ['sh', '-c', 'yes 0123456789abcdef0123456789abcdef | head -c 3000000; sleep 3600'],
    });
    await plant.container({
      name: 'healthy-local',
      memoryBytes: 32 * MiB,
      nanoCpus: 5e8,
      logConfig: { Type: 'local' },
      volumes: { [inUse]: '/data' },
      cmd: ['sh', '-c', 'echo started; sleep 3600'],
    });
    await plant.container({
      name: 'healthy-rotated',
      memoryBytes: 32 * MiB,
      nanoCpus: 5e8,
      logConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    });
    const oom = await plant.container({ name: 'oom', memoryBytes: 8 * MiB, nanoCpus: 5e8, cmd: ['sh', '-c', 'x=$(head -c 60000000 /dev/zero | tr "\\0" a)'] });
    await oom.wait();
    await new Promise((resolve) => setTimeout(resolve, 500));
    ({ code, stdout: report } = await runCli([
      'check', '--json', '--log-warn-bytes', '2m', '--unused-volumes-warn-bytes', '1m', '--protected-volumes', `${plant.prefix}keep-*`,
    ]).then((run) => ({
      code: run.code,
      stdout: JSON.parse(run.stdout) as Report,
    })));
  });
  afterAll(() => plant.cleanup());

  const result = (id: string, base: string): CheckResult => {
    const found = report.results.find((r) => r.id === id && r.subject === plant.name(base));
    if (!found) throw new Error(`no ${id} result for ${plant.name(base)}`);
    return found;
  };

  it('flags the unused volume and spares the protected and the used one', () => {
    expect(result('volumes.unused', 'leftover')).toMatchObject({ status: 'warning', details: { protected: false } });
    expect(result('volumes.unused', 'leftover').details.sizeBytes).toBeGreaterThanOrEqual(2 * MiB);
    const systemModule = report.results.find((r) => r.id === 'volumes.unused' && r.subject === `edgeHub-${plant.prefix}store`);
    expect(systemModule).toMatchObject({ status: 'ok', details: { protected: true, protectedBecause: expect.stringMatching(/IoT Edge system module/) } });
    expect(result('volumes.unused', 'labelled')).toMatchObject({ status: 'ok', details: { protectedBecause: 'carries label edge-health.protect' } });
    expect(result('volumes.unused', 'keep-me')).toMatchObject({ status: 'ok', details: { protectedBecause: `matches protected name "${plant.prefix}keep-*"` } });
    expect(report.results.some((r) => r.id === 'volumes.unused' && r.subject === plant.name('in-use'))).toBe(false);
  });

  it('flags the container without limits and the privileged one', () => {
    expect(result('containers.limits', 'no-limits')).toMatchObject({ status: 'warning', message: 'no memory limit; no CPU limit' });
    expect(result('containers.limits', 'privileged')).toMatchObject({ status: 'warning', message: 'runs privileged' });
  });

  it('reports the OOM-killed container as an error, so the run exits 1', () => {
    expect(result('containers.limits', 'oom')).toMatchObject({ status: 'error', details: { oomKilled: true } });
    expect(code).toBe(1);
  });

  it('flags the big unrotated log for its size and its missing rotation', () => {
    expect(result('logs.size', 'big-log').status).toBe('warning');
    expect(result('logs.size', 'big-log').details.sizeBytes).toBeGreaterThan(2 * MiB);
    expect(result('logs.policy', 'big-log')).toMatchObject({ status: 'warning', details: { driver: 'json-file', maxSize: null } });
  });

  it('leaves the healthy containers, local driver included, ok in every check', () => {
    for (const base of ['healthy-local', 'healthy-rotated']) {
      const own = report.results.filter((r) => r.subject === plant.name(base));
      expect(own.map((r) => r.id).sort()).toEqual(['containers.limits', 'logs.policy', 'logs.size']);
      expect(own.filter((r) => r.status !== 'ok')).toEqual([]);
    }
  });

  it('carries a remediation on every warning and error', () => {
    const failing = report.results.filter((r) => r.status === 'warning' || r.status === 'error');
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.filter((r) => !r.remediation)).toEqual([]);
  });
});
