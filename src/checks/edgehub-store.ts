// The stores of edgeHub and edgeAgent on the host: edgeHub keeps every message it cannot deliver
// until its time to live, with no size cap of its own (Azure/iotedge#835, #6164), and RocksDB's
// info logs in it are never removed (#2431).
import { formatBytes } from '../size.js';
import type { Config } from '../config/settings.js';
import type { ModuleStore } from '../snapshot.js';
import { cite } from './checklist.js';
import { notRunning } from './system-modules.js';
import { type Problem, summariseProblems } from './problems.js';
import type { Check, Finding } from './types.js';

const DAY_MS = 86_400_000;
/** Shorter spans say too little about a rate. */
const MIN_GROWTH_SPAN_MS = 10 * 60_000;

const LOGS_FIX =
  'LOG.old.* files are RocksDB\'s informational logs, not messages: delete them from the store folder (e.g. a daily `find <folder> -name \'LOG.old.*\' -mtime +1 -delete`), and keep edgeHub and edgeAgent on a current IoT Edge version.';
const SIZE_FIX =
  'edgeHub keeps what it cannot deliver for storeAndForwardConfiguration.timeToLiveSecs (edgeHub desired properties, default 7200): make sure the device reaches IoT Hub and every route\'s endpoint reads its messages, lower the time to live, and put the StorageFolder on a disk with room (' + cite('Reduce storage time for messages', 'Set up host storage for system modules') + ').';
const NOT_ON_HOST =
  'inside the container, not on host storage: nothing on the host to measure (production.system-storage flags it)';

export const edgehubStore: Check = {
  id: 'edgehub.store',
  title: 'edgeHub and edgeAgent store size',
  needs: ['moduleStores'],
  twinNumbers: ['sizeBytes', 'growthBytesPerDay', 'daysUntilFull', 'rocksDbLogBytes'],
  settings: ['storeWarnBytes', 'storeLogWarnBytes', 'forecastHorizonDays'],
  run(snapshot, config) {
    const stores = snapshot.moduleStores?.stores ?? [];
    if (stores.length === 0) return [notRunning('edgeAgent', 'edgeHub')];
    return stores.map((store) => judge(store, config));
  },
};

function judge(store: ModuleStore, config: Config): Finding {
  const subject = store.module;
  const growth = growthPerDay(store);
  const daysUntilFull =
    growth !== null && growth > 0 && store.filesystem ? Math.round((store.filesystem.availableBytes / growth) * 10) / 10 : null;
  const details = {
    storageFolder: store.storageFolder,
    hostPath: store.hostPath,
    sizeBytes: store.totalBytes,
    fileCount: store.fileCount,
    rocksDbLogCount: store.rocksDbLogs.count,
    rocksDbLogBytes: store.rocksDbLogs.bytes,
    growthBytesPerDay: growth === null ? null : Math.round(growth),
    daysUntilFull,
    availableBytes: store.filesystem?.availableBytes ?? null,
    warnAboveBytes: config.storeWarnBytes,
    logsWarnAboveBytes: config.storeLogWarnBytes,
    countedPartly: store.truncated,
  };
  if (store.hostPath === null) {
    const where = store.storageFolder === null ? 'no StorageFolder set: the store is' : `StorageFolder ${store.storageFolder} is`;
    return { subject, status: 'skipped', message: `${where} ${NOT_ON_HOST}`, details };
  }
  if (store.totalBytes === null) {
    return { subject, status: 'skipped', message: `could not measure the store: ${store.error ?? 'not read'}`, details };
  }
  const problems: Problem[] = [];
  if (store.rocksDbLogs.bytes > config.storeLogWarnBytes) {
    problems.push({
      status: 'warning',
      text: `${store.rocksDbLogs.count} RocksDB info log files (LOG, LOG.old.*) hold ${formatBytes(store.rocksDbLogs.bytes)}, over ${formatBytes(config.storeLogWarnBytes)}`,
      fix: LOGS_FIX,
    });
  }
  if (store.totalBytes > config.storeWarnBytes) {
    problems.push({ status: 'warning', text: `the store holds ${formatBytes(store.totalBytes)}, over ${formatBytes(config.storeWarnBytes)}`, fix: SIZE_FIX });
  }
  if (daysUntilFull !== null && daysUntilFull <= config.forecastHorizonDays) {
    problems.push({ status: 'warning', text: `it grows ${formatBytes(growth as number)} a day: its disk is full in ${daysUntilFull} days at that rate`, fix: SIZE_FIX });
  }
  const size = `${formatBytes(store.totalBytes)} in ${store.fileCount}${store.truncated ? '+' : ''} files at ${store.hostPath}`;
  // edgeHub's store is where undelivered messages pile up; edgeAgent's holds only its own state.
  const uncapped = store.module === 'edgeHub' ? "; edgeHub's persistent store has no size cap of its own" : '';
  if (problems.length === 0) {
    const trend = growth === null ? '' : `, growing ${formatBytes(Math.max(0, growth))} a day`;
    return { subject, status: 'ok', message: `${size}${trend}`, details };
  }
  const { status, text, remediation } = summariseProblems(problems);
  return { subject, status, message: `${text} (${size})${uncapped}`, details, remediation };
}

/** Bytes a day from the oldest kept size to this cycle's; null without enough history. */
function growthPerDay(store: ModuleStore): number | null {
  const first = store.history[0];
  const last = store.history.at(-1);
  if (!first || !last) return null;
  const spanMs = Date.parse(last.at) - Date.parse(first.at);
  if (spanMs < MIN_GROWTH_SPAN_MS) return null;
  return ((last.bytes - first.bytes) / spanMs) * DAY_MS;
}
