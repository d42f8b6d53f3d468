// Everything one cycle collected, as plain JSON-serialisable data. Checks read only this.
// A source that failed leaves its field null and says why in `sources`.
// The source fields come from the source registry (collect/sources.ts), one per source.
import type { SourceFields, SourceName } from './collect/sources.js';

export type { SourceName };

export interface SourceStatus {
  ok: boolean;
  durationMs: number;
  /** Why the source failed, when it did. */
  error?: string;
  /** Something worth knowing although it worked (cached data, partial reads). */
  note?: string;
  /** Failed because what it reads is not on this host at all (no Docker engine installed): nothing to judge, not a fault. */
  absent?: true;
}

export type Snapshot = {
  schemaVersion: 1;
  collectedAt: string;
  hostRoot: string;
  sources: Record<SourceName, SourceStatus>;
} & SourceFields;

export interface DockerEngine {
  /** Where the engine was reached, e.g. unix:///var/run/docker.sock. */
  endpoint: string;
  /** The API version this agent talks, negotiated down from the engine's. */
  apiVersion: string;
  engineApiVersion: string;
  engineVersion: string;
  /** Product name, e.g. "Docker Engine - Community"; empty for plain Moby builds. */
  platformName: string;
  operatingSystem: string;
  dataRoot: string;
  storageDriver: string;
  loggingDriver: string;
  cgroupVersion: string;
  /** cgroupfs or systemd: where the engine puts containers' cgroups. */
  cgroupDriver: string;
  memTotalBytes: number;
  cpus: number;
  /** The engine's own proxy (systemd environment), credentials redacted; empty when none. */
  proxy: { httpProxy: string; httpsProxy: string; noProxy: string };
}

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  imageId: string;
  createdAt: string;
  labels: Record<string, string>;
  state: {
    status: string;
    running: boolean;
    oomKilled: boolean;
    exitCode: number;
    startedAt: string;
    /** When it last stopped; Docker's zero time (0001-01-01…) when it never did. */
    finishedAt: string;
  };
  /** Docker HEALTHCHECK state; absent when the container has no healthcheck (or has not started since it got one). */
  health?: ContainerHealth;
  restartCount: number;
  restartPolicy: string;
  privileged: boolean;
  limits: {
    memoryBytes: number;
    nanoCpus: number;
    cpuQuota: number;
    cpuPeriod: number;
    pidsLimit: number | null;
  };
  logConfig: { type: string; config: Record<string, string> };
  /** As the engine reports it: empty for drivers that keep no file it names (`local`, journald…). */
  logPath: string;
  mounts: ContainerMount[];
  /** Only for the IoT Edge system modules (edgeAgent, edgeHub), and only the variables the checks read (src/iotedge.ts). */
  env?: Record<string, string>;
}

export interface ContainerHealth {
  status: 'starting' | 'healthy' | 'unhealthy';
  /** Consecutive failed probes. */
  failingStreak: number;
  /** The last probe's exit code and output (cut short: probes can print a lot); null before the first probe. */
  lastProbe: { at: string; exitCode: number; output: string } | null;
}

export interface ContainerMount {
  type: string;
  /** Volume name, for volume mounts. */
  name?: string;
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface ContainerStats {
  containerId: string;
  /** Usage without the reclaimable page cache, as `docker stats` shows it. */
  memoryUsageBytes: number;
  memoryLimitBytes: number;
  /** Processes the kernel killed for lack of memory since the container started; absent when not known (the engine's stats do not say). */
  oomKillCount?: number;
  /** Why the engine's stats call measured it instead of its cgroup files; absent when the files were read. */
  engineFallback?: string;
}

/**
 * Why something on the host was not seen: not mounted into the agent (or missing under the host
 * root), refused by permissions, not a regular file, over the size cap, more entries than the cap, or
 * another read failure. Checks never call ok what they could not see.
 */
export type BlindReason = 'not-mounted' | 'permission' | 'not-a-file' | 'too-large' | 'too-many' | 'unreadable';

export interface ContainerLogFiles {
  containerId: string;
  driver: string;
  /** Host path of the folder holding the log files. */
  directory: string;
  files: { name: string; sizeBytes: number }[];
  totalBytes: number;
  /** Why the files could not be read, when they could not. */
  error?: string;
  /** What kind of blind spot `error` is. */
  blind?: BlindReason;
}

export interface VolumeInfo {
  name: string;
  driver: string;
  createdAt: string;
  labels: Record<string, string>;
  anonymous: boolean;
  /** Names of the containers (any state) that mount it. */
  usedBy: string[];
  /** Null when sizes were not asked for or the engine could not tell. */
  sizeBytes: number | null;
}

export interface DaemonConfig {
  /** Host path of daemon.json. */
  path: string;
  found: boolean;
  logDriver?: string;
  logOpts?: Record<string, string>;
  /** DNS servers every container gets, the "dns" list. */
  dns?: string[];
  dataRoot?: string;
  storageDriver?: string;
}

export interface FilesystemInfo {
  /** The first host path that resolved to this filesystem. */
  path: string;
  /** Every configured host path on this filesystem, with why it is watched. */
  watchedPaths: { path: string; role: FilesystemRole }[];
  mount: string | null;
  device: string | null;
  type: string | null;
  sizeBytes: number;
  availableBytes: number;
  inodesTotal: number;
  inodesFree: number;
}

export interface FilesystemScan {
  filesystems: FilesystemInfo[];
  /** Watched paths that could not be read, with the reason. */
  unreadable: { path: string; role: FilesystemRole; error: string }[];
  /**
   * Watched paths the host does not show the agent: under the host root only the container's own
   * filesystem is there (the host's / is not mounted, say), so measuring it would mislead.
   */
  notMounted: { path: string; role: FilesystemRole }[];
}

export type FilesystemRole = 'root' | 'dockerDataRoot' | 'configured';

/** The parts of IoT Edge's config.toml the checks read; secrets (keys, passwords, connection strings) are never kept. */
export type IotEdgeConfig = { path: string; found: false } | IotEdgeConfigFound;

export interface IotEdgeConfigFound {
  /** Host path of config.toml. */
  path: string;
  found: true;
  edgeCa: EdgeCaConfig;
  /** Every certificate file the file names (file:// URIs), with the key that names it. */
  certificateFiles: { key: string; path: string; role: CertificateRole }[];
  /** Renewal of a device identity certificate IoT Edge issues itself (EST, local CA), when configured. */
  identityAutoRenew: RenewPolicy | null;
  /** Where the device connects: the IoT Hub of manual provisioning (null with DPS), and the parent device of a nested one. */
  upstream: { iothubHostname: string | null; parentHostname: string | null };
  /** The bootstrap edgeAgent: [agent.config] image and the allowlisted [agent.env] variables. */
  agent: { image: string | null; env: Record<string, string> };
  imageGarbageCollection: ImageGarbageCollection;
}

export interface EdgeCaConfig {
  /** files: cert and key given as files; quickstart: self-signed by IoT Edge; issued: from an EST server or a local CA. */
  source: 'files' | 'quickstart' | 'issued';
  /** Issuance method as config.toml names it (est, local_ca, self_signed); null for files and plain quickstart. */
  method: string | null;
  /** Host path of the certificate file, for source files. */
  certPath: string | null;
  /** Lifetime IoT Edge gives a quickstart CA (auto_generated_edge_ca_expiry_days, default 90). */
  quickstartExpiryDays: number | null;
  /** How IoT Edge renews it; null when it does not (files). */
  autoRenew: RenewPolicy | null;
}

/** An [*.auto_renew] section, defaults filled in. */
export interface RenewPolicy {
  rotateKey: boolean;
  /** When renewal starts: a share of the lifetime ("80%") or a time before expiry ("10d", "30m"). */
  threshold: string;
  /** How often a failed renewal is retried, in the same form. */
  retry: string;
}

export interface ImageGarbageCollection {
  /** Whether config.toml has an [image_garbage_collection] section; without one the defaults apply. */
  configured: boolean;
  enabled: boolean;
  cleanupRecurrence: string;
  imageAgeCleanupThreshold: string;
  cleanupTime: string;
}

/** What a certificate is for: decides who renews it and how to fix it. */
export type CertificateRole = 'edge-ca' | 'trust-bundle' | 'identity' | 'module' | 'iotedge' | 'extra';

export interface CertificateInfo {
  /** Host path of the file, or "workload-api" for the IoT Edge trust bundle. */
  source: string;
  /** Position in its file or bundle, from 0: a file may hold a chain. */
  position: number;
  /** How many certificates its file or bundle holds. */
  countInSource: number;
  role: CertificateRole;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 fingerprint: the same certificate found in several places is listed once. */
  fingerprint: string;
  /** Other places the same certificate was found. */
  alsoIn: string[];
  /**
   * Where it was found first: `iotedge`, where IoT Edge keeps what it issues (the certd store, the
   * workload API); `file`, a file config.toml names or certificatePaths lists.
   */
  heldBy: 'file' | 'iotedge';
  /** The renewal config.toml sets for it ([edge_ca.auto_renew], an identity's auto_renew, or aziot's defaults); null when none does or config.toml was not read. */
  renewPolicy: RenewPolicy | null;
}

export interface CertificateScan {
  /** Places of IoT Edge's own the scan found (the certd store, the workload API); iotedgeEvidence() in iotedge.ts adds the rest. */
  iotedgeEvidence: string[];
  certificates: CertificateInfo[];
  /** Files, folders or the workload API that could not be read or held no certificate, with why. */
  unreadable: { source: string; role: CertificateRole; error: string }[];
  /**
   * Places that may hold certificates this agent could not look into (the certd store for a non-root
   * module, config.toml unreadable, a folder over the entry cap, a FIFO in a folder), with why.
   */
  notSeen?: { source: string; reason: BlindReason; error: string }[];
}

/** Free bytes per filesystem over recent cycles, oldest first, for disk.forecast. */
export interface DiskHistory {
  /** File the history is kept in between runs; null when it lives only in memory. */
  file: string | null;
  filesystems: FilesystemHistory[];
}

export interface FilesystemHistory {
  /** FilesystemInfo.path of the filesystem. */
  path: string;
  sizeBytes: number;
  samples: { at: string; availableBytes: number }[];
}

/** Restarts of each container seen between cycles, for modules.running. */
export interface RestartHistory {
  containers: {
    containerId: string;
    /** The first cycle that saw it: restarts before that are not counted. */
    watchedSince: string;
    /** Restarts seen within the last hour (Docker's restarts, and starts by edgeAgent). */
    restartsLastHour: number;
  }[];
}

/** edgeHub's and edgeAgent's stores (their StorageFolder) as the host holds them, for edgehub.store. */
export interface ModuleStores {
  stores: ModuleStore[];
}

export interface ModuleStore {
  module: string;
  /** StorageFolder inside the container; null when unset. */
  storageFolder: string | null;
  /** The host folder holding it; null when it is inside the container (nothing on the host to measure). */
  hostPath: string | null;
  /** Bytes of all files in it; null when not measured. */
  totalBytes: number | null;
  fileCount: number;
  /** The walk stopped at its file limit: the counts are a lower bound. */
  truncated: boolean;
  /** RocksDB's info logs (LOG, LOG.old.*). */
  rocksDbLogs: { count: number; bytes: number };
  /** The filesystem holding the store. */
  filesystem: { availableBytes: number; sizeBytes: number } | null;
  /** totalBytes over recent cycles, oldest first, this one last. */
  history: { at: string; bytes: number }[];
  /** Why it could not be measured. */
  error?: string;
}

/** The clock compared with each configured SNTP server, for time.offset. */
export interface TimeOffsets {
  servers: TimeServerAnswer[];
}

export type TimeServerAnswer =
  | {
      server: string;
      ok: true;
      /** The server's time minus this clock: positive when this clock is behind. */
      offsetMs: number;
      roundTripMs: number;
      stratum: number;
    }
  | { server: string; ok: false; error: string };

export type UpstreamProtocolPort = 'mqtt' | 'amqp' | 'websocket';

/** From the agent's own network: the IoT Hub (or, on a nested device, the parent) resolved and connected to, for network.upstream. */
export interface UpstreamProbe {
  /** Where the host came from (setting, IOTEDGE_IOTHUBHOSTNAME, config.toml…); null target when none was found. */
  target: { role: 'iothub' | 'parent'; host: string; from: string } | null;
  /** The proxy WebSocket connections went through, credentials redacted; null without one. */
  proxy: string | null;
  dns: { ok: boolean; durationMs: number; addresses: string[]; error?: string } | null;
  ports: {
    protocol: UpstreamProtocolPort;
    port: number;
    viaProxy: boolean;
    ok: boolean;
    /** Time to the TCP connection (through the proxy: to the tunnel), then to the end of the TLS handshake. */
    tcpMs: number | null;
    tlsMs: number | null;
    error?: string;
  }[];
}
