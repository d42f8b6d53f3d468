// The module image end to end on the private engine: built from Dockerfile.amd64 on a Node image
// made from this machine's Node (no registry here), run with the createOptions of
// deployment.template.json translated to this machine's paths, it must run unprivileged as a
// non-root user and find what the host-side CLI finds for the same planted problems. The host-side
// run uses the app the image holds, copied out of it: the two differ only in how they are packaged,
// not in code that changed between builds.
import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CheckResult } from '../../src/checks/types.js';
import type { Report } from '../../src/report/build.js';
import { type CreateOptions, createOptionsOf, templateModules } from '../support/deployment-manifest.js';
import { Plant, describeWithEngine } from '../support/engine.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url);
const MiB = 1024 ** 2;
/** What the image may add to the Node base (issue #12's target); the bundle measures about 3.6 MB. */
const MAX_ADDED_BYTES = 20 * 1000 ** 2;
const CHECK_FLAGS = ['--log-warn-bytes', '2m', '--unused-volumes-warn-bytes', '1m'];
const DAEMON_JSON = { 'log-driver': 'json-file', 'log-opts': { 'max-size': '10m', 'max-file': '3' } };

/** Where this machine keeps what a device keeps at the template's host paths. */
interface HostPaths {
  socket: string;
  dataRoot: string;
  etcDocker: string;
  aziotConfig: string;
  aziotCerts: string;
  /** The module's own named volume, under this test's prefix so cleanup removes it. */
  stateVolume: string;
}

/**
 * The template's HostConfig for this engine: its binds' host paths replaced by this machine's
 * (the data root mounted where the agent looks for the path the engine reports), its state volume
 * named for this test, the socket's real group, and no network (the private engine has none;
 * IoT Edge attaches its own).
 */
function engineHostConfig(template: CreateOptions['HostConfig'], paths: HostPaths): Docker.HostConfig {
  const here: Record<string, { source: string; target?: string }> = {
    '/var/run/docker.sock': { source: paths.socket },
    '/var/lib/docker': { source: paths.dataRoot, target: path.posix.join('/host', paths.dataRoot) },
    '/etc/docker': { source: paths.etcDocker },
    '/etc/aziot/config.toml': { source: paths.aziotConfig },
    '/var/aziot/certs': { source: paths.aziotCerts },
  };
  const binds = template.Binds.map((bind) => {
    const [source, target, ...mode] = bind.split(':');
    if (!source.startsWith('/')) return [paths.stateVolume, target, ...mode].join(':');
    const local = here[source];
    if (!local) throw new Error(`the template binds ${source}, which this test does not know how to provide`);
    return [local.source, local.target ?? target, ...mode].join(':');
  });
  const groups = template.GroupAdd.map((group) => (group === '${DOCKER_SOCKET_GID}' ? String(statSync(paths.socket).gid) : group));
  return { ...template, Binds: binds, GroupAdd: groups, NetworkMode: 'none' } as Docker.HostConfig;
}

/** stdout and stderr of a container without a TTY, from the engine's multiplexed log stream. */
function demux(buffer: Buffer): { stdout: string; stderr: string } {
  const streams: Record<number, Buffer[]> = { 1: [], 2: [] };
  for (let offset = 0; offset + 8 <= buffer.length; ) {
    const size = buffer.readUInt32BE(offset + 4);
    streams[buffer[offset] === 2 ? 2 : 1].push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(streams[1]).toString(), stderr: Buffer.concat(streams[2]).toString() };
}

/**
 * The images a classic-builder build made, in build order (its " ---> <id>" lines), the base
 * first. vfs stores every layer whole, so the test removes them afterwards rather than let runs
 * pile up.
 */
function builtImages(buildOutput: string): string[] {
  return [...new Set([...buildOutput.matchAll(/^ ---> ([0-9a-f]{12})$/gm)].map((m) => m[1]))];
}

/** Reads what the mounts show and tries to write through them; prints one JSON line. */
const PROBE = `
const fs = require('node:fs');
const { X509Certificate } = require('node:crypto');
const attempt = (write) => { try { write(); return 'written'; } catch (error) { return error.code; } };
const config = fs.readFileSync('/host/etc/aziot/config.toml', 'utf8');
const certPath = /^cert = "file:\\/\\/(.+)"$/m.exec(config)[1];
console.log(JSON.stringify({
  uid: process.getuid(),
  groups: process.getgroups(),
  config,
  certFingerprint: new X509Certificate(fs.readFileSync('/host' + certPath)).fingerprint256,
  writeHostMount: attempt(() => fs.writeFileSync('/host/etc/docker/probe', '')),
  writeRootfs: attempt(() => fs.writeFileSync('/tmp/probe', '')),
  stateFolder: fs.readdirSync(process.env.EDGE_HEALTH_STATE_FOLDER),
}));`;

/** Runs the agent in-process and prints its peak resident set size (KiB) when it exits. */
const PEAK_RSS = `
process.on('exit', () => process.stderr.write('peak-rss-kib ' + process.resourceUsage().maxRSS + '\\n'));
await import('/app/dist/edge-health.js');`;

describeWithEngine('the module image, run as deployment.template.json says', () => {
  const plant = new Plant();
  /** Tagged per run: two runs of this file on one engine must not run each other's image. */
  const image = `edge-health-test/agent:e2e-${plant.prefix.slice(0, -1)}`;
  const { module } = templateModules();
  const createOptions = createOptionsOf(module);
  const moduleEnv = Object.entries(module.env ?? {}).map(([name, { value }]) => `${name}=${value}`);
  const fixtures = mkdtempSync(path.join(tmpdir(), 'edge-health-image-'));
  let paths: HostPaths;
  let hostConfig: Docker.HostConfig;
  let addedBytes: number;
  let baseImageId = '';
  let images: string[] = [];
  let hostReport: Report;
  let moduleReport: Report;
  let moduleInfo: Docker.ContainerInspectInfo;
  let probe: {
    uid: number;
    groups: number[];
    config: string;
    certFingerprint: string;
    writeHostMount: string;
    writeRootfs: string;
    stateFolder: string[];
  };
  let peakRssBytes: number;

  /** Creates, runs to the end and inspects a container of the image with the module's settings. */
  async function runModule(name: string, overrides: { Cmd: string[]; Entrypoint?: string[] }) {
    const container = await plant.docker.createContainer({ name: plant.name(name), Image: image, Env: moduleEnv, HostConfig: hostConfig, ...overrides });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const output = demux((await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer);
    return { code: StatusCode, ...output, info: await container.inspect() };
  }

  /** The image's /app copied into a folder here: the agent exactly as the image holds it. */
  async function copyAppOut(into: string): Promise<string> {
    const container = await plant.docker.createContainer({ name: plant.name('module-files'), Image: image });
    const archive = await container.getArchive({ path: '/app' });
    await new Promise<void>((resolve, reject) => {
      const tar = spawn('tar', ['-x', '-C', into], { stdio: ['pipe', 'inherit', 'inherit'] });
      archive.pipe(tar.stdin);
      tar.on('error', reject);
      tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code}`))));
    });
    await container.remove();
    return path.join(into, 'app');
  }

  /** `edge-health` from the image's app, run on the host as the host-side CLI is. */
  async function runHostSide(app: string, args: string[]): Promise<{ code: number; stdout: string }> {
    return run(process.execPath, [path.join(app, 'dist/edge-health.js'), ...args], { maxBuffer: 64 * MiB }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code?: number; stdout?: string }) => {
        if (typeof error.code !== 'number' || !error.stdout) throw error;
        return { code: error.code, stdout: error.stdout };
      },
    );
  }

  /** A fixture folder the container's non-root user can read, as its counterpart on a device is. */
  function readableDir(...parts: string[]): string {
    const dir = path.join(fixtures, ...parts);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    return dir;
  }

  beforeAll(async () => {
    chmodSync(fixtures, 0o755);
    const { stdout: base } = await run('bash', ['scripts/node-base-image.sh'], { cwd: ROOT });
    baseImageId = (await plant.docker.getImage(base.trim()).inspect()).Id;
    // --no-cache: every image of this build is its own, so removing them afterwards cannot pull a
    // layer from under a build of this file running alongside.
    const sizes = await run('bash', ['scripts/image-size.sh', '--base', base.trim(), '--tag', image, '--network', 'host', '--no-cache'], {
      cwd: ROOT,
      maxBuffer: 64 * MiB,
    }).catch((error: { stderr?: string }) => {
      images = builtImages(error.stderr ?? '');
      throw error;
    });
    images = builtImages(sizes.stderr);
    console.log(`image layers added to ${base.trim()} (bytes):\n${sizes.stdout}`);
    addedBytes = Number(/^added (\d+)$/m.exec(sizes.stdout)?.[1]);

    const etcDocker = readableDir('etc', 'docker');
    writeFileSync(path.join(etcDocker, 'daemon.json'), JSON.stringify(DAEMON_JSON));
    const aziotCerts = readableDir('var', 'aziot', 'certs');
    const secrets = path.join(fixtures, 'secrets');
    mkdirSync(secrets, { mode: 0o700 });
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '365',
      '-subj', '/CN=edge-health e2e edge CA', '-keyout', path.join(secrets, 'edge-ca.key.pem'), '-out', path.join(aziotCerts, 'edge-ca.pem'),
    ]);
    chmodSync(path.join(aziotCerts, 'edge-ca.pem'), 0o644);
    const aziotConfig = path.join(readableDir('etc', 'aziot'), 'config.toml');
    writeFileSync(aziotConfig, 'hostname = "edge-health-e2e"\n\n[edge_ca]\ncert = "file:///var/aziot/certs/edge-ca.pem"\npk = "file:///var/aziot/secrets/edge-ca.key.pem"\n');
    chmodSync(aziotConfig, 0o644);
    const dockerHost = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
    paths = {
      socket: dockerHost.replace(/^unix:\/\//, ''),
      dataRoot: (await plant.docker.info()).DockerRootDir,
      etcDocker,
      aziotConfig,
      aziotCerts,
      stateVolume: plant.name('module-state'),
    };
    hostConfig = engineHostConfig(createOptions.HostConfig, paths);

    await plant.volume('leftover', { bytes: 2 * MiB });
    await plant.volume('labelled', { bytes: MiB, labels: { 'edge-health.protect': 'yes' } });
    const inUse = await plant.volume('in-use', { bytes: MiB });
    await plant.container({ name: 'no-limits' });
    await plant.container({ name: 'privileged', privileged: true, memoryBytes: 32 * MiB, nanoCpus: 5e8, start: false });
    await plant.container({ name: 'big-log', memoryBytes: 32 * MiB, nanoCpus: 5e8, cmd: ['sh', '-c', 'yes 0123456789abcdef0123456789abcdef | head -c 3000000; sleep 3600'] });
    await plant.container({
      name: 'healthy-local', memoryBytes: 32 * MiB, nanoCpus: 5e8, logConfig: { Type: 'local' }, volumes: { [inUse]: '/data' }, cmd: ['sh', '-c', 'echo started; sleep 3600'],
    });
    const oom = await plant.container({ name: 'oom', memoryBytes: 8 * MiB, nanoCpus: 5e8, cmd: ['sh', '-c', 'x=$(head -c 60000000 /dev/zero | tr "\\0" a)'] });
    await oom.wait();
    await new Promise((resolve) => setTimeout(resolve, 500));

    const app = await copyAppOut(fixtures);
    const host = await runHostSide(app, ['check', '--json', ...CHECK_FLAGS, '--daemon-config-path', path.join(etcDocker, 'daemon.json')]);
    hostReport = JSON.parse(host.stdout) as Report;
    const inModule = await runModule('module-check', { Cmd: ['check', '--json', ...CHECK_FLAGS] });
    expect(inModule.stdout, inModule.stderr).toMatch(/^\{/);
    moduleReport = JSON.parse(inModule.stdout) as Report;
    moduleInfo = inModule.info;
    expect(inModule.code).toBe(host.code);

    const probed = await runModule('module-probe', { Entrypoint: ['node', '-e', PROBE], Cmd: [] });
    expect(probed.code, probed.stderr).toBe(0);
    probe = JSON.parse(probed.stdout);
    const measured = await runModule('module-rss', { Entrypoint: ['node', '--input-type=module', '-e', PEAK_RSS], Cmd: ['check', '--json', ...CHECK_FLAGS] });
    peakRssBytes = Number(/^peak-rss-kib (\d+)$/m.exec(measured.stderr)?.[1]) * 1024;
    console.log(`peak RSS of \`check\` in the module container: ${peakRssBytes} bytes (${(peakRssBytes / MiB).toFixed(1)} MiB)`);
  }, 900_000);

  afterAll(async () => {
    await plant.cleanup();
    rmSync(fixtures, { recursive: true, force: true });
    // Newest first, so no image still has a child; removing one also removes its untagged parents
    // (404 then). The imported base stays for the next run.
    for (const id of images.filter((id) => !baseImageId.startsWith(`sha256:${id}`)).reverse()) {
      await plant.docker
        .getImage(id)
        .remove()
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 404) throw error;
        });
    }
    // vfs deletes every layer file by file: on a busy machine that outlasts the default hook timeout.
  }, 600_000);

  /** Results about what this test planted, the module's own containers left out. */
  const planted = (report: Report) =>
    report.results.filter((r) => r.subject.startsWith(plant.prefix) && !r.subject.startsWith(plant.name('module-')));
  const result = (report: Report, id: string, base: string): CheckResult => {
    const found = report.results.find((r) => r.id === id && r.subject === plant.name(base));
    if (!found) throw new Error(`no ${id} result for ${plant.name(base)}`);
    return found;
  };

  it('runs as a non-root user that reaches the Docker socket through its group, unprivileged and read-only', () => {
    expect(probe.uid).not.toBe(0);
    expect(probe.groups).toContain(statSync(paths.socket).gid);
    expect(moduleInfo.Config.User).toBe('1000:1000');
    expect(moduleInfo.HostConfig.Privileged).toBe(false);
    expect(moduleInfo.HostConfig.ReadonlyRootfs).toBe(true);
    expect(moduleInfo.HostConfig.CapDrop).toEqual(['ALL']);
    const writable = moduleInfo.Mounts.filter((mount) => mount.RW).map((mount) => mount.Destination);
    expect(writable.sort()).toEqual(['/var/lib/edge-health', '/var/run/docker.sock']);
    expect(probe.writeHostMount).toBe('EROFS');
    expect(probe.writeRootfs).toBe('EROFS');
  });

  it('keeps its state, the disk history, on its own volume despite the read-only root filesystem', () => {
    expect(probe.stateFolder).toContain('disk-history.json');
  });

  it('finds what the host-side CLI finds for the planted volumes and containers, log sizes aside', () => {
    const comparable = (report: Report) =>
      planted(report)
        .filter((r) => r.id !== 'logs.size')
        .map(({ id, subject, status, message }) => ({ id, subject, status, message }))
        .sort((a, b) => `${a.id} ${a.subject}`.localeCompare(`${b.id} ${b.subject}`));
    expect(comparable(moduleReport)).toEqual(comparable(hostReport));
    // Not vacuous: the planted problems are among them, and the daemon.json read through the
    // mount gives the unrotated json-file log the max-size it lacks in its own LogConfig.
    expect(result(moduleReport, 'volumes.unused', 'leftover').status).toBe('warning');
    expect(result(moduleReport, 'containers.limits', 'no-limits').status).toBe('warning');
    expect(result(moduleReport, 'containers.limits', 'privileged').message).toBe('runs privileged');
    expect(result(moduleReport, 'containers.limits', 'oom').status).toBe('error');
    expect(result(moduleReport, 'logs.policy', 'big-log')).toMatchObject({ status: 'ok', details: { maxSize: '10m', optionsFrom: 'daemon.json' } });
    for (const source of ['docker', 'containers', 'volumes', 'volumeSizes', 'daemonConfig', 'filesystems'] as const) {
      expect(moduleReport.sources[source], source).toMatchObject({ ok: true });
    }
  });

  it('measures the filesystem of the Docker data root as the host does', () => {
    const dataRootFs = (report: Report) =>
      report.results.find((r) => r.id === 'disk.space' && (r.details.paths as { role: string }[]).some((p) => p.role === 'dockerDataRoot'));
    const inModule = dataRootFs(moduleReport);
    const onHost = dataRootFs(hostReport);
    expect(inModule?.status).toBe(onHost?.status);
    expect(inModule?.details.sizeBytes).toBe(onHost?.details.sizeBytes);
    // The host's / is not mounted by the template: the module says so instead of measuring its own image.
    expect(moduleReport.results.find((r) => r.id === 'disk.space' && r.subject === '/')).toMatchObject({
      status: 'skipped',
      message: expect.stringContaining('is not mounted into the agent'),
    });
  });

  it('cannot size container logs as non-root: the engine keeps them in root-only folders, and logs.size says so', () => {
    for (const base of ['big-log', 'healthy-local']) {
      expect(result(hostReport, 'logs.size', base).details.sizeBytes).toBeGreaterThan(0);
      expect(result(moduleReport, 'logs.size', base)).toMatchObject({ status: 'skipped', message: expect.stringMatching(/EACCES|permission denied/i) });
    }
    expect(result(hostReport, 'logs.size', 'big-log').status).toBe('warning');
  });

  it('reads the IoT Edge config and the edge CA certificate it names through read-only mounts', () => {
    const edgeCa = new X509Certificate(readFileSync(path.join(paths.aziotCerts, 'edge-ca.pem')));
    expect(probe.config).toBe(readFileSync(paths.aziotConfig, 'utf8'));
    expect(probe.certFingerprint).toBe(edgeCa.fingerprint256);
    const found = moduleReport.results.find((r) => r.id === 'certs.expiry' && r.subject === '/var/aziot/certs/edge-ca.pem');
    expect(found).toMatchObject({ status: 'ok', details: { role: 'edge-ca', serial: edgeCa.serialNumber } });
  });

  it('adds less than 20 MB to the Node base image, and `check` fits in the memory limit', () => {
    expect(addedBytes).toBeGreaterThan(0);
    expect(addedBytes).toBeLessThan(MAX_ADDED_BYTES);
    expect(peakRssBytes).toBeGreaterThan(0);
    expect(peakRssBytes).toBeLessThan(createOptions.HostConfig.Memory);
  });
});
