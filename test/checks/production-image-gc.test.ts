import { describe, expect, it } from 'vitest';
import { productionImageGc } from '../../src/checks/production-image-gc.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { IotEdgeConfig } from '../../src/snapshot.js';
import { iotedgeConfig, snapshot } from '../support/snapshot-builder.js';

const run = (config: IotEdgeConfig) => productionImageGc.run(snapshot({ iotedgeConfig: config }), defaultConfig());
const gc = { configured: true, enabled: true, cleanupRecurrence: '2d', imageAgeCleanupThreshold: '3d', cleanupTime: '03:30' };

describe('production.image-gc', () => {
  it('reports the schedule when enabled', () => {
    expect(run(iotedgeConfig({ imageGarbageCollection: gc }))).toEqual([
      {
        subject: '/etc/aziot/config.toml',
        status: 'ok',
        message: 'image garbage collection runs every 2d at 03:30 (device time), removing images unused for 3d',
        details: gc,
      },
    ]);
  });

  it('says the defaults apply without a section', () => {
    expect(run(iotedgeConfig())[0].message).toBe(
      'image garbage collection runs every 1d at 00:00 (device time), removing images unused for 7d (the defaults of IoT Edge 1.4 and later: no [image_garbage_collection] section)',
    );
  });

  it('warns when turned off, citing the checklist', () => {
    const [finding] = run(iotedgeConfig({ imageGarbageCollection: { ...gc, enabled: false } }));
    expect(finding.status).toBe('warning');
    expect(finding.remediation).toContain('"Configure image garbage collection"');
  });

  it('is skipped without config.toml', () => {
    expect(run({ path: '/etc/aziot/config.toml', found: false })).toEqual([
      { subject: '/etc/aziot/config.toml', status: 'skipped', message: 'no IoT Edge configuration at /etc/aziot/config.toml', details: {} },
    ]);
  });

  it.each([
    ['cleanupRecurrence', 'bogus', 'cleanup_recurrence "bogus" is not a whole number of days'],
    ['cleanupRecurrence', '0d', 'cleanup_recurrence "0d" is less than 1 day'],
    ['cleanupRecurrence', '12h', 'cleanup_recurrence "12h" is not a whole number of days'],
    ['imageAgeCleanupThreshold', '-5d', 'image_age_cleanup_threshold "-5d" is not a whole number of days'],
    ['imageAgeCleanupThreshold', '99999999999d', 'image_age_cleanup_threshold "99999999999d" is more than 365 days'],
    ['cleanupTime', '25:99', 'cleanup_time "25:99" is not a 24-hour time "HH:MM"'],
    ['cleanupTime', '3:30', 'cleanup_time "3:30" is not a 24-hour time "HH:MM"'],
  ])('warns, naming the field, when %s is "%s"', (field, value, problem) => {
    const [finding] = run(iotedgeConfig({ imageGarbageCollection: { ...gc, [field]: value } }));
    expect(finding.status).toBe('warning');
    expect(finding.message).toContain(problem);
    expect(finding.remediation).toMatch(/HH:MM/);
  });

  it('takes 0d as an age (collect as soon as unused) and 23:59', () => {
    expect(run(iotedgeConfig({ imageGarbageCollection: { ...gc, imageAgeCleanupThreshold: '0d', cleanupTime: '23:59' } }))[0].status).toBe('ok');
  });
});
