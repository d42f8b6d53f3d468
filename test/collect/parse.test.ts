import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { toContainerStats } from '../../src/collect/container-stats.js';
import { PROBE_OUTPUT_MAX_CHARS, toContainerInfo } from '../../src/collect/containers.js';

const MiB = 1024 ** 2;

type HostConfigOverrides = Partial<Docker.ContainerInspectInfo['HostConfig']>;

/** An inspect answer as the engine gives it, trimmed to the fields read, changed where a case differs. */
function inspect(host: HostConfigOverrides = {}, overrides: Record<string, unknown> = {}): Docker.ContainerInspectInfo {
  return {
    Id: 'abc123',
    Name: '/tempSensor',
    Image: 'sha256:feed',
    Created: '2024-04-01T00:00:00.000000000Z',
    RestartCount: 2,
    LogPath: '/var/lib/docker/containers/abc123/abc123-json.log',
    Config: { Image: 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5', Labels: { 'net.azure-devices.edge.owner': 'Microsoft.Azure.Devices.Edge.Agent' } },
    State: { Status: 'running', Running: true, OOMKilled: false, ExitCode: 0, StartedAt: '2024-04-01T00:00:01Z', FinishedAt: '0001-01-01T00:00:00Z' },
    HostConfig: {
      Memory: 64 * MiB,
      NanoCpus: 500_000_000,
      CpuQuota: 0,
      CpuPeriod: 0,
      PidsLimit: 100,
      Privileged: false,
      RestartPolicy: { Name: 'always', MaximumRetryCount: 0 },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } },
      ...host,
    },
    Mounts: [],
    ...overrides,
  } as unknown as Docker.ContainerInspectInfo;
}

describe('toContainerInfo', () => {
  it('maps the inspected fields', () => {
    const info = toContainerInfo(inspect());
    expect(info).toMatchObject({
      id: 'abc123',
      image: 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5',
      imageId: 'sha256:feed',
      labels: { 'net.azure-devices.edge.owner': 'Microsoft.Azure.Devices.Edge.Agent' },
      state: { status: 'running', running: true, oomKilled: false, exitCode: 0 },
      restartCount: 2,
      restartPolicy: 'always',
      privileged: false,
      limits: { memoryBytes: 64 * MiB, nanoCpus: 500_000_000, cpuQuota: 0, cpuPeriod: 0, pidsLimit: 100 },
      logConfig: { type: 'json-file', config: { 'max-size': '10m' } },
      logPath: '/var/lib/docker/containers/abc123/abc123-json.log',
      mounts: [],
    });
  });

  it('strips the leading slash from the name', () => {
    expect(toContainerInfo(inspect()).name).toBe('tempSensor');
  });

  it('keeps a name without a leading slash as it is, and strips only one slash', () => {
    expect(toContainerInfo(inspect({}, { Name: 'edgeHub' })).name).toBe('edgeHub');
    expect(toContainerInfo(inspect({}, { Name: '/a/b' })).name).toBe('a/b');
  });

  it.each([0, -1])('PidsLimit %d means no limit (null)', (pids) => {
    expect(toContainerInfo(inspect({ PidsLimit: pids })).limits.pidsLimit).toBeNull();
  });

  it('a missing PidsLimit means no limit', () => {
    expect(toContainerInfo(inspect({ PidsLimit: undefined })).limits.pidsLimit).toBeNull();
  });

  it('a missing LogConfig gives an empty driver and no options', () => {
    expect(toContainerInfo(inspect({ LogConfig: undefined })).logConfig).toEqual({ type: '', config: {} });
  });

  it('missing limits read as 0 and missing Privileged as false', () => {
    const info = toContainerInfo(inspect({ Memory: undefined, NanoCpus: undefined, CpuQuota: undefined, CpuPeriod: undefined, Privileged: undefined }));
    expect(info.limits).toMatchObject({ memoryBytes: 0, nanoCpus: 0, cpuQuota: 0, cpuPeriod: 0 });
    expect(info.privileged).toBe(false);
  });

  it('an empty restart policy name reads as "no"', () => {
    expect(toContainerInfo(inspect({ RestartPolicy: { Name: '', MaximumRetryCount: 0 } })).restartPolicy).toBe('no');
  });

  it('missing labels read as none', () => {
    const raw = inspect();
    raw.Config.Labels = null as unknown as Record<string, string>;
    expect(toContainerInfo(raw).labels).toEqual({});
  });

  it('volume mounts keep their volume name; bind mounts have none', () => {
    const info = toContainerInfo(
      inspect({}, {
        Mounts: [
          { Type: 'volume', Name: 'edgeHub', Source: '/var/lib/docker/volumes/edgeHub/_data', Destination: '/tmp/edgeHub', Driver: 'local', Mode: 'z', RW: true, Propagation: '' },
          { Type: 'bind', Source: '/etc/aziot', Destination: '/config', Mode: '', RW: false, Propagation: 'rprivate' },
        ],
      }),
    );
    expect(info.mounts).toEqual([
      { type: 'volume', name: 'edgeHub', source: '/var/lib/docker/volumes/edgeHub/_data', destination: '/tmp/edgeHub', readOnly: false },
      { type: 'bind', source: '/etc/aziot', destination: '/config', readOnly: true },
    ]);
    expect('name' in info.mounts[1]).toBe(false);
  });

  it('RW false makes the mount read-only', () => {
    const info = toContainerInfo(inspect({}, { Mounts: [{ Type: 'volume', Name: 'v', Source: '/s', Destination: '/d', RW: false }] }));
    expect(info.mounts[0].readOnly).toBe(true);
  });

  it('missing Mounts read as none', () => {
    expect(toContainerInfo(inspect({}, { Mounts: undefined })).mounts).toEqual([]);
  });

  it('keeps a HEALTHCHECK\'s status, failing streak and last probe, cutting a long output', () => {
    const log = [
      { Start: '2024-04-01T00:01:00Z', End: '2024-04-01T00:01:01Z', ExitCode: 0, Output: 'ok' },
      { Start: '2024-04-01T00:02:00Z', End: '2024-04-01T00:02:01Z', ExitCode: 1, Output: `  ${'e'.repeat(2000)}\n` },
    ];
    const state = { Status: 'running', Running: true, OOMKilled: false, ExitCode: 0, StartedAt: '2024-04-01T00:00:01Z', FinishedAt: '0001-01-01T00:00:00Z' };
    const info = toContainerInfo(inspect({}, { State: { ...state, Health: { Status: 'unhealthy', FailingStreak: 3, Log: log } } }));
    expect(info.health).toEqual({ status: 'unhealthy', failingStreak: 3, lastProbe: { at: '2024-04-01T00:02:01Z', exitCode: 1, output: 'e'.repeat(PROBE_OUTPUT_MAX_CHARS) } });
    expect(toContainerInfo(inspect({}, { State: { ...state, Health: { Status: 'starting', FailingStreak: 0, Log: [] } } })).health).toEqual({ status: 'starting', failingStreak: 0, lastProbe: null });
  });

  it('has no health for a container without a HEALTHCHECK', () => {
    expect(toContainerInfo(inspect())).not.toHaveProperty('health');
  });

  it('gives JSON-serialisable data', () => {
    const info = toContainerInfo(inspect());
    expect(JSON.parse(JSON.stringify(info))).toStrictEqual(info);
  });
});

function sample(memory: Record<string, unknown> | undefined): Docker.ContainerStats {
  return { read: '2024-05-01T00:00:00Z', memory_stats: memory } as unknown as Docker.ContainerStats;
}

describe('toContainerStats', () => {
  it('on cgroup v1 subtracts total_inactive_file from usage', () => {
    const stats = toContainerStats('c1', sample({ usage: 50 * MiB, limit: 64 * MiB, stats: { total_inactive_file: 20 * MiB, inactive_file: 5 * MiB, cache: 25 * MiB } }));
    expect(stats).toEqual({ containerId: 'c1', memoryUsageBytes: 30 * MiB, memoryLimitBytes: 64 * MiB });
  });

  it('on cgroup v2 subtracts inactive_file from usage', () => {
    const stats = toContainerStats('c2', sample({ usage: 40 * MiB, limit: 128 * MiB, stats: { inactive_file: 10 * MiB, active_file: 3 * MiB, anon: 20 * MiB } }));
    expect(stats).toEqual({ containerId: 'c2', memoryUsageBytes: 30 * MiB, memoryLimitBytes: 128 * MiB });
  });

  it('without a page-cache figure, usage is taken as it is', () => {
    expect(toContainerStats('c3', sample({ usage: 40 * MiB, limit: 128 * MiB }))?.memoryUsageBytes).toBe(40 * MiB);
    expect(toContainerStats('c3', sample({ usage: 40 * MiB, limit: 128 * MiB, stats: {} }))?.memoryUsageBytes).toBe(40 * MiB);
  });

  it('never reports negative usage', () => {
    expect(toContainerStats('c4', sample({ usage: 10 * MiB, limit: 64 * MiB, stats: { inactive_file: 12 * MiB } }))?.memoryUsageBytes).toBeGreaterThanOrEqual(0);
  });

  it('no usage (a stopped container, an engine without memory accounting) gives undefined', () => {
    expect(toContainerStats('c5', sample({}))).toBeUndefined();
    expect(toContainerStats('c5', sample(undefined))).toBeUndefined();
    expect(toContainerStats('c5', sample({ usage: 0, limit: 0 }))).toBeUndefined();
  });
});
