// Keeps the twin's reported properties in step with the agent, sending only what changed, and never
// making anyone wait for the hub: report() records the latest state and returns; one patch is in
// flight at a time, under a deadline. While the hub is away nothing queues up: the state the hub
// lacks is one object, latest wins, and flush() sends it as soon as the hub is back.
import type { Twin } from 'azure-iot-device';
import type { Logger } from 'pino';
import { withDeadline } from './deadline.js';
import { type JsonObject, mergePatch } from './merge-patch.js';
import { SingleFlight } from './single-flight.js';

/** How long one reported-properties update may take before it counts as failed. */
export const TWIN_UPDATE_DEADLINE_MS = 15_000;

export class TwinReporter {
  /** What the hub is known to hold: updated only when a patch was accepted. */
  private sent: JsonObject = {};
  /** What the agent wants the hub to hold: the latest sections, whatever was sent. */
  private wanted: JsonObject;
  private readonly sending = new SingleFlight(() => this.sendOnce());

  constructor(
    private readonly twin: Twin,
    private readonly logger: Logger,
    private readonly deadlineMs = TWIN_UPDATE_DEADLINE_MS,
  ) {
    // Start from what the hub already holds, so a restart does not resend an unchanged state.
    // Through JSON: the SDK's object also carries its update() function and $ metadata.
    this.sent = JSON.parse(JSON.stringify(twin.properties.reported ?? {})) as JsonObject;
    for (const key of Object.keys(this.sent)) if (key.startsWith('$')) delete this.sent[key];
    this.wanted = this.sent;
  }

  /** Records these top-level sections as the latest state and sends what changed, without waiting. */
  report(sections: Record<string, object>): void {
    // Through JSON once: what the twin will hold, undefined values gone.
    this.wanted = { ...this.wanted, ...(JSON.parse(JSON.stringify(sections)) as JsonObject) };
    void this.flush();
  }

  /**
   * Sends what the hub lacks (after a reconnect, say). Resolves when the hub has it or the attempt
   * failed; a change recorded meanwhile is sent right after.
   */
  flush(): Promise<void> {
    return this.sending.run();
  }

  private async sendOnce(): Promise<void> {
    const next = this.wanted;
    const patch = mergePatch(this.sent, next);
    if (Object.keys(patch).length === 0) return;
    try {
      const update = new Promise<void>((resolve, reject) => this.twin.properties.reported.update(patch, (error?: Error) => (error ? reject(error) : resolve())));
      await withDeadline(update, this.deadlineMs, 'reported properties update');
      this.sent = next;
      this.logger.debug({ sections: Object.keys(patch) }, 'reported properties updated');
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'reported properties not updated; the latest state goes out on reconnect or with the next report');
    }
  }
}
