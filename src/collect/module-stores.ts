// The stores edgeHub and edgeAgent keep in their StorageFolder, as the host holds them: size,
// RocksDB's info logs (LOG, LOG.old.*: Azure/iotedge#2431, never removed), free space left on
// their filesystem, and their size over recent cycles (kept in memory by a long-running agent).
import type { Dirent } from 'node:fs';
import { lstat, readdir, statfs } from 'node:fs/promises';
import path from 'node:path';
import { SYSTEM_MODULES, envValue, hostFolder } from '../iotedge.js';
import type { ContainerInfo, ModuleStore, ModuleStores } from '../snapshot.js';
import { hostPath } from './host-path.js';
import { describeError } from '../errors.js';

/** Files visited per store at most: a store with more is reported as counted that far. */
export const MAX_FILES_PER_STORE = 100_000;
/** How far back store sizes are kept for the growth rate. */
export const STORE_HISTORY_MS = 24 * 3600 * 1000;

export interface StoreLocation {
  module: string;
  /** StorageFolder inside the container; null when unset. */
  storageFolder: string | null;
  /** The host folder holding it, through the module's mounts; null when it is inside the container. */
  hostPath: string | null;
}

/** Size samples per module, [epoch ms, bytes], oldest first. */
export type StoreHistoryState = Record<string, [number, number][]>;

export interface ModuleStoresOptions {
  hostRoot: string;
  stores: StoreLocation[];
  at: Date;
  /** Where a long-running agent keeps the sizes between cycles; a one-shot run passes a fresh one. */
  memory: { current?: StoreHistoryState };
  signal: AbortSignal;
}

/** Where edgeAgent's and edgeHub's StorageFolder is on the host, for those on this engine. */
export function storeLocations(containers: ContainerInfo[]): StoreLocation[] {
  return SYSTEM_MODULES.flatMap((name) => {
    const container = containers.find((c) => c.name === name);
    if (!container) return [];
    const storageFolder = envValue(container.env, 'StorageFolder') ?? null;
    return [{ module: name, storageFolder, hostPath: storageFolder === null ? null : (hostFolder(container.mounts, storageFolder) ?? null) }];
  });
}

export async function collectModuleStores({ hostRoot, stores, at, memory, signal }: ModuleStoresOptions): Promise<ModuleStores> {
  signal.throwIfAborted();
  const atMs = at.getTime();
  const previous = memory.current ?? {};
  const next: StoreHistoryState = {};
  const scanned: ModuleStore[] = [];
  for (const location of stores) {
    const store = await scanStore(hostRoot, location, signal);
    if (store.totalBytes !== null) {
      const kept = (previous[location.module] ?? []).filter(([ms]) => ms < atMs && atMs - ms <= STORE_HISTORY_MS);
      next[location.module] = [...kept, [atMs, store.totalBytes]];
      store.history = next[location.module].map(([ms, bytes]) => ({ at: new Date(ms).toISOString(), bytes }));
    }
    scanned.push(store);
  }
  memory.current = next;
  return { stores: scanned };
}

async function scanStore(hostRoot: string, location: StoreLocation, signal: AbortSignal): Promise<ModuleStore> {
  const store: ModuleStore = { ...location, totalBytes: null, fileCount: 0, truncated: false, rocksDbLogs: { count: 0, bytes: 0 }, filesystem: null, history: [] };
  if (location.hostPath === null) return store;
  const root = hostPath(hostRoot, location.hostPath);
  try {
    const fs = await statfs(root);
    store.filesystem = { availableBytes: fs.bavail * fs.bsize, sizeBytes: fs.blocks * fs.bsize };
    let total = 0;
    const folders = [root];
    while (folders.length > 0 && !store.truncated) {
      signal.throwIfAborted();
      const folder = folders.pop() as string;
      let entries: Dirent[];
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        // A folder removed mid-walk (RocksDB compaction) is no longer there to count.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && folder !== root) continue;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) folders.push(full);
        else if (entry.isFile()) {
          const size = await lstat(full).then((s) => s.size, () => 0);
          total += size;
          store.fileCount += 1;
          if (entry.name === 'LOG' || entry.name.startsWith('LOG.old.')) {
            store.rocksDbLogs.count += 1;
            store.rocksDbLogs.bytes += size;
          }
          if (store.fileCount >= MAX_FILES_PER_STORE) {
            store.truncated = true;
            break;
          }
        }
      }
    }
    store.totalBytes = total;
  } catch (error) {
    if (signal.aborted) throw error;
    store.error = `${location.hostPath}: ${describeError(error)}`;
  }
  return store;
}
