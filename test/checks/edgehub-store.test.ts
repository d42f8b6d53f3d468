import { describe, expect, it } from 'vitest';
import { edgehubStore } from '../../src/checks/edgehub-store.js';
import type { Finding } from '../../src/checks/types.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { ModuleStore } from '../../src/snapshot.js';
import { COLLECTED_AT, GiB, MiB, moduleStore, snapshot } from '../support/snapshot-builder.js';

const hoursBefore = (hours: number) => new Date(Date.parse(COLLECTED_AT) - hours * 3600_000).toISOString();
const run = (...stores: ModuleStore[]): Finding[] => edgehubStore.run(snapshot({ moduleStores: { stores } }), defaultConfig());

describe('edgehub.store', () => {
  it('is ok for a small store with small info logs, saying its size and where', () => {
    expect(run(moduleStore())).toMatchObject([{ subject: 'edgeHub', status: 'ok', message: '20 MiB in 40 files at /srv/edgeHub', details: { sizeBytes: 20 * MiB, rocksDbLogBytes: MiB } }]);
  });

  it('warns when RocksDB info logs pass storeLogWarnBytes, counting them, noting edgeHub has no cap', () => {
    const [finding] = run(moduleStore({ totalBytes: 200 * MiB, rocksDbLogs: { count: 180, bytes: 180 * MiB } }));
    expect(finding.status).toBe('warning');
    expect(finding.message).toMatch(/^180 RocksDB info log files \(LOG, LOG.old.\*\) hold 180 MiB, over 100 MiB/);
    expect(finding.message).toContain("edgeHub's persistent store has no size cap of its own");
    expect(finding.remediation).toContain('LOG.old.*');
    expect(finding.details).toMatchObject({ rocksDbLogCount: 180, rocksDbLogBytes: 180 * MiB });
  });

  it('warns when the store passes storeWarnBytes', () => {
    const [finding] = run(moduleStore({ totalBytes: 2 * GiB }));
    expect(finding).toMatchObject({ status: 'warning', message: expect.stringMatching(/^the store holds 2 GiB, over 1 GiB/) });
    expect(finding.remediation).toContain('timeToLiveSecs');
  });

  it('gives the growth between cycles and warns when the disk is full within the forecast horizon at that rate', () => {
    const growing = moduleStore({
      totalBytes: 30 * GiB,
      filesystem: { availableBytes: 40 * GiB, sizeBytes: 100 * GiB },
      history: [{ at: hoursBefore(24), bytes: 20 * GiB }, { at: COLLECTED_AT, bytes: 30 * GiB }],
    });
    const [finding] = edgehubStore.run(snapshot({ moduleStores: { stores: [growing] } }), { ...defaultConfig(), storeWarnBytes: 100 * GiB });
    expect(finding).toMatchObject({ status: 'warning', details: { growthBytesPerDay: 10 * GiB, daysUntilFull: 4 } });
    expect(finding.message).toContain('its disk is full in 4 days at that rate');
  });

  it('leaves a slowly growing store ok, showing the rate, and needs 10 minutes of history for one', () => {
    const slow = moduleStore({ history: [{ at: hoursBefore(1), bytes: 19 * MiB }, { at: COLLECTED_AT, bytes: 20 * MiB }] });
    expect(run(slow)[0]).toMatchObject({ status: 'ok', message: '20 MiB in 40 files at /srv/edgeHub, growing 24 MiB a day' });
    const young = moduleStore({ history: [{ at: hoursBefore(0.1), bytes: 1 * MiB }, { at: COLLECTED_AT, bytes: 20 * MiB }] });
    expect(run(young)[0].details.growthBytesPerDay).toBeNull();
  });

  it('skips a store inside the container, or one it could not read, saying why', () => {
    const inside = run(moduleStore({ module: 'edgeAgent', storageFolder: null, hostPath: null, totalBytes: null }))[0];
    expect(inside).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^no StorageFolder set/) });
    const unreadable = run(moduleStore({ totalBytes: null, error: '/srv/edgeHub: EACCES: permission denied' }))[0];
    expect(unreadable).toMatchObject({ status: 'skipped', message: 'could not measure the store: /srv/edgeHub: EACCES: permission denied' });
  });

  it('is skipped without edgeAgent and edgeHub', () => {
    expect(run()).toMatchObject([{ status: 'skipped', message: expect.stringMatching(/no edgeAgent or edgeHub container/) }]);
  });
});
