// What a day of cycles costs in IoT Hub's metered units: every event and every reported-properties
// patch is billed in 4 KB chunks. The real renderers, twin reporter and telemetry sink run on real
// snapshots; only the clock is simulated, so a day of the default schedule takes seconds.
import type { Twin } from 'azure-iot-device';
import pino from 'pino';
import { type Config, defaultConfig } from '../src/config/settings.js';
import { TelemetrySink } from '../src/module/telemetry-sink.js';
import { TwinReporter } from '../src/module/twin-reporter.js';
import { checkedReport } from '../test/support/report.js';
import { type TwinHealth, twinHealth } from '../src/report/twin.js';
import type { Snapshot } from '../src/snapshot.js';

const CHUNK_BYTES = 4096;
const DAY_MS = 24 * 3_600_000;
const units = (bytes: number) => Math.max(1, Math.ceil(bytes / CHUNK_BYTES));

export interface MeteredDay {
  units: number;
  events: number;
  eventUnits: number;
  patches: number;
  patchUnits: number;
}

/**
 * One day on the default schedule, after a first cycle that is not counted (start-up). Cycle i
 * uses snapshotAt(i), re-dated to its place in the day.
 */
export async function meteredDay(snapshotAt: (cycle: number) => Snapshot, telemetryMode: Config['telemetryMode'], base: Config = defaultConfig(), cycleMinutes = 5): Promise<MeteredDay> {
  const config: Config = { ...base, telemetryMode };
  const day: MeteredDay = { units: 0, events: 0, eventUnits: 0, patches: 0, patchUnits: 0 };
  let counting = false;
  let nowMs = Date.parse('2026-01-01T00:00:00.000Z');
  const twin = {
    properties: {
      reported: {
        update(patch: object, done: (error?: Error) => void) {
          if (counting) (day.patches++, (day.patchUnits += units(Buffer.byteLength(JSON.stringify(patch)))));
          done();
        },
      },
    },
  } as unknown as Twin;
  const reporter = new TwinReporter(twin, pino({ level: 'silent' }));
  const telemetry = new TelemetrySink(async (_output, body, properties) => {
    if (!counting) return;
    day.events++;
    day.eventUnits += units(Buffer.byteLength(JSON.stringify(body)) + Buffer.byteLength(JSON.stringify(properties)));
  }, () => nowMs);
  const agent = { name: 'edge-health-agent', startedAt: new Date(nowMs).toISOString(), engineReachable: true };

  let health: TwinHealth | undefined;
  const cycles = DAY_MS / (cycleMinutes * 60_000);
  for (let cycle = 0; cycle <= cycles; cycle++) {
    counting = cycle > 0;
    const snapshot = { ...snapshotAt(cycle), collectedAt: new Date(nowMs).toISOString() };
    const report = checkedReport(snapshot, config);
    health = twinHealth(report, config.reportedSubjectsPerCheck, health);
    await reporter.report({ health, agent });
    await telemetry.afterCycle(report, config);
    nowMs += cycleMinutes * 60_000;
  }
  day.units = day.eventUnits + day.patchUnits;
  return day;
}
