import { cite } from './checklist.js';
import { formatBytes } from '../size.js';
import type { Config } from '../config/settings.js';
import type { ContainerInfo, ContainerStats } from '../snapshot.js';
import { type Problem, summariseProblems } from './problems.js';
import type { Check, Finding } from './types.js';

const LIMITS_FIX =
  'Set HostConfig.Memory and HostConfig.NanoCpus in the module\'s createOptions (' + cite('Limit container access to host resources') + ').';

export const containersLimits: Check = {
  id: 'containers.limits',
  title: 'Container limits and stability',
  settings: ['restartWarnCount', 'memoryUsageWarnPercent'],
  needs: ['containers'],
  twinNumbers: ['memoryUsedPercent', 'memoryUsageBytes', 'memoryLimitBytes', 'cpuLimit', 'restartCount'],
  uses: ['containerStats'],
  run(snapshot, config) {
    const stats = new Map((snapshot.containerStats ?? []).map((s) => [s.containerId, s]));
    return (snapshot.containers ?? []).map((container) => judge(container, stats.get(container.id), config));
  },
};

/**
 * The engine's OOMKilled says the kernel killed a process of the container for lack of memory:
 * the container itself when it then exited, only a child when it is still running.
 */
function oomProblem(container: ContainerInfo, oomKillCount: number): Problem {
  const limit = container.limits.memoryBytes;
  const fix =
    limit > 0
      ? `Raise its memory limit above the ${formatBytes(limit)} it has (HostConfig.Memory in createOptions), or find what makes it grow.`
      : 'It has no memory limit, so the host itself ran out of memory: find what grows, and set HostConfig.Memory in its createOptions so it cannot take the host down with it.';
  const within = limit > 0 ? `its ${formatBytes(limit)} memory limit` : 'the host\'s memory (it has no limit)';
  const processes = oomKillCount > 1 ? `${oomKillCount} processes in it were` : 'a process in it was';
  return container.state.running
    ? { status: 'error', text: `${processes} killed for lack of memory (OOM, over ${within}); the container kept running`, fix }
    : { status: 'error', text: `was killed for lack of memory (OOM, over ${within}) and exited with code ${container.state.exitCode}`, fix };
}

function judge(container: ContainerInfo, stats: ContainerStats | undefined, config: Config): Finding {
  const { limits } = container;
  const cpuLimit = limits.nanoCpus > 0 ? limits.nanoCpus / 1e9 : limits.cpuQuota > 0 ? limits.cpuQuota / (limits.cpuPeriod || 100_000) : null;
  const memoryUsedPercent =
    stats && limits.memoryBytes > 0 ? Math.round((stats.memoryUsageBytes / limits.memoryBytes) * 1000) / 10 : null;
  const problems: Problem[] = [];

  // Moby 20.10 leaves OOMKilled false when only a child was killed and the container runs on; its cgroup counts those kills.
  const oomKillCount = stats?.oomKillCount ?? 0;
  if (container.state.oomKilled || oomKillCount > 0) problems.push(oomProblem(container, oomKillCount));
  if (container.privileged) {
    problems.push({ status: 'warning', text: 'runs privileged', fix: 'Grant only the devices and capabilities it needs instead of Privileged (Marketplace modules must not be privileged).' });
  }
  if (container.restartCount >= config.restartWarnCount) {
    problems.push({ status: 'warning', text: `restarted ${container.restartCount} times`, fix: 'Read its logs (`iotedge logs <module>` or `docker logs`) to see why it exits.' });
  }
  if (limits.memoryBytes === 0) problems.push({ status: 'warning', text: 'no memory limit', fix: LIMITS_FIX });
  if (cpuLimit === null) problems.push({ status: 'warning', text: 'no CPU limit', fix: LIMITS_FIX });
  if (memoryUsedPercent !== null && memoryUsedPercent > config.memoryUsageWarnPercent) {
    problems.push({ status: 'warning', text: `uses ${memoryUsedPercent}% of its ${formatBytes(limits.memoryBytes)} memory limit`, fix: 'Raise its memory limit before it is OOM-killed.' });
  }

  const details = {
    state: container.state.status,
    memoryLimitBytes: limits.memoryBytes,
    memoryUsageBytes: stats?.memoryUsageBytes ?? null,
    memoryUsedPercent,
    cpuLimit,
    pidsLimit: limits.pidsLimit,
    privileged: container.privileged,
    oomKilled: container.state.oomKilled,
    oomKillCount: stats?.oomKillCount ?? null,
    // Where the memory figures came from: the container's cgroup files, or the engine's (slow) stats call and why.
    memoryReadFrom: stats ? (stats.engineFallback === undefined ? 'cgroup' : 'engine') : null,
    ...(stats?.engineFallback === undefined ? {} : { memoryEngineFallback: stats.engineFallback }),
    restartCount: container.restartCount,
    restartPolicy: container.restartPolicy,
  };
  if (problems.length === 0) {
    return { subject: container.name, status: 'ok', message: `memory limit ${formatBytes(limits.memoryBytes)}, CPU limit ${cpuLimit} CPUs`, details };
  }
  const { status, text, remediation } = summariseProblems(problems);
  return { subject: container.name, status, message: text, details, remediation };
}
