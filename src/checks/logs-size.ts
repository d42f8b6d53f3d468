import { cite } from './checklist.js';
import { formatBytes } from '../size.js';
import type { Config } from '../config/settings.js';
import type { Check, Finding, Status } from './types.js';

const REMEDIATION =
  'Cap the log: use the `local` log driver or set max-size/max-file, in daemon.json for all containers or in the module\'s createOptions HostConfig.LogConfig (' + cite('Set up default logging driver') + '). The engine applies new limits only to containers created after the change.';

const BIND_DATA_ROOT =
  'Bind the Docker data root into the agent read-only (createOptions HostConfig.Binds "/var/lib/docker:/host/var/lib/docker:ro" with hostRoot /host): without it no log size can be judged.';

export const logsSize: Check = {
  id: 'logs.size',
  title: 'Container log size',
  settings: ['logWarnBytes', 'logErrorBytes', 'logsTotalWarnBytes'],
  needs: ['containers', 'containerLogs'],
  twinNumbers: ['sizeBytes', 'fileCount', 'totalBytes', 'unreadableCount'],
  run(snapshot, config) {
    const containers = snapshot.containers ?? [];
    const logs = new Map((snapshot.containerLogs ?? []).map((log) => [log.containerId, log]));
    const sized = containers.map((container) => ({ container, log: logs.get(container.id) }));
    let unreadable = 0;
    let totalBytes = 0;
    const findings: Finding[] = sized.map(({ container, log }): Finding => {
      const driver = container.logConfig.type;
      if (!log) {
        return { subject: container.name, status: 'skipped', message: `log driver "${driver}" keeps no log files on this host for the engine`, details: { driver } };
      }
      if (log.error) {
        unreadable += 1;
        const notMounted = log.blind === 'not-mounted';
        return {
          subject: container.name,
          status: notMounted ? 'warning' : 'skipped',
          message: `cannot read log files: ${log.error}`,
          details: { driver, directory: log.directory, blind: log.blind ?? null },
          ...(notMounted ? { remediation: BIND_DATA_ROOT } : {}),
        };
      }
      totalBytes += log.totalBytes;
      const status: Status =
        log.totalBytes > config.logErrorBytes ? 'error' : log.totalBytes > config.logWarnBytes ? 'warning' : 'ok';
      const limit = status === 'error' ? config.logErrorBytes : config.logWarnBytes;
      const details = { driver, sizeBytes: log.totalBytes, fileCount: log.files.length, directory: log.directory, warnAboveBytes: config.logWarnBytes, errorAboveBytes: config.logErrorBytes };
      return status === 'ok'
        ? { subject: container.name, status, message: `logs use ${formatBytes(log.totalBytes)}`, details }
        : { subject: container.name, status, message: `logs use ${formatBytes(log.totalBytes)}, over ${formatBytes(limit)}`, details, remediation: REMEDIATION };
    });
    if (unreadable > 0 && unreadable === findings.length) {
      // Nothing could be sized: a total of 0 B would claim the logs are empty.
      findings.push({ subject: 'all containers', aggregate: true, status: 'skipped', message: "no container's log files could be read", details: { unreadableCount: unreadable } });
      return findings;
    }
    findings.push(judgeTotal(totalBytes, unreadable, config));
    return findings;
  },
};

/** The total is ok only when every log was seen: logs not read could hold anything. */
function judgeTotal(totalBytes: number, unreadable: number, config: Config): Finding {
  const over = totalBytes > config.logsTotalWarnBytes;
  const details = { totalBytes, warnAboveBytes: config.logsTotalWarnBytes, unreadableCount: unreadable };
  const base = { subject: 'all containers', aggregate: true as const, details };
  if (over) {
    return {
      ...base,
      status: 'warning',
      message: `container logs use ${unreadable > 0 ? 'at least ' : ''}${formatBytes(totalBytes)} in total, over ${formatBytes(config.logsTotalWarnBytes)}${unreadable > 0 ? ` (${unreadable} not readable, not counted)` : ''}`,
      remediation: REMEDIATION,
    };
  }
  if (unreadable > 0) {
    return { ...base, status: 'skipped', message: `the readable logs use ${formatBytes(totalBytes)}; ${unreadable} could not be read, so the total is not known` };
  }
  return { ...base, status: 'ok', message: `container logs use ${formatBytes(totalBytes)} in total` };
}
