// collectSnapshot against the real private engine: what users' hosts will give the checks.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NEWEST_API, compareApiVersions } from '../../src/engine/connection.js';
import { collectSnapshot } from '../../src/collect/snapshot.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { Snapshot } from '../../src/snapshot.js';
import { Plant, TEST_ENGINE_ENDPOINT, describeWithEngine } from '../support/engine.js';

const MiB = 1024 ** 2;

describeWithEngine('collectSnapshot on a real engine', () => {
  const plant = new Plant();
  let snapshot: Snapshot;

  beforeAll(async () => {
    const unused = await plant.volume('unused', { bytes: 300_000 });
    const data = await plant.volume('data');
    const bound = await plant.volume('bound');
    const { DockerRootDir } = (await plant.docker.info()) as { DockerRootDir: string };
    await plant.container({ name: 'binds-data', volumes: { [`${DockerRootDir}/volumes/${bound}/_data`]: '/data' }, start: false });
    await plant.container({ name: 'limited', memoryBytes: 32 * MiB, nanoCpus: 5e8, volumes: { [data]: '/data' } });
    await plant.container({ name: 'stopped-user', volumes: { [unused + '-other']: '/x' }, start: false });
    await plant.container({ name: 'never-started', privileged: true, start: false });
    await plant.container({ name: 'chatty', cmd: ['sh', '-c', 'head -c 200000 /dev/zero | tr "\\0" a; echo; sleep 3600'] });
    await plant.container({ name: 'local-log', logConfig: { Type: 'local' }, cmd: ['sh', '-c', 'echo hello; sleep 3600'] });
    const oom = await plant.container({
      name: 'oom',
      memoryBytes: 8 * MiB,
      cmd: ['sh', '-c', 'x=$(head -c 60000000 /dev/zero | tr "\\0" a); sleep 1'],
    });
    await oom.wait();
    // Let the engine flush the log lines written above.
    await new Promise((resolve) => setTimeout(resolve, 500));
    snapshot = await collectSnapshot({ config: defaultConfig(), engineEndpoint: TEST_ENGINE_ENDPOINT });
  });
  afterAll(() => plant.cleanup());

  const planted = (base: string) => {
    const found = snapshot.containers?.find((c) => c.name === plant.name(base));
    if (!found) throw new Error(`${plant.name(base)} not in snapshot`);
    return found;
  };

  it('reaches the engine and negotiates the API version it speaks', () => {
    expect(snapshot.sources.docker).toMatchObject({ ok: true });
    const engineApi = snapshot.docker?.engineApiVersion ?? '';
    expect(snapshot.docker?.apiVersion).toBe(compareApiVersions(engineApi, NEWEST_API) <= 0 ? engineApi : NEWEST_API);
    expect(snapshot.docker?.endpoint).toBe(TEST_ENGINE_ENDPOINT);
    expect(snapshot.docker?.dataRoot).toMatch(/\/root$/);
    expect(snapshot.docker?.loggingDriver).toBe('json-file');
  });

  it('lists containers in every state with their limits', () => {
    expect(planted('limited')).toMatchObject({ state: { running: true }, limits: { memoryBytes: 32 * MiB, nanoCpus: 5e8 }, privileged: false });
    expect(planted('never-started')).toMatchObject({ state: { status: 'created', running: false }, privileged: true, logPath: '' });
    expect(planted('oom').state.oomKilled).toBe(true);
  });

  it('measures memory use of running containers that have a limit', () => {
    const stats = snapshot.containerStats?.find((s) => s.containerId === planted('limited').id);
    expect(stats?.memoryLimitBytes).toBe(32 * MiB);
    expect(stats?.memoryUsageBytes).toBeGreaterThan(0);
    expect(stats?.memoryUsageBytes).toBeLessThan(32 * MiB);
    expect(snapshot.containerStats?.some((s) => s.containerId === planted('chatty').id)).toBe(false);
  });

  it('finds json-file logs through LogPath and local logs in local-logs/', () => {
    const logOf = (base: string) => snapshot.containerLogs?.find((l) => l.containerId === planted(base).id);
    const chatty = logOf('chatty');
    expect(chatty?.error).toBeUndefined();
    expect(chatty?.files.map((f) => f.name)).toEqual([`${planted('chatty').id}-json.log`]);
    expect(chatty?.totalBytes).toBeGreaterThan(200_000);
    const local = logOf('local-log');
    expect(local?.directory).toMatch(/\/local-logs$/);
    expect(local?.files.map((f) => f.name)).toContain('container.log');
    expect(local?.totalBytes).toBeGreaterThan(0);
    expect(logOf('never-started')).toMatchObject({ files: [], totalBytes: 0 });
  });

  it('lists volumes with their users, in any state, and their sizes', () => {
    const volume = (base: string) => snapshot.volumes?.find((v) => v.name === plant.name(base));
    expect(volume('unused')).toMatchObject({ usedBy: [], anonymous: false });
    expect(volume('unused')?.sizeBytes).toBeGreaterThanOrEqual(300_000);
    expect(volume('data')?.usedBy).toEqual([plant.name('limited')]);
    expect(volume('unused-other')?.usedBy).toEqual([plant.name('stopped-user')]);
    // A bind mount of the volume's data folder uses it too, though the engine does not count it.
    expect(volume('bound')?.usedBy).toEqual([plant.name('binds-data')]);
    expect(snapshot.sources.volumeSizes.ok).toBe(true);
  });

  it('watches the root filesystem and the Docker data root', () => {
    const watched = snapshot.filesystems?.filesystems.flatMap((fs) => fs.watchedPaths.map((w) => w.role));
    expect(watched).toEqual(expect.arrayContaining(['root', 'dockerDataRoot']));
    for (const fs of snapshot.filesystems?.filesystems ?? []) {
      expect(fs.sizeBytes).toBeGreaterThan(0);
      expect(fs.availableBytes).toBeLessThanOrEqual(fs.sizeBytes);
    }
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});

describeWithEngine('volume sizes', () => {
  it('are reused from the cache while younger than the allowed age, and not asked for when off', async () => {
    const cache = {};
    const config = { ...defaultConfig(), volumeSizesMaxAgeSeconds: 600 };
    const first = await collectSnapshot({ config, engineEndpoint: TEST_ENGINE_ENDPOINT, volumeSizeCache: cache });
    const second = await collectSnapshot({ config, engineEndpoint: TEST_ENGINE_ENDPOINT, volumeSizeCache: cache });
    expect(first.sources.volumeSizes.note).toBeUndefined();
    expect(second.sources.volumeSizes.note).toMatch(/from cache/);

    const off = await collectSnapshot({ config: { ...config, volumeSizes: false }, engineEndpoint: TEST_ENGINE_ENDPOINT });
    expect(off.sources.volumeSizes).toMatchObject({ ok: false, error: expect.stringMatching(/volumeSizes is off/) });
    expect(off.sources.volumes.ok).toBe(true);
    expect(off.volumes?.every((v) => v.sizeBytes === null)).toBe(true);
  });
});
