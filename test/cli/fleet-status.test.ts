// The fleet's judgement of one device from its module twin: pure logic.
import { describe, expect, it } from 'vitest';
import { DEFAULT_STALE_MINUTES, deviceLine, fleetExitCode, fleetQuery, schedulePeriodMinutes } from '../../src/cli/fleet-status.js';

const now = new Date('2026-12-01T12:00:00.000Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

describe('fleet status of one device', () => {
  it('is stale after three schedule periods without a report, keeping what it last reported', () => {
    const row = { deviceId: 'd', health: { status: 'warning' as const, lastCycle: ago(16) }, schedule: '*/5 * * * *' };
    expect(deviceLine(row, { now })).toMatchObject({ status: 'stale', reportedStatus: 'warning', staleAfterMinutes: 15 });
    expect(deviceLine({ ...row, health: { ...row.health, lastCycle: ago(14) } }, { now }).status).toBe('warning');
  });

  it('falls back to 30 minutes without a readable schedule, and --stale-minutes overrides both', () => {
    expect(deviceLine({ deviceId: 'd', health: { status: 'ok', lastCycle: ago(29) }, schedule: 'every day' }, { now })).toMatchObject({ status: 'ok', staleAfterMinutes: DEFAULT_STALE_MINUTES });
    expect(deviceLine({ deviceId: 'd', health: { status: 'ok', lastCycle: ago(29) } }, { now, staleMinutes: 10 }).status).toBe('stale');
  });

  it('is stale when it never reported or reported a time that cannot be read', () => {
    expect(deviceLine({ deviceId: 'd' }, { now })).toMatchObject({ status: 'stale', reportedStatus: null, lastReport: null });
    expect(deviceLine({ deviceId: 'd', health: { status: 'ok', lastCycle: 'yesterday' } }, { now }).status).toBe('stale');
  });

  it('lists errors before warnings, leaving ok and skipped checks out', () => {
    const checks = { a: { id: 'logs.size', status: 'warning' as const }, b: { id: 'disk.space', status: 'error' as const }, c: { id: 'certs.expiry', status: 'ok' as const }, d: { id: 'disk.forecast', status: 'skipped' as const } };
    expect(deviceLine({ deviceId: 'd', health: { status: 'error', lastCycle: ago(1), checks } }, { now }).worstChecks).toEqual([
      { id: 'disk.space', status: 'error' },
      { id: 'logs.size', status: 'warning' },
    ]);
  });

  it('reads a cron period as the longest gap between runs, seconds included', () => {
    expect(schedulePeriodMinutes('*/5 * * * *')).toBe(5);
    expect(schedulePeriodMinutes('*/30 * * * * *')).toBe(0.5);
    expect(schedulePeriodMinutes('0 8,20 * * *')).toBe(720);
    expect(schedulePeriodMinutes('not cron')).toBeUndefined();
  });

  it('exits 0 only when every listed device is ok, an empty list included', () => {
    const ok = deviceLine({ deviceId: 'a', health: { status: 'ok', lastCycle: ago(1) } }, { now });
    expect(fleetExitCode([])).toBe(0);
    expect(fleetExitCode([ok])).toBe(0);
    expect(fleetExitCode([ok, deviceLine({ deviceId: 'b' }, { now })])).toBe(1);
  });

  it('queries the agent\'s module twins, the caller\'s condition kept apart in parentheses and the module id quoted', () => {
    expect(fleetQuery("o'brien", "tags.site = 'a' OR tags.site = 'b'")).toMatch(/WHERE moduleId = 'o''brien' AND \(tags\.site = 'a' OR tags\.site = 'b'\)$/);
  });
});
