// The bundle as it ships: one file and package.json, no node_modules beside it, reaching the real
// engine over its unix socket and over TCP through dockerode; ssh://, whose transport the bundle
// leaves out, is refused as data with the reason.
import { execFile } from 'node:child_process';
import { type AddressInfo, type Server, connect, createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Report } from '../../src/report/build.js';
import { Plant, describeWithEngine } from '../support/engine.js';
import { type ProgramCopy, copyProgramForOtherUsers } from '../support/program-copy.js';

describeWithEngine('the bundle', () => {
  const plant = new Plant();
  let program: ProgramCopy;
  let proxy: Server;
  let proxied = 0;

  /** `check --json` of the copied bundle with this DOCKER_HOST, only PATH besides. */
  const check = (dockerHost: string) =>
    new Promise<Report>((resolve, reject) => {
      execFile(process.execPath, [program.main, 'check', '--json', '--no-volume-sizes'], { env: { PATH: process.env.PATH, DOCKER_HOST: dockerHost }, maxBuffer: 64 * 1024 ** 2 }, (error, stdout, stderr) => {
        if (!stdout.startsWith('{')) reject(error ?? new Error(stderr));
        else resolve(JSON.parse(stdout) as Report);
      });
    });
  const plantedContainers = (report: Report) => report.results.filter((r) => r.id === 'containers.limits' && r.subject.startsWith(plant.prefix)).map((r) => r.subject);

  beforeAll(async () => {
    // Out of the project: Node can only resolve what the bundle holds.
    program = copyProgramForOtherUsers();
    await plant.container({ name: 'no-limits' });
    const socket = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');
    proxy = createServer((client) => {
      proxied++;
      const engine = connect(socket);
      client.pipe(engine).pipe(client);
      const close = () => (client.destroy(), engine.destroy());
      client.on('error', close);
      engine.on('error', close);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
    await plant.cleanup();
    program.remove();
  });

  it('reaches the engine over its unix socket', async () => {
    const report = await check(process.env.DOCKER_HOST ?? '');
    expect(report.sources.docker).toMatchObject({ ok: true });
    expect(plantedContainers(report)).toEqual([plant.name('no-limits')]);
  });

  it('reaches the same engine over TCP', async () => {
    const report = await check(`tcp://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
    expect(report.sources.docker).toMatchObject({ ok: true });
    expect(plantedContainers(report)).toEqual([plant.name('no-limits')]);
    expect(proxied).toBeGreaterThan(0);
  });

  it('refuses an ssh:// engine, whose transport it left out, with the reason, and still runs the other checks', async () => {
    const report = await check('ssh://agent@127.0.0.1');
    expect(report.sources.docker).toMatchObject({ ok: false, error: expect.stringMatching(/ssh:\/\/agent@127\.0\.0\.1.*only unix:\/\/, tcp:\/\//) });
    expect(report.results.find((r) => r.id === 'disk.space')?.status).not.toBe('skipped');
  });
});
