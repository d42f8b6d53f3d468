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
});
