// Everything one cycle collected, as plain JSON-serialisable data. Checks read only this.
// A source that failed leaves its field null and says why in `sources`.

export const SOURCE_NAMES = [
  'docker',
  'containers',
  'containerStats',
  'containerLogs',
  'volumes',
  'volumeSizes',
  'daemonConfig',
  'filesystems',
] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export interface SourceStatus {
  ok: boolean;
  durationMs: number;
  /** Why the source failed, when it did. */
  error?: string;
  /** Something worth knowing although it worked (cached data, partial reads). */
  note?: string;
}

export interface Snapshot {
  schemaVersion: 1;
  collectedAt: string;
  hostRoot: string;
  sources: Record<SourceName, SourceStatus>;
  docker: DockerEngine | null;
  containers: ContainerInfo[] | null;
  containerStats: ContainerStats[] | null;
  containerLogs: ContainerLogFiles[] | null;
  volumes: VolumeInfo[] | null;
  daemonConfig: DaemonConfig | null;
  filesystems: FilesystemScan | null;
}

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
  memTotalBytes: number;
  cpus: number;
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
  };
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
}

export interface ContainerLogFiles {
  containerId: string;
  driver: string;
  /** Host path of the folder holding the log files. */
  directory: string;
  files: { name: string; sizeBytes: number }[];
  totalBytes: number;
  /** Why the files could not be read, when they could not. */
  error?: string;
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
}

export type FilesystemRole = 'root' | 'dockerDataRoot' | 'configured';
