import type Docker from 'dockerode';
import { allowlistedEnv, isSystemModuleName } from '../iotedge.js';
import type { ContainerHealth, ContainerInfo } from '../snapshot.js';
import { unlessEngineAnswers } from '../engine/errors.js';
import { toContainerMount } from '../engine/mounts.js';
import { mapLimit } from '../map-limit.js';

const INSPECT_CONCURRENCY = 8;

/** Every container in any state, inspected once each. */
export async function collectContainers(docker: Docker, signal: AbortSignal): Promise<ContainerInfo[]> {
  const listed = await docker.listContainers({ all: true, abortSignal: signal });
  // One removed between list and inspect (404) is no longer there to judge.
  const inspected = await mapLimit(listed, INSPECT_CONCURRENCY, (summary, own) =>
    unlessEngineAnswers([404], docker.getContainer(summary.Id).inspect({ abortSignal: own })),
  signal);
  return inspected.filter((c) => c !== undefined).map(toContainerInfo);
}

export function toContainerInfo(c: Docker.ContainerInspectInfo): ContainerInfo {
  const host = c.HostConfig;
  const name = c.Name.replace(/^\//, '');
  return {
    id: c.Id,
    name,
    image: c.Config.Image,
    imageId: c.Image,
    createdAt: c.Created,
    labels: c.Config.Labels ?? {},
    state: {
      status: c.State.Status,
      running: c.State.Running,
      oomKilled: c.State.OOMKilled,
      exitCode: c.State.ExitCode,
      startedAt: c.State.StartedAt,
      finishedAt: c.State.FinishedAt,
    },
    ...health(c.State.Health),
    restartCount: c.RestartCount,
    restartPolicy: host.RestartPolicy?.Name || 'no',
    privileged: host.Privileged ?? false,
    limits: {
      memoryBytes: host.Memory ?? 0,
      nanoCpus: host.NanoCpus ?? 0,
      cpuQuota: host.CpuQuota ?? 0,
      cpuPeriod: host.CpuPeriod ?? 0,
      pidsLimit: host.PidsLimit && host.PidsLimit > 0 ? host.PidsLimit : null,
    },
    logConfig: { type: host.LogConfig?.Type ?? '', config: host.LogConfig?.Config ?? {} },
    logPath: c.LogPath ?? '',
    mounts: (c.Mounts ?? []).map(toContainerMount),
    // Module env can hold secrets: only the system modules' allowlisted variables are kept.
    ...(isSystemModuleName(name) ? { env: allowlistedEnv(c.Config.Env ?? []) } : {}),
  };
}

/** Longest probe output kept: enough to see why it failed, small enough for the snapshot. */
export const PROBE_OUTPUT_MAX_CHARS = 500;

function health(state: Docker.ContainerInspectInfo['State']['Health']): { health?: ContainerHealth } {
  if (!state || !['starting', 'healthy', 'unhealthy'].includes(state.Status)) return {};
  const last = state.Log?.at(-1);
  return {
    health: {
      status: state.Status as ContainerHealth['status'],
      failingStreak: state.FailingStreak,
      lastProbe: last ? { at: last.End, exitCode: last.ExitCode, output: last.Output.trim().slice(0, PROBE_OUTPUT_MAX_CHARS) } : null,
    },
  };
}
