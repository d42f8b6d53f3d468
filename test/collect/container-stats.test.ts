// Memory of limited containers on the private engine: read from their cgroup files on this host, and
// the same figures the engine's stats call gives; with the files hidden (a host root without /sys),
// the stats call measures them instead and says why.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ContainerStatsOptions, collectContainerStats, toContainerStats } from '../../src/collect/container-stats.js';
import { collectContainers } from '../../src/collect/containers.js';
import type { ContainerInfo, ContainerStats } from '../../src/snapshot.js';
import { Plant, describeWithEngine } from '../support/engine.js';

const MiB = 1024 ** 2;
/** Figures read a moment apart from a sleeping shell differ by a few pages at most. */
const TOLERANCE_BYTES = 1 * MiB;

async function waitFor(what: string, done: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describeWithEngine('containerStats on a real engine', () => {
  const plant = new Plant();
  let containers: ContainerInfo[];
  let info: { CgroupVersion?: string; CgroupDriver?: string; MemTotal: number };
  const ids: Record<string, string> = {};

  const options = (overrides: Partial<ContainerStatsOptions> = {}): ContainerStatsOptions => ({
    docker: plant.docker,
    layout: { version: info.CgroupVersion ?? '', driver: info.CgroupDriver ?? '' },
    memTotalBytes: info.MemTotal,
    hostRoot: '',
    containers: containers.filter((c) => c.name.startsWith(plant.prefix)),
    signal: new AbortController().signal,
    note: () => {},
    ...overrides,
  });
  const engineSays = async (id: string): Promise<ContainerStats | undefined> =>
    toContainerStats(id, (await plant.docker.getContainer(id).stats({ stream: false, 'one-shot': true } as never)) as unknown as Docker.ContainerStats);
  const statsOf = (all: ContainerStats[], name: string) => all.find((s) => s.containerId === ids[name]);

  beforeAll(async () => {
    info = (await plant.docker.info()) as typeof info;
    // A shell holding 6 MB of its own (not page cache), then sleeping: its use stays put. The loop
    // keeps the shell: a last plain command would replace it.
    const holding = await plant.container({ name: 'holding', memoryBytes: 32 * MiB, cmd: ['sh', '-c', 'x=$(head -c 6000000 /dev/zero | tr "\\0" a); while true; do sleep 3600; done'] });
    // A child over the limit is killed; the container's shell lives on.
    const oomChild = await plant.container({ name: 'oom-child', memoryBytes: 16 * MiB, cmd: ['sh', '-c', '(x=$(head -c 60000000 /dev/zero | tr "\\0" a)); echo child-exited-$?; sleep 3600'] });
    const unlimited = await plant.container({ name: 'unlimited' });
    Object.assign(ids, { holding: holding.id, oomChild: oomChild.id, unlimited: unlimited.id });
    await waitFor('the child in oom-child to be killed', async () => String(await oomChild.logs({ stdout: true })).includes('child-exited-137'));
    containers = await collectContainers(plant.docker, new AbortController().signal);
    // The shell has filled its variable once two readings agree.
    let last = -1;
    await waitFor('holding to settle', async () => {
      const usage = (await engineSays(holding.id))?.memoryUsageBytes ?? 0;
      const settled = usage > 4 * MiB && Math.abs(usage - last) < 64 * 1024;
      last = usage;
      return settled;
    });
  });
  afterAll(() => plant.cleanup());

  it('reads running, limited containers from their cgroup files, with what the engine\'s stats say', async () => {
    const notes: string[] = [];
    const fromFiles = await collectContainerStats(options({ note: (text) => notes.push(text) }));
    expect(fromFiles.map((s) => s.containerId).sort()).toEqual([ids.holding, ids.oomChild].sort());
    const holding = statsOf(fromFiles, 'holding');
    expect(holding?.engineFallback, `cgroup ${info.CgroupVersion} with the ${info.CgroupDriver} driver: files not found`).toBeUndefined();
    expect(notes).toEqual([]);
    const engine = await engineSays(ids.holding);
    expect(holding?.memoryLimitBytes).toBe(32 * MiB);
    expect(engine?.memoryLimitBytes).toBe(32 * MiB);
    expect(holding?.memoryUsageBytes).toBeGreaterThan(4 * MiB);
    expect(Math.abs((holding?.memoryUsageBytes ?? 0) - (engine?.memoryUsageBytes ?? 0))).toBeLessThanOrEqual(TOLERANCE_BYTES);
    expect(holding?.oomKillCount).toBe(0);
  });

  it('counts the OOM kills of a container that kept running', async () => {
    // Moby 20.10 leaves OOMKilled false here: only the cgroup tells.
    expect(containers.find((c) => c.id === ids.oomChild)?.state.running).toBe(true);
    const stats = statsOf(await collectContainerStats(options()), 'oomChild');
    expect(stats?.oomKillCount).toBeGreaterThanOrEqual(1);
    expect(stats?.memoryUsageBytes).toBeLessThan(16 * MiB);
  });

  it('asks the engine when the files are hidden (a host root without /sys), saying why', async () => {
    const notes: string[] = [];
    const hidden = mkdtempSync(path.join(tmpdir(), 'eh-no-sys-'));
    const fromEngine = await collectContainerStats(options({ hostRoot: hidden, note: (text) => notes.push(text) }));
    expect(fromEngine.map((s) => s.containerId).sort()).toEqual([ids.holding, ids.oomChild].sort());
    const holding = statsOf(fromEngine, 'holding');
    expect(holding?.engineFallback).toBe(
      `no memory cgroup for it in ${hidden}/sys/fs/cgroup (cgroup v${info.CgroupVersion}, ${info.CgroupDriver} driver): is the host's /sys/fs/cgroup mounted there?`,
    );
    expect(holding).not.toHaveProperty('oomKillCount');
    expect(holding?.memoryLimitBytes).toBe(32 * MiB);
    const fromFiles = statsOf(await collectContainerStats(options()), 'holding');
    expect(Math.abs((holding?.memoryUsageBytes ?? 0) - (fromFiles?.memoryUsageBytes ?? 0))).toBeLessThanOrEqual(TOLERANCE_BYTES);
    expect(notes).toEqual([expect.stringMatching(/^2 of 2 containers measured by the engine's stats call \(slow\), not from cgroup files: no memory cgroup/)]);
  });

  it('stops when its signal has fired', async () => {
    await expect(collectContainerStats(options({ signal: AbortSignal.abort() }))).rejects.toThrow();
  });
});
