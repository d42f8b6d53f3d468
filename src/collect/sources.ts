// Every source, in the order they are declared: a source runs once the ones it needs or uses are
// done, so independent ones run side by side. Adding a source is its file, one entry here and its test.
import { collectCertificates } from './certificates.js';
import { collectContainerLogs } from './container-logs.js';
import { collectContainerStats } from './container-stats.js';
import { collectContainers } from './containers.js';
import { collectDaemonConfig } from './daemon-config.js';
import { type DiskHistoryState, collectDiskHistory } from './disk-history.js';
import { connectEngine } from '../engine/connection.js';
import { collectDockerEngine } from './docker-engine.js';
import { collectFilesystems } from './filesystems.js';
import { collectIotEdgeConfig } from './iotedge-config.js';
import { type StoreHistoryState, collectModuleStores, storeLocations } from './module-stores.js';
import { type RestartHistoryState, collectRestartHistory } from './restart-history.js';
import { type KeptFields, SourceList } from './source.js';
import { collectTimeOffset } from './time-offset.js';
import { type UpstreamTargetSources, collectUpstream, upstreamTarget } from './upstream.js';
import { type VolumeSizeCache, collectVolumeSizes } from './volume-sizes.js';
import { collectVolumes } from './volumes.js';
import type { UpstreamProtocolPort } from '../snapshot.js';

/** What the sources are told: settings and the state a long-running agent keeps between cycles. */
export interface SourceOptions {
  /** Folder where the host filesystem is visible; '' on the host itself. */
  hostRoot: string;
  /** Where the Docker engine listens, e.g. unix:///var/run/docker.sock. */
  engineEndpoint: string;
  daemonConfigPath: string;
  iotedgeConfigPath: string;
  extraPaths: readonly string[];
  certificatePaths: readonly string[];
  /** The agent's own folder for state between runs; '' keeps it in memory only. */
  stateFolder: string;
  volumeSizes: boolean;
  volumeSizesMaxAgeMs: number;
  /** The IoT Edge workload API, when running as a module. */
  workloadUri: string | undefined;
  collectedAt: Date;
  volumeSizeCache: { current?: VolumeSizeCache };
  diskHistory: { current?: DiskHistoryState };
  restartHistory: { current?: RestartHistoryState };
  storeHistory: { current?: StoreHistoryState };
  /** SNTP servers, host[:port]; none turns the source off. */
  timeServers: readonly string[];
  /** Longest wait for one time server, and for one upstream step (DNS, TCP, TLS): within the source's deadline. */
  networkStepTimeoutMs: number;
  upstream: Omit<UpstreamTargetSources, 'iotedgeConfig'> & {
    ports: { protocol: UpstreamProtocolPort; port: number }[];
    /** The agent's own https_proxy; '' for none. */
    proxy: string;
  };
}

const list = SourceList.of<SourceOptions>()
  .add({
    name: 'docker',
    async collect({ options, signal }) {
      const connection = await connectEngine(options.engineEndpoint, signal);
      return { connection, info: await collectDockerEngine(connection, signal) };
    },
    keep: ({ info }) => info,
  })
  .add({
    name: 'containers',
    needs: ['docker'],
    collect: ({ needed, signal }) => collectContainers(needed.docker.connection.docker, signal),
  })
  .add({
    name: 'containerStats',
    needs: ['docker', 'containers'],
    collect: ({ options, needed: { docker, containers }, signal, note }) =>
      collectContainerStats({
        docker: docker.connection.docker,
        layout: { version: docker.info.cgroupVersion, driver: docker.info.cgroupDriver },
        memTotalBytes: docker.info.memTotalBytes,
        hostRoot: options.hostRoot,
        containers,
        signal,
        note,
      }),
  })
  .add({
    name: 'containerLogs',
    needs: ['docker', 'containers'],
    collect: ({ options, needed, signal, note }) =>
      collectContainerLogs({ containers: needed.containers, dataRoot: needed.docker.info.dataRoot, hostRoot: options.hostRoot, note, signal }),
  })
  .add({
    name: 'volumeSizes',
    needs: ['docker'],
    skip: (options) => (options.volumeSizes ? undefined : 'not asked for (volumeSizes is off)'),
    collect: ({ options, needed: { docker }, signal, note }) =>
      collectVolumeSizes(
        {
          docker: docker.connection.docker,
          apiVersion: docker.connection.apiVersion,
          cache: options.volumeSizeCache,
          maxAgeMs: options.volumeSizesMaxAgeMs,
          nowMs: options.collectedAt.getTime(),
        },
        signal,
        note,
      ),
    keep: (sizes) => Object.fromEntries(sizes),
  })
  .add({
    name: 'volumes',
    needs: ['docker', 'containers'],
    uses: ['volumeSizes'],
    collect: ({ needed, used, signal }) =>
      collectVolumes({ docker: needed.docker.connection.docker, containers: needed.containers, sizes: used.volumeSizes.value, signal }),
  })
  .add({
    name: 'daemonConfig',
    collect: ({ options, signal }) => collectDaemonConfig(options.hostRoot, options.daemonConfigPath, signal),
  })
  .add({
    name: 'filesystems',
    // The Docker data root is watched when the engine tells where it is.
    uses: ['docker'],
    collect: ({ options, used, signal }) => {
      const dataRoot = used.docker.value?.info.dataRoot;
      const watched = [
        { path: '/', role: 'root' as const },
        ...(dataRoot ? [{ path: dataRoot, role: 'dockerDataRoot' as const }] : []),
        ...options.extraPaths.map((path) => ({ path, role: 'configured' as const })),
      ];
      return collectFilesystems({ hostRoot: options.hostRoot, watched }, signal);
    },
  })
  .add({
    name: 'iotedgeConfig',
    collect: ({ options, signal }) => collectIotEdgeConfig(options.hostRoot, options.iotedgeConfigPath, signal),
  })
  .add({
    name: 'certificates',
    uses: ['iotedgeConfig'],
    collect: ({ options, used, signal, note }) =>
      collectCertificates({
        hostRoot: options.hostRoot,
        iotedgeConfig: used.iotedgeConfig.value,
        configError: used.iotedgeConfig.status.error,
        extraPaths: [...options.certificatePaths],
        workloadUri: options.workloadUri,
        signal,
        note,
      }),
  })
  .add({
    name: 'diskHistory',
    needs: ['filesystems'],
    collect: ({ options, needed, signal, note }) =>
      collectDiskHistory({
        filesystems: needed.filesystems.filesystems,
        at: options.collectedAt,
        stateFolder: options.stateFolder,
        memory: options.diskHistory,
        signal,
        note,
      }),
  })
  .add({
    name: 'restartHistory',
    needs: ['containers'],
    collect: async ({ options, needed, signal }) => collectRestartHistory({ containers: needed.containers, at: options.collectedAt, memory: options.restartHistory, signal }),
  })
  .add({
    name: 'moduleStores',
    needs: ['containers'],
    collect: ({ options, needed, signal }) =>
      collectModuleStores({ hostRoot: options.hostRoot, stores: storeLocations(needed.containers), at: options.collectedAt, memory: options.storeHistory, signal }),
  })
  .add({
    name: 'timeOffset',
    skip: (options) => (options.timeServers.length > 0 ? undefined : 'no timeServers set'),
    collect: ({ options, signal }) => collectTimeOffset({ servers: [...options.timeServers], signal, timeoutMs: options.networkStepTimeoutMs }),
  })
  .add({
    name: 'upstream',
    // The hub's host may come from config.toml.
    uses: ['iotedgeConfig'],
    collect: ({ options, used, signal }) =>
      collectUpstream({
        target: upstreamTarget({ ...options.upstream, iotedgeConfig: used.iotedgeConfig.value }),
        ports: options.upstream.ports,
        proxy: options.upstream.proxy,
        signal,
        stepTimeoutMs: options.networkStepTimeoutMs,
      }),
  });

export const SOURCES = list.sources;
export const SOURCE_NAMES = SOURCES.map((source) => source.name) as SourceName[];

/** One field per source in the snapshot: what it kept, null when it failed. */
export type SourceFields = KeptFields<typeof list>;
export type SourceName = keyof SourceFields & string;
