// The store scan on real files: a folder laid out as edgeHub's RocksDB store, read directly and through a host root.
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type StoreHistoryState, collectModuleStores, storeLocations } from '../../src/collect/module-stores.js';
import { edgeAgent, edgeHub } from '../support/snapshot-builder.js';

const MiB = 1024 ** 2;
const root = mkdtempSync(path.join(tmpdir(), 'edge-health-stores-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function plantStore(folder: string): void {
  const db = path.join(root, folder, 'edgeHub', 'store');
  mkdirSync(db, { recursive: true });
  writeFileSync(path.join(db, '000123.sst'), Buffer.alloc(3 * MiB));
  writeFileSync(path.join(db, 'LOG'), 'info\n');
  for (const stamp of ['1700000000000000', '1700000001000000']) {
    writeFileSync(path.join(db, `LOG.old.${stamp}`), '');
    truncateSync(path.join(db, `LOG.old.${stamp}`), 10 * MiB);
  }
}

describe('storeLocations', () => {
  it('finds StorageFolder on the host through the mount holding it', () => {
    const agent = edgeAgent({ env: {} });
    const hub = edgeHub({ mounts: [{ type: 'bind', source: '/srv/hub/', destination: '/iotedge', readOnly: false }] });
    expect(storeLocations([agent, hub])).toEqual([
      { module: 'edgeAgent', storageFolder: null, hostPath: null },
      { module: 'edgeHub', storageFolder: '/iotedge/storage', hostPath: '/srv/hub/storage' },
    ]);
  });
});

describe('collectModuleStores', () => {
  plantStore('hub');
  const location = { module: 'edgeHub', storageFolder: '/iotedge/storage', hostPath: path.join(root, 'hub') };

  it('measures the store, its RocksDB info logs and the free space of its filesystem', async () => {
    const { stores } = await collectModuleStores({ hostRoot: '', stores: [location], at: new Date(), memory: {}, signal: AbortSignal.timeout(5000) });
    expect(stores[0]).toMatchObject({ totalBytes: 3 * MiB + 5 + 20 * MiB, fileCount: 4, rocksDbLogs: { count: 3, bytes: 20 * MiB + 5 }, truncated: false });
    expect(stores[0].filesystem?.availableBytes).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(stores))).toStrictEqual(stores);
  });

  it('reads through the host root, and keeps sizes between cycles', async () => {
    const memory: { current?: StoreHistoryState } = {};
    const inside = { ...location, hostPath: '/hub' };
    await collectModuleStores({ hostRoot: root, stores: [inside], at: new Date(Date.UTC(2024, 0, 1, 12)), memory, signal: AbortSignal.timeout(5000) });
    const { stores } = await collectModuleStores({ hostRoot: root, stores: [inside], at: new Date(Date.UTC(2024, 0, 1, 13)), memory, signal: AbortSignal.timeout(5000) });
    expect(stores[0].history.map((h) => h.at)).toEqual(['2024-01-01T12:00:00.000Z', '2024-01-01T13:00:00.000Z']);
  });

  it('turns a missing folder into data, not a failure', async () => {
    const missing = { ...location, hostPath: path.join(root, 'gone') };
    const { stores } = await collectModuleStores({ hostRoot: '', stores: [missing], at: new Date(), memory: {}, signal: AbortSignal.timeout(5000) });
    expect(stores[0]).toMatchObject({ totalBytes: null, error: expect.stringContaining('ENOENT') });
  });

  it('measures nothing for a store inside the container', async () => {
    const { stores } = await collectModuleStores({ hostRoot: '', stores: [{ module: 'edgeAgent', storageFolder: null, hostPath: null }], at: new Date(), memory: {}, signal: AbortSignal.timeout(5000) });
    expect(stores[0]).toMatchObject({ totalBytes: null, history: [] });
  });
});
