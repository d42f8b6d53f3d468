import { describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import { buildReport } from '../../src/report/build.js';
import { type OutputName, TelemetrySink } from '../../src/module/telemetry-sink.js';
import { container, snapshot } from '../support/snapshot-builder.js';

const report = (memoryBytes: number) => buildReport(snapshot({ containers: [container({ name: 'c', limits: { memoryBytes } })] }), defaultConfig());

function sinkWithClock(config: Partial<Config>) {
  const sent: { output: OutputName; properties: Record<string, string> }[] = [];
  let now = 0;
  const sink = new TelemetrySink(async (output, _body, properties) => void sent.push({ output, properties }), () => now);
  return {
    sent,
    cycle: (memoryBytes: number, atMinutes: number) => {
      now = atMinutes * 60_000;
      return sink.afterCycle(report(memoryBytes), { ...defaultConfig(), ...config });
    },
  };
}

describe('telemetry sink', () => {
  it('always mode sends health after every cycle, with routing properties', async () => {
    const { sent, cycle } = sinkWithClock({ telemetryMode: 'always' });
    await cycle(64, 0);
    await cycle(64, 5);
    expect(sent).toEqual([
      { output: 'health', properties: { messageType: 'health', status: 'ok' } },
      { output: 'health', properties: { messageType: 'health', status: 'ok' } },
    ]);
  });

  it('onChange mode sends on a status change, an alert first, and a heartbeat when quiet too long', async () => {
    const { sent, cycle } = sinkWithClock({ telemetryMode: 'onChange', heartbeatMinutes: 60 });
    await cycle(64, 0);
    await cycle(64, 5);
    await cycle(0, 10);
    await cycle(0, 15);
    await cycle(0, 71);
    expect(sent.map((s) => `${s.output}:${s.properties.status}`)).toEqual(['health:ok', 'alerts:warning', 'health:warning', 'health:warning']);
    expect(sent[1].properties).toEqual({ messageType: 'alert', checkId: 'containers.limits', status: 'warning', previousStatus: 'ok' });
  });
});
