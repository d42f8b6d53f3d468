import { describe, expect, it } from 'vitest';
import { ConfigError, envLayer } from '../../src/config/resolve.js';
import { ModuleConfig } from '../../src/module/module-config.js';

const device = (env: Record<string, string> = {}) => new ModuleConfig([envLayer(env)]);

describe('module configuration from desired properties', () => {
  it('overrides env and defaults, and echoes what it applied with the desired version', () => {
    const settings = device({ EDGE_HEALTH_DISK_FREE_WARN_PERCENT: '25' });
    expect(settings.applyDesired({ $version: 4, diskFreeErrorPercent: 5, protectedVolumes: 'keep-*,data' })).toBe(true);
    expect(settings.current).toMatchObject({ diskFreeWarnPercent: 25, diskFreeErrorPercent: 5, protectedVolumes: ['keep-*', 'data'] });
    expect(settings.reported()).toMatchObject({
      status: 'applied',
      desiredVersion: 4,
      error: null,
      applied: { diskFreeWarnPercent: 25, diskFreeErrorPercent: 5, protectedVolumes: 'keep-*,data' },
    });
    expect(settings.describe().origins).toMatchObject({ diskFreeWarnPercent: 'env', diskFreeErrorPercent: 'desired', logWarnBytes: 'default' });
  });

  it('rejects an invalid desired state whole, naming each field, and keeps the last good one', () => {
    const settings = device();
    settings.applyDesired({ $version: 2, logWarnBytes: '5m' });
    expect(settings.applyDesired({ $version: 3, logWarnBytes: '50m', diskFreeWarnPercent: 'lots', schedule: 'every minute' })).toBe(false);
    expect(settings.current.logWarnBytes).toBe(5 * 1024 ** 2);
    const reported = settings.reported();
    expect(reported).toMatchObject({ status: 'rejected', desiredVersion: 2, rejectedVersion: 3 });
    expect(reported.error).toContain('properties.desired.diskFreeWarnPercent: expected a number, got "lots"');
    expect(reported.error).toContain('properties.desired.schedule: not a cron expression');
  });

  it('refuses device-only settings from the cloud', () => {
    const settings = device();
    expect(settings.applyDesired({ $version: 5, hostRoot: '/' })).toBe(false);
    expect(settings.reported().error).toBe('properties.desired.hostRoot: set on the device only (EDGE_HEALTH_HOST_ROOT), not from the cloud');
    expect(settings.current.hostRoot).toBe('');
  });

  it('takes unknown keys as errors and ignores twin metadata', () => {
    const settings = device();
    expect(settings.applyDesired({ $version: 6, $metadata: { x: 1 }, diskFreeWarnPercnt: 5 })).toBe(false);
    expect(settings.reported().error).toBe('properties.desired.diskFreeWarnPercnt: unknown setting');
  });

  it('goes back to env and defaults when a desired property is removed', () => {
    const settings = device({ EDGE_HEALTH_LOG_WARN_BYTES: '7m' });
    settings.applyDesired({ $version: 7, logWarnBytes: '9m' });
    settings.applyDesired({ $version: 8 });
    expect(settings.current.logWarnBytes).toBe(7 * 1024 ** 2);
  });

  it('cannot start on invalid device settings', () => {
    expect(() => device({ EDGE_HEALTH_SCHEDULE: '61 * * * *' })).toThrow(ConfigError);
  });
});
