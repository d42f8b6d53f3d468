// Decides which telemetry a finished cycle sends: alerts for every check whose status changed,
// and the health summary after every cycle (always) or on change and heartbeat (onChange).
import type { Status } from '../checks/types.js';
import type { Config } from '../config/settings.js';
import type { Report } from '../report/build.js';
import { alertEvents, checkStatuses, healthEvent } from '../report/telemetry.js';

export type OutputName = 'health' | 'alerts';

/** Sends one event: a JSON body and application properties operators can route on. */
export type SendEvent = (output: OutputName, body: object, properties: Record<string, string>) => Promise<void>;

export class TelemetrySink {
  private statuses: Map<string, Status> | undefined;
  private lastHealth: { signature: string; atMs: number } | undefined;

  constructor(private readonly send: SendEvent, private readonly nowMs: () => number = Date.now) {}

  async afterCycle(report: Report, config: Config): Promise<void> {
    for (const alert of alertEvents(this.statuses, report)) {
      await this.send('alerts', alert, { messageType: 'alert', checkId: alert.checkId, status: alert.to, previousStatus: alert.from });
    }
    this.statuses = checkStatuses(report);

    const signature = JSON.stringify([report.status, [...this.statuses]]);
    const now = this.nowMs();
    const due =
      config.telemetryMode === 'always' ||
      !this.lastHealth ||
      this.lastHealth.signature !== signature ||
      now - this.lastHealth.atMs >= config.heartbeatMinutes * 60_000;
    if (!due) return;
    await this.send('health', healthEvent(report), { messageType: 'health', status: report.status });
    this.lastHealth = { signature, atMs: now };
  }
}
