// The module images end to end on the private engine, one per Dockerfile module.json lists: each
// built on a local Node base image (no registry here; scripts/node-base-image.sh), run with the
// createOptions of deployment.template.json translated to this machine's paths, must run
// unprivileged as a non-root user and find what the host-side CLI finds for the same planted
// problems. The host-side run uses the app the amd64 image holds, copied out of it: the two differ
// only in how they are packaged, not in code that changed between builds.
//
// arm32v7 and arm64v8 run under qemu-user emulation, with the whole scenario: their Node (Debian
// trixie's 20.19, the oldest supported), the agent's start, every collector through the mounts, as
// uid 1000 under the module's limits. Their build stage runs on the amd64 base
// (BUILD_NODE_IMAGE), as the build's output is the same on every platform (test/packaging), so
// npm ci and tsc are not emulated: what this does not cover is running npm itself on ARM.
import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/checks/types.js';
import type { Report } from '../../src/report/build.js';
import { type CreateOptions, createOptionsOf, templateModules } from '../support/deployment-manifest.js';
import { Plant, describeWithEngine } from '../support/engine.js';
import { minimumNode } from '../support/node-engines.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url);
const MiB = 1024 ** 2;
/** What the image may add to the Node base (issue #12's target); the bundle measures about 3.6 MB. */
const MAX_ADDED_BYTES = 20 * 1000 ** 2;
const CHECK_FLAGS = ['--log-warn-bytes', '2m', '--unused-volumes-warn-bytes', '1m'];
const DAEMON_JSON = { 'log-driver': 'json-file', 'log-opts': { 'max-size': '10m', 'max-file': '3' } };
/** Emulated, an ARM base takes minutes to make (or to wait for, when scripts/test.sh started it). */
const PLATFORM_TIMEOUT_MS = 1_500_000;

/** module.json's platforms, as the engine records them on an image and Node names its CPU. */
const PLATFORMS = [
  { name: 'amd64', architecture: 'amd64', variant: undefined, nodeArch: 'x64' },
  { name: 'arm32v7', architecture: 'arm', variant: 'v7', nodeArch: 'arm' },
  { name: 'arm64v8', architecture: 'arm64', variant: 'v8', nodeArch: 'arm64' },
] as const;
type Platform = (typeof PLATFORMS)[number];

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
    '/sys/fs/cgroup': { source: '/sys/fs/cgroup' },
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
  nodeVersion: process.versions.node,
  arch: process.arch,
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

/** What one platform's image showed: its build, its reports and the probes run in it. */
interface PlatformRun {
  image: string;
  info: Docker.ImageInspectInfo;
  baseBytes: number;
  addedBytes: number;
  moduleReport: Report;
  moduleCode: number;
  container: Docker.ContainerInspectInfo;
  probe: {
    nodeVersion: string;
    arch: string;
    uid: number;
    groups: number[];
    config: string;
    certFingerprint: string;
    writeHostMount: string;
    writeRootfs: string;
    stateFolder: string[];
  };
  peakRssBytes: number;
}

describeWithEngine('the module images, run as deployment.template.json says', () => {
  const plant = new Plant();
  const { module } = templateModules();
  const createOptions = createOptionsOf(module);
  const moduleEnv = Object.entries(module.env ?? {}).map(([name, { value }]) => `${name}=${value}`);
  const fixtures = mkdtempSync(path.join(tmpdir(), 'edge-health-image-'));
  let paths: Omit<HostPaths, 'stateVolume'>;
  let buildBase: string;
  const baseImageIds = new Set<string>();
  /** Every image the builds made, in build order, for afterAll to remove. */
  const images: string[] = [];
  let hostReport: Report;
  let hostCode: number;
  const runs = new Map<Platform['name'], PlatformRun>();

  /** Tagged per run: two runs of this file on one engine must not run each other's image. */
  const imageTag = (platform: Platform) => `edge-health-test/agent:e2e-${platform.name}-${plant.prefix.slice(0, -1)}`;

  /** The local Node base for a platform, made (or waited for) by scripts/node-base-image.sh. */
  async function nodeBase(platform: Platform['name']): Promise<string> {
    const { stdout } = await run('bash', ['scripts/node-base-image.sh', platform], { cwd: ROOT, timeout: PLATFORM_TIMEOUT_MS, maxBuffer: 64 * MiB });
    const base = stdout.trim();
    baseImageIds.add((await plant.docker.getImage(base).inspect()).Id);
    return base;
  }

  /** Builds a platform's Dockerfile on its base, the build stage on the amd64 one; returns the added layers' bytes. */
  async function build(platform: Platform, base: string): Promise<number> {
    // amd64 builds with --no-cache: every image of that build is this run's own, so removing them
    // afterwards cannot pull a layer from under a build of this file running alongside. The ARM
    // builds then reuse its build stage from the cache: the same instructions on the same base.
    const options = platform.name === 'amd64' ? ['--no-cache'] : ['--build-arg', `BUILD_NODE_IMAGE=${buildBase}`];
    const sizes = await run(
      'bash',
      ['scripts/image-size.sh', '--dockerfile', `Dockerfile.${platform.name}`, '--base', base, '--tag', imageTag(platform), '--network', 'host', ...options],
      { cwd: ROOT, maxBuffer: 64 * MiB },
    ).catch((error: { stderr?: string }) => {
      images.push(...builtImages(error.stderr ?? ''));
      throw error;
    });
    images.push(...builtImages(sizes.stderr));
    console.log(`${platform.name}: image layers added to ${base} (bytes):\n${sizes.stdout}`);
    return Number(/^added (\d+)$/m.exec(sizes.stdout)?.[1]);
  }

  /** Creates, runs to the end and inspects a container of the image with the module's settings. */
  async function runModule(image: string, hostConfig: Docker.HostConfig, name: string, overrides: { Cmd: string[]; Entrypoint?: string[] }) {
    const container = await plant.docker.createContainer({ name: plant.name(name), Image: image, Env: moduleEnv, HostConfig: hostConfig, ...overrides });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const output = demux((await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer);
    return { code: StatusCode, ...output, info: await container.inspect() };
  }

  /** The image's /app copied into a folder here: the agent exactly as the image holds it. */
  async function copyAppOut(image: string, into: string): Promise<string> {
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
    paths = { socket: dockerHost.replace(/^unix:\/\//, ''), dataRoot: (await plant.docker.info()).DockerRootDir, etcDocker, aziotConfig, aziotCerts };

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
    buildBase = await nodeBase('amd64');
  }, 300_000);

  // On vfs every image is a whole copy of its filesystem: three builds' worth take minutes to delete.
  afterAll(async () => {
    await plant.cleanup();
    rmSync(fixtures, { recursive: true, force: true });
    // Newest first, so no image still has a child; removing one also removes its untagged parents
    // (404 then). The imported bases stay for the next run.
    for (const id of [...new Set(images)].reverse().filter((id) => ![...baseImageIds].some((base) => base.startsWith(`sha256:${id}`)))) {
      await plant.docker
        .getImage(id)
        .remove()
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 404) throw error;
        });
    }
    // vfs deletes every layer file by file: on a busy machine that outlasts the default hook timeout.
  }, 600_000);

  /** Results about what this test planted, the module's own containers and volumes left out. */
  const planted = (report: Report) =>
    report.results.filter((r) => r.subject.startsWith(plant.prefix) && !r.subject.startsWith(plant.name('module-')));
  const result = (report: Report, id: string, base: string): CheckResult => {
    const found = report.results.find((r) => r.id === id && r.subject === plant.name(base));
    if (!found) throw new Error(`no ${id} result for ${plant.name(base)}`);
    return found;
  };

  for (const platform of PLATFORMS) describe(platform.name, () => {
    let shown: PlatformRun;

    beforeAll(async () => {
      const image = imageTag(platform);
      const base = platform.name === 'amd64' ? buildBase : await nodeBase(platform.name);
      const addedBytes = await build(platform, base);
      const hostPaths: HostPaths = { ...paths, stateVolume: plant.name(`module-state-${platform.name}`) };
      const hostConfig = engineHostConfig(createOptions.HostConfig, hostPaths);

      if (platform.name === 'amd64') {
        const app = await copyAppOut(image, fixtures);
        const host = await runHostSide(app, ['check', '--json', ...CHECK_FLAGS, '--daemon-config-path', path.join(paths.etcDocker, 'daemon.json')]);
        hostReport = JSON.parse(host.stdout) as Report;
        hostCode = host.code;
      }
      const inModule = await runModule(image, hostConfig, `module-${platform.name}-check`, { Cmd: ['check', '--json', ...CHECK_FLAGS] });
      expect(inModule.stdout, inModule.stderr).toMatch(/^\{/);
      const probed = await runModule(image, hostConfig, `module-${platform.name}-probe`, { Entrypoint: ['node', '-e', PROBE], Cmd: [] });
      expect(probed.code, probed.stderr).toBe(0);
      const measured = await runModule(image, hostConfig, `module-${platform.name}-rss`, {
        Entrypoint: ['node', '--input-type=module', '-e', PEAK_RSS],
        Cmd: ['check', '--json', ...CHECK_FLAGS],
      });
      const peakRssBytes = Number(/^peak-rss-kib (\d+)$/m.exec(measured.stderr)?.[1]) * 1024;
      const info = await plant.docker.getImage(image).inspect();
      const baseBytes = (await plant.docker.getImage(base).inspect()).Size;
      shown = {
        image, info, baseBytes, addedBytes, peakRssBytes,
        moduleReport: JSON.parse(inModule.stdout) as Report,
        moduleCode: inModule.code,
        container: inModule.info,
        probe: JSON.parse(probed.stdout) as PlatformRun['probe'],
      };
      runs.set(platform.name, shown);
      console.log(
        `${platform.name}: image ${info.Size} bytes (${(info.Size / 1e6).toFixed(1)} MB), base ${baseBytes} bytes, app adds ${addedBytes} bytes (${(addedBytes / 1e6).toFixed(1)} MB); ` +
          `Node ${shown.probe.nodeVersion} ${shown.probe.arch}; peak RSS of \`check\` ${peakRssBytes} bytes (${(peakRssBytes / MiB).toFixed(1)} MiB)`,
      );
    }, PLATFORM_TIMEOUT_MS);

    it('is an image for its platform, whose Node runs on that CPU', () => {
      expect(shown.info).toMatchObject({ Os: 'linux', Architecture: platform.architecture });
      expect((shown.info as { Variant?: string }).Variant).toBe(platform.variant);
      expect(shown.probe.arch).toBe(platform.nodeArch);
    });

    it('runs as a non-root user that reaches the Docker socket through its group, unprivileged and read-only', () => {
      const { probe, container } = shown;
      expect(probe.uid).not.toBe(0);
      expect(probe.groups).toContain(statSync(paths.socket).gid);
      expect(container.Config.User).toBe('1000:1000');
      expect(container.HostConfig.Privileged).toBe(false);
      expect(container.HostConfig.ReadonlyRootfs).toBe(true);
      expect(container.HostConfig.CapDrop).toEqual(['ALL']);
      const writable = container.Mounts.filter((mount) => mount.RW).map((mount) => mount.Destination);
      expect(writable.sort()).toEqual(['/var/lib/edge-health', '/var/run/docker.sock']);
      expect(probe.writeHostMount).toBe('EROFS');
      expect(probe.writeRootfs).toBe('EROFS');
    });

    it('keeps its state, the disk history, on its own volume despite the read-only root filesystem', () => {
      expect(shown.probe.stateFolder).toContain('disk-history.json');
    });

    it('finds what the host-side CLI finds for the planted volumes and containers, log sizes aside', () => {
      const { moduleReport } = shown;
      const comparable = (report: Report) =>
        planted(report)
          .filter((r) => r.id !== 'logs.size')
          // A volume's age is read at each run, and an emulated platform runs minutes after the host.
          .map(({ id, subject, status, message }) => ({ id, subject, status, message: message.replace(/created [\d.]+ h ago/, 'created … h ago') }))
          .sort((a, b) => `${a.id} ${a.subject}`.localeCompare(`${b.id} ${b.subject}`));
      expect(shown.moduleCode).toBe(hostCode);
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
      const inModule = dataRootFs(shown.moduleReport);
      const onHost = dataRootFs(hostReport);
      expect(inModule?.status).toBe(onHost?.status);
      expect(inModule?.details.sizeBytes).toBe(onHost?.details.sizeBytes);
      // The host's / is not mounted by the template: the module says so instead of measuring its own image.
      expect(shown.moduleReport.results.find((r) => r.id === 'disk.space' && r.subject === '/')).toMatchObject({
        status: 'skipped',
        message: expect.stringContaining('is not mounted into the agent'),
      });
    });

    it('cannot size container logs as non-root: the engine keeps them in root-only folders, and logs.size says so', () => {
      for (const base of ['big-log', 'healthy-local']) {
        expect(result(hostReport, 'logs.size', base).details.sizeBytes).toBeGreaterThan(0);
        expect(result(shown.moduleReport, 'logs.size', base)).toMatchObject({ status: 'skipped', message: expect.stringMatching(/EACCES|permission denied/i) });
      }
      expect(result(hostReport, 'logs.size', 'big-log').status).toBe('warning');
    });

    it('reads the IoT Edge config and the edge CA certificate it names through read-only mounts', () => {
      const edgeCa = new X509Certificate(readFileSync(path.join(paths.aziotCerts, 'edge-ca.pem')));
      expect(shown.probe.config).toBe(readFileSync(paths.aziotConfig, 'utf8'));
      expect(shown.probe.certFingerprint).toBe(edgeCa.fingerprint256);
      const found = shown.moduleReport.results.find((r) => r.id === 'certs.expiry' && r.subject === '/var/aziot/certs/edge-ca.pem');
      expect(found).toMatchObject({ status: 'ok', details: { role: 'edge-ca', serial: edgeCa.serialNumber } });
    });

    it('adds less than 20 MB to the Node base image, and `check` fits in the memory limit', () => {
      expect(shown.addedBytes).toBeGreaterThan(0);
      expect(shown.addedBytes).toBeLessThan(MAX_ADDED_BYTES);
      expect(shown.info.Size).toBe(shown.baseBytes + shown.addedBytes);
      expect(shown.peakRssBytes).toBeGreaterThan(0);
      expect(shown.peakRssBytes).toBeLessThan(createOptions.HostConfig.Memory);
    });
  });

  it('runs the agent on the oldest Node package.json supports', () => {
    const minimum = minimumNode();
    const versions = [...runs.values()].map((r) => r.probe.nodeVersion.split('.').map(Number));
    expect(versions).toHaveLength(PLATFORMS.length);
    const [major, minor, patch] = versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])[0];
    // At or above the minimum, in its minor: a newer Node in every base would leave the minimum untested.
    expect({ major, minor }).toEqual({ major: minimum.major, minor: minimum.minor });
    expect(patch).toBeGreaterThanOrEqual(minimum.patch);
  });
});
