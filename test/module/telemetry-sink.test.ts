import { describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import { checkedReport } from '../support/report.js';
import { type OutputName, TelemetrySink } from '../../src/module/telemetry-sink.js';
import { container, snapshot } from '../support/snapshot-builder.js';

const report = (memoryBytes: number) => checkedReport(snapshot({ containers: [container({ name: 'c', limits: { memoryBytes } })] }), defaultConfig());

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

/** A hub that can be taken away: sends fail (or never answer) while it is down. */
function flakyHub() {
  const delivered: { output: OutputName; body: Record<string, unknown> }[] = [];
  let mode: 'up' | 'down' | 'silent' = 'up';
  const send = async (output: OutputName, body: object) => {
    if (mode === 'down') throw new Error('not connected');
    if (mode === 'silent') return new Promise<void>(() => {});
    delivered.push({ output, body: body as Record<string, unknown> });
  };
  return { delivered, send, set: (next: typeof mode) => (mode = next) };
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

  it('while the hub is away, alerts wait in a bounded buffer (oldest dropped, counted) and health only as the latest; all go out on flush', async () => {
    const hub = flakyHub();
    const sink = new TelemetrySink(hub.send, () => 0, { deadlineMs: 1_000, alertBufferMax: 3 });
    const config = { ...defaultConfig(), telemetryMode: 'always' as const };
    hub.set('down');
    // The first cycle has no earlier status to change from; each later one flips containers.limits.
    for (const [i, memoryBytes] of [64, 0, 64, 0, 64, 0].entries()) {
      await expect(sink.afterCycle(report(memoryBytes), config)).rejects.toThrow('not connected');
      expect(sink.backlog.alerts).toBe(Math.min(3, i));
    }
    expect(sink.backlog).toEqual({ alerts: 3, dropped: 2 });
    hub.set('up');
    await sink.flush();
    expect(hub.delivered.map((d) => [d.output, d.body.to ?? d.body.status])).toEqual([['alerts', 'warning'], ['alerts', 'ok'], ['alerts', 'warning'], ['health', 'warning']]);
    expect(hub.delivered[0].body.alertsDroppedBefore).toBe(2);
    expect(hub.delivered[1].body.alertsDroppedBefore).toBeUndefined();
    expect(sink.backlog).toEqual({ alerts: 0, dropped: 0 });
  });

  it('a send that never answers fails at its deadline, and the event stays queued', async () => {
    const hub = flakyHub();
    const sink = new TelemetrySink(hub.send, () => 0, { deadlineMs: 50, alertBufferMax: 10 });
    hub.set('silent');
    await expect(sink.alert({ messageType: 'action' }, { messageType: 'action' })).rejects.toThrow('alert event: no answer within 50 ms');
    expect(sink.backlog.alerts).toBe(1);
    hub.set('up');
    await sink.flush();
    expect(hub.delivered).toEqual([{ output: 'alerts', body: { messageType: 'action' } }]);
  });
});
