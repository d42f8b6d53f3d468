import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/settings.js';
import { checkedReport } from '../support/report.js';
import { TELEMETRY_MAX_BYTES, alertEvents, checkStatuses, healthEvent } from '../../src/report/telemetry.js';
import { container, snapshot } from '../support/snapshot-builder.js';

const healthy = () => checkedReport(snapshot({ containers: [container({ name: 'fine' })] }), defaultConfig());
const unlimited = (count: number) =>
  checkedReport(snapshot({ containers: Array.from({ length: count }, (_, i) => container({ name: `c${i}`, limits: { memoryBytes: 0 } })) }), defaultConfig());

describe('health event', () => {
  it('summarises every check and lists the problems', () => {
    const event = healthEvent(unlimited(2));
    expect(event).toMatchObject({ messageType: 'health', status: 'warning', checks: { 'containers.limits': 'warning', 'disk.space': expect.any(String) }, moreProblems: 0 });
    expect(event.problems.map((p) => p.subject)).toEqual(['c0', 'c1']);
  });

  it('fits one 4 KB metered message however many problems there are, and says how many it left out', () => {
    const event = healthEvent(unlimited(300));
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThanOrEqual(TELEMETRY_MAX_BYTES);
    expect(event.problems.length + event.moreProblems).toBe(300);
    expect(event.problems.length).toBeGreaterThan(0);
  });
});

describe('alert events', () => {
  it('are sent for a check whose status changed, in both directions', () => {
    const bad = unlimited(1);
    const good = healthy();
    const worse = alertEvents(checkStatuses(good), bad);
    expect(worse.map((a) => [a.checkId, a.from, a.to])).toEqual([['containers.limits', 'ok', 'warning']]);
    expect(worse[0].problems[0]).toMatchObject({ subject: 'c0', status: 'warning' });
    const better = alertEvents(checkStatuses(bad), good);
    expect(better.map((a) => [a.checkId, a.from, a.to])).toEqual([['containers.limits', 'warning', 'ok']]);
    expect(better[0].problems).toEqual([]);
  });

  it('are not sent when nothing changed', () => {
    expect(alertEvents(checkStatuses(unlimited(1)), unlimited(1))).toEqual([]);
  });

  it('on the first cycle, are sent only for checks already in trouble', () => {
    expect(alertEvents(undefined, healthy())).toEqual([]);
    expect(alertEvents(undefined, unlimited(1)).map((a) => [a.checkId, a.from])).toEqual([['containers.limits', 'unknown']]);
  });
});
