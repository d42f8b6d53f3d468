// Host-side collectors read through the host-root prefix, as they do inside the module container.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectContainerLogs } from '../../src/collect/container-logs.js';
import { collectDaemonConfig } from '../../src/collect/daemon-config.js';
import { type WatchedPath, collectFilesystems } from '../../src/collect/filesystems.js';

function hostRoot(files: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'eh-host-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

const signal = new AbortController().signal;

/** The line that tells a container's mount table from a host's: the engine's own hostname file. */
const IN_CONTAINER = `1036 1021 8:1 /var/lib/docker/containers/${'ab'.repeat(32)}/hostname /etc/hostname rw - ext4 /dev/sda1 rw`;

/** A mount table (/proc/self/mountinfo lines) written beside the fake host root; returns its path. */
function mountTable(root: string, lines: string[]): string {
  const file = path.join(root, 'mountinfo');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('daemon.json', () => {
  it('is read under the host root, keeping the fields checks use', async () => {
    const root = hostRoot({ 'etc/docker/daemon.json': JSON.stringify({ 'log-driver': 'local', 'log-opts': { 'max-size': '10m' }, debug: true }) });
    await expect(collectDaemonConfig(root, '/etc/docker/daemon.json', signal)).resolves.toEqual({
      path: '/etc/docker/daemon.json',
      found: true,
      logDriver: 'local',
      logOpts: { 'max-size': '10m' },
    });
  });

  it('that is missing is the engine defaults, not an error', async () => {
    await expect(collectDaemonConfig(hostRoot(), '/etc/docker/daemon.json', signal)).resolves.toEqual({ path: '/etc/docker/daemon.json', found: false });
  });

  it('that is a FIFO or too large is an error saying so at once, never a hang or a whole read', async () => {
    const root = hostRoot();
    mkdirSync(path.join(root, 'etc/docker'), { recursive: true });
    execFileSync('mkfifo', [path.join(root, 'etc/docker/daemon.json')]);
    await expect(collectDaemonConfig(root, '/etc/docker/daemon.json', signal)).rejects.toThrow('/etc/docker/daemon.json: not a regular file (a FIFO), not read');
    const big = hostRoot({ 'etc/docker/daemon.json': `{"debug": true, "x": "${'a'.repeat(2 * 1024 * 1024)}"}` });
    await expect(collectDaemonConfig(big, '/etc/docker/daemon.json', signal)).rejects.toThrow(/daemon\.json: too large/);
  });

  it('that is broken is an error naming the file and the field', async () => {
    await expect(collectDaemonConfig(hostRoot({ 'etc/docker/daemon.json': '{"log-driver": ' }), '/etc/docker/daemon.json', signal)).rejects.toThrow(
      /^\/etc\/docker\/daemon\.json: not valid JSON/,
    );
    await expect(
      collectDaemonConfig(hostRoot({ 'etc/docker/daemon.json': '{"log-opts": {"max-file": 3}}' }), '/etc/docker/daemon.json', signal),
    ).rejects.toThrow('/etc/docker/daemon.json: "log-opts" must be an object of strings');
  });
});

describe('filesystems', () => {
  it('reports each filesystem once, with every watched path on it, and unreadable paths apart', async () => {
    const root = hostRoot({ 'data/a': 'x' });
    // In a container, with the host's / mounted at the host root, as a deployment that watches it does.
    const mountinfo = mountTable(root, ['1021 1003 0:52 / / rw - overlay overlay rw', IN_CONTAINER, `1030 1021 8:1 / ${root} ro - ext4 /dev/sda1 rw`]);
    const watched: WatchedPath[] = [
      { path: '/', role: 'root' },
      { path: '/data', role: 'configured' },
      { path: '/missing', role: 'configured' },
    ];
    const scan = await collectFilesystems({ hostRoot: root, watched, mountinfo }, signal);
    expect(scan.filesystems).toHaveLength(1);
    expect(scan.filesystems[0].path).toBe('/');
    expect(scan.filesystems[0].watchedPaths).toEqual([
      { path: '/', role: 'root' },
      { path: '/data', role: 'configured' },
    ]);
    expect(scan.filesystems[0].inodesTotal).toBeGreaterThan(0);
    expect(scan.unreadable).toEqual([{ path: '/missing', role: 'configured', error: expect.stringMatching(/ENOENT/) }]);
  });

  it('tells apart paths on different filesystems', async () => {
    const watched: WatchedPath[] = [
      { path: '/', role: 'root' },
      { path: '/proc', role: 'configured' },
    ];
    const scan = await collectFilesystems({ hostRoot: '', watched }, signal);
    expect(scan.filesystems.map((fs) => fs.path)).toEqual(['/', '/proc']);
    // Never the root's mount: /proc is a filesystem of its own, named from the mount table.
    expect(scan.filesystems[1]).toMatchObject({ mount: '/proc', device: 'proc', type: 'proc' });
    expect(scan.filesystems[0].mount).toBe('/');
  });
});

describe('container log files', () => {
  it('counts the current and rotated files of the container, nothing else', async () => {
    const id = 'c'.repeat(64);
    const root = hostRoot({
      [`var/lib/docker/containers/${id}/${id}-json.log`]: 'a'.repeat(100),
      [`var/lib/docker/containers/${id}/${id}-json.log.1`]: 'a'.repeat(1000),
      [`var/lib/docker/containers/${id}/${id}-json.log.2.gz`]: 'a'.repeat(10),
      [`var/lib/docker/containers/${id}/config.v2.json`]: 'a'.repeat(5000),
    });
    const container = {
      id,
      logConfig: { type: 'json-file', config: {} },
      logPath: `/var/lib/docker/containers/${id}/${id}-json.log`,
    } as Parameters<typeof collectContainerLogs>[0]['containers'][number];
    const notes: string[] = [];
    const [log] = await collectContainerLogs({ containers: [container], dataRoot: '/var/lib/docker', hostRoot: root, note: (n) => notes.push(n), signal });
    expect(log.totalBytes).toBe(1110);
    expect(log.files.map((f) => f.name)).toEqual([`${id}-json.log`, `${id}-json.log.1`, `${id}-json.log.2.gz`]);
    expect(notes).toEqual([]);
  });

  it('with the data root not visible under the host root, every log is a blind spot saying how to bind it, never 0 B', async () => {
    const id = 'e'.repeat(64);
    const container = {
      id,
      logConfig: { type: 'json-file', config: {} },
      logPath: `/var/lib/docker/containers/${id}/${id}-json.log`,
      state: { running: true, startedAt: '2024-04-01T00:00:00Z' },
    } as Parameters<typeof collectContainerLogs>[0]['containers'][number];
    const root = hostRoot({ 'etc/hostname': 'edge' });
    const [log] = await collectContainerLogs({ containers: [container], dataRoot: '/var/lib/docker', hostRoot: root, note: () => {}, signal });
    expect(log).toMatchObject({ files: [], blind: 'not-mounted' });
    expect(log.error).toContain(`the Docker data root /var/lib/docker is not visible under the host root ${root}`);
    expect(log.error).toContain(`"/var/lib/docker:${root}/var/lib/docker:ro"`);
  });

  it('tells a container that never ran (no log yet) from one that ran and whose log folder is not visible', async () => {
    const root = hostRoot({ 'var/lib/docker/containers/.keep': '' });
    const make = (id: string, startedAt: string) =>
      ({ id, logConfig: { type: 'local', config: {} }, logPath: '', state: { running: false, startedAt } }) as Parameters<typeof collectContainerLogs>[0]['containers'][number];
    const [never, ran] = await collectContainerLogs({ containers: [make('f'.repeat(64), '0001-01-01T00:00:00Z'), make('9'.repeat(64), '2024-04-01T00:00:00Z')], dataRoot: '/var/lib/docker', hostRoot: root, note: () => {}, signal });
    expect(never).toMatchObject({ files: [], totalBytes: 0 });
    expect(never.error).toBeUndefined();
    expect(ran).toMatchObject({ files: [], blind: 'not-mounted' });
    expect(ran.error).toContain('not visible to the agent although the container has run');
  });

  it('records a folder it may not read as that container\'s error and says so', async () => {
    const id = 'd'.repeat(64);
    const root = hostRoot({ [`var/lib/docker/containers/${id}`]: 'a file where a folder should be' });
    const container = { id, logConfig: { type: 'local', config: {} }, logPath: '' } as Parameters<typeof collectContainerLogs>[0]['containers'][number];
    const notes: string[] = [];
    const [log] = await collectContainerLogs({ containers: [container], dataRoot: '/var/lib/docker', hostRoot: root, note: (n) => notes.push(n), signal });
    expect(log.error).toMatch(/ENOTDIR/);
    expect(notes).toEqual(['log files of 1 of 1 containers could not be read']);
  });
});

describe('filesystems under a host root', () => {
  it('in a container, measures only paths the host mounts there; the rest is the image\'s own and is named as not mounted', async () => {
    const root = hostRoot({ 'var/lib/docker/x': 'x' });
    const mountinfo = mountTable(root, [
      '1021 1003 0:52 / / rw,relatime master:1 - overlay overlay rw',
      IN_CONTAINER,
      `1030 1021 8:1 /var/lib/docker ${root}/var/lib/docker ro,relatime - ext4 /dev/sda1 rw`,
      `1031 1021 8:1 /srv/my\\040data ${root}/srv/my\\040data ro,relatime - ext4 /dev/sda1 rw`,
    ]);
    const watched: WatchedPath[] = [
      { path: '/', role: 'root' },
      { path: '/var/lib/docker', role: 'dockerDataRoot' },
      { path: '/srv/my data', role: 'configured' },
    ];
    const scan = await collectFilesystems({ hostRoot: root, watched, mountinfo }, signal);
    expect(scan.notMounted).toEqual([{ path: '/', role: 'root' }]);
    expect(scan.filesystems.flatMap((fs) => fs.watchedPaths.map((w) => w.path))).toEqual(['/var/lib/docker']);
    // Mounted but missing here: read, failed, and said so, not silently dropped.
    expect(scan.unreadable.map((u) => u.path)).toEqual(['/srv/my data']);
  });

  it('on the host itself (no host root) measures every path', async () => {
    const scan = await collectFilesystems({ hostRoot: '', watched: [{ path: '/', role: 'root' }], mountinfo: '/no/such/mountinfo' }, signal);
    expect(scan.notMounted).toEqual([]);
    expect(scan.filesystems).toHaveLength(1);
    // No mountinfo (as on macOS): systeminformation names the filesystem, as df does.
    const df = execFileSync('df', ['-P', '/'], { encoding: 'utf8' }).trim().split('\n')[1].split(/\s+/)[0];
    expect(scan.filesystems[0].device).toBe(df);
  });

  it('outside a container, measures a host root that is a plain folder (a mounted system image, a test fixture)', async () => {
    const root = hostRoot({ 'data/a': 'x' });
    const mountinfo = mountTable(root, ['22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw']);
    const scan = await collectFilesystems({ hostRoot: root, watched: [{ path: '/', role: 'root' }], mountinfo }, signal);
    expect(scan.notMounted).toEqual([]);
    expect(scan.filesystems.map((fs) => fs.path)).toEqual(['/']);
  });
});
