// Docker HEALTHCHECK results of running containers: the module's own word on whether it works.
import type { Config } from '../config/settings.js';
import type { ContainerHealth, ContainerInfo } from '../snapshot.js';
import { describeDuration, quoteOutput, secondsSince } from './describe.js';
import type { Check, Finding } from './types.js';

const UNHEALTHY_FIX =
  'Read the probe output above and the module\'s logs (`iotedge logs <module>` or `docker logs <container>`); the HEALTHCHECK in its image or createOptions (Healthcheck) says what is probed.';
const STARTING_FIX =
  'The probe has not passed yet: check what it waits for in the module\'s logs, or raise Healthcheck.StartPeriod in createOptions if the module just needs longer to start.';

export const containersHealth: Check = {
  id: 'containers.health',
  title: 'Container health checks',
  needs: ['containers'],
  twinNumbers: ['failingStreak', 'lastProbeExitCode', 'runningSeconds'],
  settings: ['healthStartingWarnSeconds'],
  run(snapshot, config) {
    // A stopped container's last health says nothing now: modules.running judges stopped modules.
    const probed = (snapshot.containers ?? []).filter((c) => c.health && c.state.running);
    if (probed.length === 0) {
      return [{ subject: 'containers', status: 'skipped', message: 'no running container has a Docker HEALTHCHECK', details: {} }];
    }
    return probed.map((container) => judge(container, container.health as ContainerHealth, snapshot.collectedAt, config));
  },
};

function judge(container: ContainerInfo, health: ContainerHealth, now: string, config: Config): Finding {
  const runningSeconds = secondsSince(container.state.startedAt, now);
  const details = {
    health: health.status,
    failingStreak: health.failingStreak,
    lastProbeExitCode: health.lastProbe?.exitCode ?? null,
    lastProbeAt: health.lastProbe?.at ?? null,
    lastProbeOutput: health.lastProbe?.output ?? null,
    runningSeconds,
    startingWarnSeconds: config.healthStartingWarnSeconds,
  };
  const subject = container.name;
  if (health.status === 'unhealthy') {
    const output = health.lastProbe?.output ? `: "${quoteOutput(health.lastProbe.output)}"` : '';
    const code = health.lastProbe ? ` (last probe exit code ${health.lastProbe.exitCode}${output})` : '';
    return { subject, status: 'error', message: `unhealthy: ${health.failingStreak} failed probe(s) in a row${code}`, details, remediation: UNHEALTHY_FIX };
  }
  if (health.status === 'starting') {
    const since = runningSeconds === null ? '' : ` for ${describeDuration(runningSeconds)}`;
    if (runningSeconds !== null && runningSeconds > config.healthStartingWarnSeconds) {
      return { subject, status: 'warning', message: `health still "starting"${since}, over ${describeDuration(config.healthStartingWarnSeconds)}`, details, remediation: STARTING_FIX };
    }
    return { subject, status: 'ok', message: `health "starting"${since}`, details };
  }
  return { subject, status: 'ok', message: 'healthy', details };
}
