// The bundle as it ships: dist/ and package.json, no node_modules beside it, reaching the real
// engine over its unix socket and over TCP through dockerode; ssh://, whose transport the bundle
// leaves out, is refused as data with the reason. Each command loads only the code it runs.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, type Server, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Report } from '../../src/report/build.js';
import { Plant, describeWithEngine } from '../support/engine.js';
import { type ProgramCopy, copyProgramForOtherUsers } from '../support/program-copy.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

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

describeWithEngine('what each command loads', () => {
  // A bundle of its own, with esbuild's account of which source is in which file, and a loader
  // hook that lists every file the program loads.
  let dir: string;
  let meta: { outputs: Record<string, { inputs: Record<string, unknown> }> };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'edge-health-loads-'));
    execFileSync(process.execPath, ['scripts/bundle.mjs', '--outfile', path.join(dir, 'dist/edge-health.js'), '--metafile', path.join(dir, 'meta.json')], { cwd: ROOT });
    copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as typeof meta;
    writeFileSync(path.join(dir, 'hooks.mjs'), "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { if (url.startsWith('file:')) appendFileSync(process.env.LOADED_LIST, `${url}\\n`); return next(url, context); }\n");
    writeFileSync(path.join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The sources in the files the program loaded, running `args` until its first line of output. */
  async function sourcesLoaded(args: string[], env: Record<string, string> = {}): Promise<string[]> {
    const list = path.join(dir, `loaded-${args[0]}.txt`);
    writeFileSync(list, '');
    const child = spawn(process.execPath, ['--import', path.join(dir, 'register.mjs'), path.join(dir, 'dist/edge-health.js'), ...args], {
      env: { PATH: process.env.PATH, DOCKER_HOST: process.env.DOCKER_HOST, EDGE_HEALTH_TIME_SERVERS: process.env.EDGE_HEALTH_TIME_SERVERS, LOADED_LIST: list, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.once('data', () => child.kill('SIGTERM'));
    await new Promise((resolve) => child.on('close', resolve));
    const outputs = readFileSync(list, 'utf8').split('\n').filter((url) => url.startsWith('file:')).map((url) => path.relative(ROOT, fileURLToPath(url)));
    expect(outputs).toContain(path.relative(ROOT, path.join(dir, 'dist/edge-health.js')));
    return outputs.flatMap((output) => Object.keys(meta.outputs[output]?.inputs ?? {}));
  }
  const sdk = (sources: string[]) => sources.filter((source) => /node_modules\/azure-iot-/.test(source));

  it('check: the collectors and checks, not the module\'s code nor the Azure IoT SDK', async () => {
    const sources = await sourcesLoaded(['check', '--json', '--no-volume-sizes']);
    expect(sources).toEqual(expect.arrayContaining(['src/collect/snapshot.ts', 'src/checks/registry.ts']));
    expect(sources.filter((source) => source.startsWith('src/module/'))).toEqual([]);
    expect(sdk(sources)).toEqual([]);
  });

  it('run --local: the module\'s schedule, not the Azure IoT SDK', async () => {
    const sources = await sourcesLoaded(['run', '--local', '--json'], { EDGE_HEALTH_SCHEDULE: '0 0 1 1 *' });
    expect(sources).toEqual(expect.arrayContaining(['src/module/local.ts', 'src/module/schedule.ts']));
    expect(sources).not.toContain('src/module/agent.ts');
    expect(sdk(sources)).toEqual([]);
  });

  it('--version: none of the commands', async () => {
    const sources = await sourcesLoaded(['--version']);
    expect(sources.filter((source) => source.startsWith('src/')).sort()).toEqual(['src/cli/main.ts', 'src/report/exit-code.ts', 'src/version.ts']);
  });
});
