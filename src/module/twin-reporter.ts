// Keeps the twin's reported properties in step with the agent, sending only what changed.
import type { Twin } from 'azure-iot-device';
import type { Logger } from 'pino';
import { type JsonObject, mergePatch } from './merge-patch.js';

export class TwinReporter {
  /** What the hub is known to hold: updated only when a patch was accepted. */
  private sent: JsonObject = {};

  constructor(private readonly twin: Twin, private readonly logger: Logger) {
    // Start from what the hub already holds, so a restart does not resend an unchanged state.
    // Through JSON: the SDK's object also carries its update() function and $ metadata.
    this.sent = JSON.parse(JSON.stringify(twin.properties.reported ?? {})) as JsonObject;
    for (const key of Object.keys(this.sent)) if (key.startsWith('$')) delete this.sent[key];
  }

  /** Sends the changed parts of these top-level sections; a failed patch is retried with the next report. */
  async report(sections: Record<string, object>): Promise<void> {
    // Through JSON once: what the twin will hold, undefined values gone.
    const next = { ...this.sent, ...(JSON.parse(JSON.stringify(sections)) as JsonObject) };
    const patch = mergePatch(this.sent, next);
    if (Object.keys(patch).length === 0) return;
    try {
      await new Promise<void>((resolve, reject) => this.twin.properties.reported.update(patch, (error?: Error) => (error ? reject(error) : resolve())));
      this.sent = next;
      this.logger.debug({ sections: Object.keys(patch) }, 'reported properties updated');
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'reported properties not updated; will retry with the next report');
    }
  }
}
