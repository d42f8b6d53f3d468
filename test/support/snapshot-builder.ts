// Small typed builders for pure-logic tests: every builder returns a complete, valid value
// that a test changes only where its case differs.
import { OWNER_LABEL, OWNER_VALUE } from '../../src/iotedge.js';
import {
  type CertificateInfo,
  type ContainerInfo,
  type ContainerLogFiles,
  type DockerEngine,
  type FilesystemHistory,
  type FilesystemInfo,
  type IotEdgeConfigFound,
  type ModuleStore,
  type Snapshot,
  type SourceName,
  type SourceStatus,
  type UpstreamProbe,
  type VolumeInfo,
} from '../../src/snapshot.js';
import { SOURCE_NAMES } from '../../src/collect/sources.js';

export const KiB = 1024;
export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;
/** When every built snapshot was collected: checks take "now" from it. */
export const COLLECTED_AT = '2024-05-01T12:00:00.000Z';

export type SnapshotOverrides = Partial<Omit<Snapshot, 'sources'>> & {
  sources?: Partial<Record<SourceName, Partial<SourceStatus>>>;
};

/** A snapshot where every source worked and found nothing. */
export function snapshot(overrides: SnapshotOverrides = {}): Snapshot {
  const { sources = {}, ...rest } = overrides;
  return {
    schemaVersion: 1,
    collectedAt: COLLECTED_AT,
    hostRoot: '',
    sources: Object.fromEntries(
      SOURCE_NAMES.map((name) => [name, { ok: true, durationMs: 1, ...sources[name] }]),
    ) as Record<SourceName, SourceStatus>,
    docker: dockerEngine(),
    containers: [],
    containerStats: [],
    containerLogs: [],
    volumes: [],
    volumeSizes: {},
    // The checklist's advice, so the default log driver is nothing to flag.
    daemonConfig: { path: '/etc/docker/daemon.json', found: true, logDriver: 'local', dns: ['10.0.0.53'] },
    filesystems: { filesystems: [], unreadable: [], notMounted: [] },
    iotedgeConfig: { path: '/etc/aziot/config.toml', found: false },
    certificates: { iotedgeEvidence: [], certificates: [], unreadable: [] },
    diskHistory: { file: null, filesystems: [] },
    restartHistory: { containers: [] },
    moduleStores: { stores: [] },
    timeOffset: { servers: [{ server: 'time.windows.com', ok: true, offsetMs: 120, roundTripMs: 30, stratum: 2 }] },
    upstream: upstreamProbe(),
    ...rest,
  };
}

/** A failed source, as the collector records it. */
export function failed(error: string): SourceStatus {
  return { ok: false, durationMs: 1, error };
}

export function dockerEngine(overrides: Partial<DockerEngine> = {}): DockerEngine {
  return {
    endpoint: 'unix:///var/run/docker.sock',
    apiVersion: '1.45',
    engineApiVersion: '1.45',
    engineVersion: '26.1.0',
    platformName: '',
    operatingSystem: 'Ubuntu 22.04',
    dataRoot: '/var/lib/docker',
    storageDriver: 'overlay2',
    loggingDriver: 'json-file',
    cgroupVersion: '2',
    cgroupDriver: 'systemd',
    memTotalBytes: 4 * GiB,
    cpus: 4,
    proxy: { httpProxy: '', httpsProxy: '', noProxy: '' },
    ...overrides,
  };
}

export type ContainerOverrides = Partial<Omit<ContainerInfo, 'state' | 'limits' | 'logConfig'>> & {
  state?: Partial<ContainerInfo['state']>;
  limits?: Partial<ContainerInfo['limits']>;
  /** Replaces type and/or config as given; config is not merged key by key. */
  logConfig?: Partial<ContainerInfo['logConfig']>;
};

/** A running, well-behaved module: 64 MiB and half a CPU, json-file capped at 10m, never restarted. */
export function container(overrides: ContainerOverrides = {}): ContainerInfo {
  const { state, limits, logConfig, ...rest } = overrides;
  const name = rest.name ?? 'tempSensor';
  return {
    id: `id-${name}`,
    name,
    image: 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5',
    imageId: 'sha256:0123',
    createdAt: '2024-04-01T00:00:00.000Z',
    labels: {},
    restartCount: 0,
    restartPolicy: 'always',
    privileged: false,
    logPath: `/var/lib/docker/containers/id-${name}/id-${name}-json.log`,
    mounts: [],
    ...rest,
    state: { status: 'running', running: true, oomKilled: false, exitCode: 0, startedAt: '2024-04-01T00:00:01.000Z', finishedAt: '0001-01-01T00:00:00Z', ...state },
    limits: { memoryBytes: 64 * MiB, nanoCpus: 5e8, cpuQuota: 0, cpuPeriod: 0, pidsLimit: null, ...limits },
    logConfig: { type: 'json-file', config: { 'max-size': '10m' }, ...logConfig },
  };
}

export function volume(overrides: Partial<VolumeInfo> = {}): VolumeInfo {
  return {
    name: 'module-data',
    driver: 'local',
    createdAt: '2024-04-01T00:00:00.000Z',
    labels: {},
    anonymous: false,
    usedBy: [],
    sizeBytes: 10 * MiB,
    ...overrides,
  };
}

/** The filesystem of / on a 100 GiB disk, half free, with inodes to spare. */
export function filesystem(overrides: Partial<FilesystemInfo> = {}): FilesystemInfo {
  const path = overrides.path ?? '/';
  return {
    path,
    watchedPaths: [{ path, role: 'root' }],
    mount: path,
    device: '/dev/sda1',
    type: 'ext4',
    sizeBytes: 100 * GiB,
    availableBytes: 50 * GiB,
    inodesTotal: 1_000_000,
    inodesFree: 500_000,
    ...overrides,
  };
}

/** One container's log files; totalBytes is the sum of the files unless given. */
export function logFiles(overrides: Partial<ContainerLogFiles> = {}): ContainerLogFiles {
  const containerId = overrides.containerId ?? 'id-tempSensor';
  const files = overrides.files ?? [{ name: `${containerId}-json.log`, sizeBytes: 1 * MiB }];
  return {
    containerId,
    driver: 'json-file',
    directory: `/var/lib/docker/containers/${containerId}`,
    files,
    totalBytes: files.reduce((sum, file) => sum + file.sizeBytes, 0),
    ...overrides,
  };
}

/** A system module as a production checklist wants it: specific tag, host storage, all pulls before restarts. */
export function edgeAgent(overrides: ContainerOverrides = {}): ContainerInfo {
  return systemModule('edgeAgent', 'mcr.microsoft.com/azureiotedge-agent:1.5.3', { ModuleUpdateMode: 'WaitForAllPulls' }, overrides);
}

export function edgeHub(overrides: ContainerOverrides = {}): ContainerInfo {
  return systemModule('edgeHub', 'mcr.microsoft.com/azureiotedge-hub:1.5.3', {}, overrides);
}

function systemModule(name: string, image: string, env: Record<string, string>, overrides: ContainerOverrides): ContainerInfo {
  return container({
    name,
    image,
    labels: { [OWNER_LABEL]: OWNER_VALUE },
    env: { StorageFolder: '/iotedge/storage', ...env },
    mounts: [{ type: 'bind', source: `/srv/${name}`, destination: '/iotedge/storage', readOnly: false }],
    ...overrides,
  });
}

/** config.toml with an edge CA from files and image garbage collection at its defaults. */
export function iotedgeConfig(overrides: Partial<Omit<IotEdgeConfigFound, 'found'>> = {}): IotEdgeConfigFound {
  return {
    path: '/etc/aziot/config.toml',
    found: true,
    edgeCa: { source: 'files', method: null, certPath: '/var/aziot/certs/edge-ca.pem', quickstartExpiryDays: null, autoRenew: null },
    certificateFiles: [{ key: 'edge_ca.cert', path: '/var/aziot/certs/edge-ca.pem', role: 'edge-ca' }],
    identityAutoRenew: null,
    upstream: { iothubHostname: 'contoso.azure-devices.net', parentHostname: null },
    agent: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5.3', env: {} },
    imageGarbageCollection: { configured: false, enabled: true, cleanupRecurrence: '1d', imageAgeCleanupThreshold: '7d', cleanupTime: '00:00' },
    ...overrides,
  };
}

/** An edge CA from files, valid from a year before the builder's collectedAt to a year after. */
export function certificate(overrides: Partial<CertificateInfo> = {}): CertificateInfo {
  return {
    source: '/var/aziot/certs/edge-ca.pem',
    position: 0,
    countInSource: 1,
    role: 'edge-ca',
    subject: 'CN=edge-ca',
    issuer: 'CN=root-ca',
    serial: '01',
    notBefore: '2023-05-01T12:00:00.000Z',
    notAfter: '2025-05-01T12:00:00.000Z',
    fingerprint: 'AA:BB',
    alsoIn: [],
    heldBy: 'file',
    renewPolicy: null,
    ...overrides,
  };
}

/** Free-space samples for one filesystem, one per `everyMinutes`, ending at the builder's collectedAt. */
export function filesystemHistory(path: string, availableBytes: number[], { everyMinutes = 5, sizeBytes = 100 * GiB } = {}): FilesystemHistory {
  const end = Date.parse(COLLECTED_AT);
  return {
    path,
    sizeBytes,
    samples: availableBytes.map((bytes, index) => ({
      at: new Date(end - (availableBytes.length - 1 - index) * everyMinutes * 60_000).toISOString(),
      availableBytes: bytes,
    })),
  };
}

/** edgeHub's store on host storage: 20 MiB in 40 files, two small RocksDB info logs, 50 GiB free, no history yet. */
export function moduleStore(overrides: Partial<ModuleStore> = {}): ModuleStore {
  const module = overrides.module ?? 'edgeHub';
  return {
    module,
    storageFolder: '/iotedge/storage',
    hostPath: `/srv/${module}`,
    totalBytes: 20 * MiB,
    fileCount: 40,
    truncated: false,
    rocksDbLogs: { count: 2, bytes: 1 * MiB },
    filesystem: { availableBytes: 50 * GiB, sizeBytes: 100 * GiB },
    history: [{ at: COLLECTED_AT, bytes: overrides.totalBytes ?? 20 * MiB }],
    ...overrides,
  };
}

/** The IoT Hub resolved and every port connected, straight (no proxy). */
export function upstreamProbe(overrides: Partial<UpstreamProbe> = {}): UpstreamProbe {
  return {
    target: { role: 'iothub', host: 'contoso.azure-devices.net', from: 'IOTEDGE_IOTHUBHOSTNAME' },
    proxy: null,
    dns: { ok: true, durationMs: 3, addresses: ['20.0.0.1'] },
    ports: [
      { protocol: 'mqtt', port: 8883, viaProxy: false, ok: true, tcpMs: 20, tlsMs: 60 },
      { protocol: 'amqp', port: 5671, viaProxy: false, ok: true, tcpMs: 20, tlsMs: 60 },
      { protocol: 'websocket', port: 443, viaProxy: false, ok: true, tcpMs: 20, tlsMs: 60 },
    ],
    ...overrides,
  };
}
