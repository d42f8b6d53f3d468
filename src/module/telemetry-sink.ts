// Decides which telemetry a finished cycle sends — alerts for every check whose status changed, and
// the health summary after every cycle (always) or on change and heartbeat (onChange) — and sends it
// without making the cycle wait. Each send has a deadline. Alerts that could not go out wait in a
// bounded buffer (the oldest dropped first, and the next alert delivered says how many); the health
// summary waiting is only ever the latest. flush() delivers what waits, as soon as the hub is back.
import type { Status } from '../checks/types.js';
import type { Config } from '../config/settings.js';
import type { Report } from '../report/build.js';
import { alertEvents, checkStatuses, healthEvent } from '../report/telemetry.js';
import { withDeadline } from './deadline.js';
import { SingleFlight } from './single-flight.js';

export type OutputName = 'health' | 'alerts';

/** Sends one event: a JSON body and application properties operators can route on. */
export type SendEvent = (output: OutputName, body: object, properties: Record<string, string>) => Promise<void>;

interface Pending {
  body: object;
  properties: Record<string, string>;
}

export interface TelemetryLimits {
  /** How long one send may take before it counts as failed. */
  deadlineMs: number;
  /** Alerts kept while the hub is away; beyond it the oldest are dropped and counted. */
  alertBufferMax: number;
}

export const DEFAULT_TELEMETRY_LIMITS: TelemetryLimits = { deadlineMs: 15_000, alertBufferMax: 200 };

export class TelemetrySink {
  private statuses: Map<string, Status> | undefined;
  private lastHealth: { signature: string; atMs: number } | undefined;
  private readonly alerts: Pending[] = [];
  private alertsDropped = 0;
  private health: (Pending & { signature: string; atMs: number }) | undefined;
  private readonly sending = new SingleFlight(() => this.sendWaiting());

  constructor(
    private readonly send: SendEvent,
    private readonly nowMs: () => number = Date.now,
    private readonly limits: TelemetryLimits = DEFAULT_TELEMETRY_LIMITS,
  ) {}

  /** Queues this cycle's events and starts sending them; resolves when this sending attempt ends. */
  afterCycle(report: Report, config: Config): Promise<void> {
    for (const alert of alertEvents(this.statuses, report)) {
      this.queueAlert(alert, { messageType: 'alert', checkId: alert.checkId, status: alert.to, previousStatus: alert.from });
    }
    this.statuses = checkStatuses(report);

    const signature = JSON.stringify([report.status, [...this.statuses]]);
    const now = this.nowMs();
    const due =
      config.telemetryMode === 'always' ||
      !this.lastHealth ||
      this.lastHealth.signature !== signature ||
      now - this.lastHealth.atMs >= config.heartbeatMinutes * 60_000;
    if (due) this.health = { body: healthEvent(report), properties: { messageType: 'health', status: report.status }, signature, atMs: now };
    return this.flush();
  }

  /** An event on the alerts output (an alert, an action): buffered like every alert, sent at once. */
  alert(body: object, properties: Record<string, string>): Promise<void> {
    this.queueAlert(body, properties);
    return this.flush();
  }

  /** Sends what waits, alerts oldest first, then the latest health summary; one attempt at a time. */
  flush(): Promise<void> {
    return this.sending.run();
  }

  /** Alerts waiting and dropped so far, for the log and tests. */
  get backlog(): { alerts: number; dropped: number } {
    return { alerts: this.alerts.length, dropped: this.alertsDropped };
  }

  private queueAlert(body: object, properties: Record<string, string>): void {
    this.alerts.push({ body, properties });
    while (this.alerts.length > this.limits.alertBufferMax) {
      this.alerts.shift();
      this.alertsDropped += 1;
    }
  }

  /** Stops at the first failure: what is left waits for the next flush. Rejects with that failure. */
  private async sendWaiting(): Promise<void> {
    while (this.alerts.length > 0) {
      const [next] = this.alerts;
      const dropped = this.alertsDropped;
      const body = dropped > 0 ? { ...next.body, alertsDroppedBefore: dropped } : next.body;
      await withDeadline(this.send('alerts', body, next.properties), this.limits.deadlineMs, 'alert event');
      const index = this.alerts.indexOf(next);
      // Pushed out of the buffer while it was being sent: delivered after all, so not dropped.
      if (index >= 0) this.alerts.splice(index, 1);
      this.alertsDropped -= dropped + (index >= 0 ? 0 : 1);
    }
    const health = this.health;
    if (!health) return;
    await withDeadline(this.send('health', health.body, health.properties), this.limits.deadlineMs, 'health event');
    if (this.health === health) this.health = undefined;
    this.lastHealth = { signature: health.signature, atMs: health.atMs };
  }
}
