// IoT Edge modules that are not running, and modules that keep restarting.
import type { Config } from '../config/settings.js';
import { envValue, isIotEdgeModule, isSystemModuleName, systemModule } from '../iotedge.js';
import type { ContainerInfo, Snapshot } from '../snapshot.js';
import { describeDuration, secondsSince } from './describe.js';
import type { Check, Finding, Status } from './types.js';

/** edgeAgent's MaxRestartCount when its env does not set one. */
export const DEFAULT_MAX_RESTART_COUNT = 20;

const LOGS_FIX = 'Read why it stopped: `iotedge logs <module>` (or `docker logs <container>`) and `iotedge check`.';
const GAVE_UP_FIX =
  `edgeAgent no longer restarts a module past its MaxRestartCount: fix the cause (see its logs: \`iotedge logs <module>\`), then restart it (\`iotedge restart <module>\`) or redeploy; MaxRestartCount (edgeAgent env, default ${DEFAULT_MAX_RESTART_COUNT}) sets the limit.`;
const SYSTEM_FIX =
  'Without edgeAgent nothing restarts modules, and without edgeHub no message leaves the device: `sudo iotedge system restart`, then `sudo iotedge check` and `iotedge logs edgeAgent`.';

export const modulesRunning: Check = {
  id: 'modules.running',
  title: 'IoT Edge modules running',
  needs: ['containers', 'restartHistory'],
  twinNumbers: ['restartsLastHour', 'restartCount', 'exitCode', 'stoppedSeconds'],
  settings: ['crashLoopRestartsPerHour'],
  run(snapshot, config) {
    const modules = (snapshot.containers ?? []).filter(isIotEdgeModule);
    if (modules.length === 0) {
      return [{ subject: 'modules', status: 'skipped', message: 'no IoT Edge module containers on this engine', details: {} }];
    }
    const agentLimit = Number.parseInt(envValue(systemModule(snapshot, 'edgeAgent')?.env, 'MaxRestartCount') ?? '', 10);
    const maxRestartCount = Number.isInteger(agentLimit) && agentLimit > 0 ? agentLimit : DEFAULT_MAX_RESTART_COUNT;
    return modules.map((module) => judge(module, snapshot, config, maxRestartCount));
  },
};

function judge(module: ContainerInfo, snapshot: Snapshot, config: Config, maxRestartCount: number): Finding {
  const { state } = module;
  const seen = snapshot.restartHistory?.containers.find((c) => c.containerId === module.id);
  const restartsLastHour = seen?.restartsLastHour ?? 0;
  const restarts = Math.max(module.restartCount, restartsLastHour);
  const stoppedSeconds = secondsSince(state.finishedAt, snapshot.collectedAt);
  const details = {
    state: state.status,
    exitCode: state.exitCode,
    startedAt: state.startedAt,
    finishedAt: stoppedSeconds === null ? null : state.finishedAt,
    stoppedSeconds: state.running ? null : stoppedSeconds,
    restartCount: module.restartCount,
    restartsLastHour,
    restartsWatchedSince: seen?.watchedSince ?? null,
    maxRestartCount,
  };
  const since = stoppedSeconds === null ? '' : ` ${describeDuration(stoppedSeconds)} ago`;
  const finding = (status: Status, message: string, remediation?: string): Finding => ({
    subject: module.name,
    status,
    message,
    details,
    ...(remediation ? { remediation } : {}),
  });
  const system = isSystemModuleName(module.name);

  if (state.status === 'running' && state.running) {
    if (restartsLastHour >= config.crashLoopRestartsPerHour) {
      return finding('warning', `crash loop: restarted ${restartsLastHour} times within the last hour`, LOGS_FIX);
    }
    return finding('ok', `running${module.restartCount > 0 ? `, restarted ${module.restartCount} time(s) by the engine` : ''}`);
  }
  if (state.status === 'restarting') {
    return finding(system ? 'error' : 'warning', `restarting (exit code ${state.exitCode}, restarted ${module.restartCount} times)`, system ? SYSTEM_FIX : LOGS_FIX);
  }
  if (state.status === 'paused') return finding(system ? 'error' : 'warning', 'paused: it runs no code until unpaused', 'Unpause it: `docker unpause <container>`.');
  if (state.status === 'dead') return finding('error', `dead (exit code ${state.exitCode})${since}: the engine could not stop or remove it`, 'Remove the container (`docker rm -f <container>`): edgeAgent then creates it again; see the engine\'s log (`journalctl -u docker`) for why.');
  if (state.status === 'created') return finding(system ? 'error' : 'warning', 'created but never started', system ? SYSTEM_FIX : LOGS_FIX);
  // exited
  if (state.exitCode === 0 && !system) return finding('ok', `exited cleanly (exit code 0)${since}`);
  if (restarts >= maxRestartCount) {
    return finding('error', `exited with code ${state.exitCode}${since} after ${restarts} restarts: past edgeAgent's MaxRestartCount ${maxRestartCount}, so edgeAgent will not restart it again`, GAVE_UP_FIX);
  }
  if (system) return finding('error', `exited with code ${state.exitCode}${since}`, SYSTEM_FIX);
  return finding('warning', `exited with code ${state.exitCode}${since}`, LOGS_FIX);
}
