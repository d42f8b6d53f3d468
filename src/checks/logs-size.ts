import { cite } from './checklist.js';
import { formatBytes } from '../config/size.js';
import type { Check, Finding, Status } from './types.js';

const REMEDIATION =
  'Cap the log: use the `local` log driver or set max-size/max-file, in daemon.json for all containers or in the module\'s createOptions HostConfig.LogConfig (' + cite('Set up default logging driver') + '). The engine applies new limits only to containers created after the change.';

export const logsSize: Check = {
  id: 'logs.size',
  title: 'Container log size',
  needs: ['containers', 'containerLogs'],
  run(snapshot, config) {
    const logs = new Map((snapshot.containerLogs ?? []).map((log) => [log.containerId, log]));
    let totalBytes = 0;
    let unreadable = 0;
    const findings: Finding[] = (snapshot.containers ?? []).map((container): Finding => {
      const log = logs.get(container.id);
      const driver = container.logConfig.type;
      if (!log) {
        return { subject: container.name, status: 'skipped', message: `log driver "${driver}" keeps no log files on this host for the engine`, details: { driver } };
      }
      if (log.error) {
        unreadable += 1;
        return { subject: container.name, status: 'skipped', message: `cannot read log files: ${log.error}`, details: { driver, directory: log.directory } };
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
      findings.push({ subject: 'all containers', status: 'skipped', message: 'no container\'s log files could be read', details: { unreadableCount: unreadable } });
      return findings;
    }
    const totalStatus: Status = totalBytes > config.logsTotalWarnBytes ? 'warning' : 'ok';
    findings.push({
      subject: 'all containers',
      status: totalStatus,
      message: `container logs use ${formatBytes(totalBytes)} in total${totalStatus === 'ok' ? '' : `, over ${formatBytes(config.logsTotalWarnBytes)}`}${unreadable > 0 ? ` (${unreadable} not readable, not counted)` : ''}`,
      details: { totalBytes, warnAboveBytes: config.logsTotalWarnBytes, unreadableCount: unreadable },
      ...(totalStatus === 'ok' ? {} : { remediation: REMEDIATION }),
    });
    return findings;
  },
};
