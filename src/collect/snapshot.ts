// One collection cycle: every source once, each under its own deadline, failures kept as data.
import type { Config } from '../config/settings.js';
import type { Snapshot, SourceName, SourceStatus } from '../snapshot.js';
import { collectContainerLogs } from './container-logs.js';
import { collectContainerStats } from './container-stats.js';
import { collectContainers } from './containers.js';
import { collectCertificates } from './certificates.js';
import { collectDaemonConfig } from './daemon-config.js';
import { type DiskHistoryState, collectDiskHistory } from './disk-history.js';
import { connectEngine } from './docker-client.js';
import { collectDockerEngine } from './docker-engine.js';
import { type WatchedPath, collectFilesystems } from './filesystems.js';
import { collectIotEdgeConfig } from './iotedge-config.js';
import { type StoreHistoryState, collectModuleStores, storeLocations } from './module-stores.js';
import { type RestartHistoryState, collectRestartHistory } from './restart-history.js';
import { type SourceRun, runSource } from './run-source.js';
import { collectTimeOffset } from './time-offset.js';
import { collectUpstream, upstreamTarget } from './upstream.js';
import { type VolumeSizeCache, collectVolumeSizes } from './volume-sizes.js';
import { collectVolumes } from './volumes.js';

export interface CollectOptions {
  config: Config;
  /** Kept by a long-running agent between cycles; a one-shot run passes a fresh one. */
  volumeSizeCache?: { current?: VolumeSizeCache };
  /** Kept by a long-running agent between cycles, like volumeSizeCache. */
  diskHistory?: { current?: DiskHistoryState };
  /** Restarts seen between cycles, kept by a long-running agent like volumeSizeCache. */
  restartHistory?: { current?: RestartHistoryState };
  /** Sizes of edgeHub's and edgeAgent's stores over recent cycles, kept like volumeSizeCache. */
  storeHistory?: { current?: StoreHistoryState };
  /** The IoT Edge workload API; IoT Edge sets IOTEDGE_WORKLOADURI in every module. */
  workloadUri?: string;
  now?: () => Date;
}

export async function collectSnapshot({
  config,
  volumeSizeCache = {},
  diskHistory = {},
  restartHistory = {},
  storeHistory = {},
  workloadUri = process.env.IOTEDGE_WORKLOADURI,
  now = () => new Date(),
}: CollectOptions): Promise<Snapshot> {
  const collectedAt = now();
  const timeoutMs = config.collectTimeoutSeconds * 1000;
  const run = <T>(collect: Parameters<typeof runSource<T>>[1]) => runSource(timeoutMs, collect);

  const dockerRun = await run(async (signal) => {
    const engine = await connectEngine(signal);
    return { engine, info: await collectDockerEngine(engine, signal) };
  });
  const engine = dockerRun.value?.engine;
  const dataRoot = dockerRun.value?.info.dataRoot;

  const watched: WatchedPath[] = [
    { path: '/', role: 'root' },
    ...(dataRoot ? [{ path: dataRoot, role: 'dockerDataRoot' as const }] : []),
    ...config.extraPaths.map((path) => ({ path, role: 'configured' as const })),
  ];
  const hostSources = Promise.all([
    run(() => collectFilesystems(config.hostRoot, watched)),
    run((signal) => collectDaemonConfig(config.hostRoot, config.daemonConfigPath, signal)),
    run((signal) => collectIotEdgeConfig(config.hostRoot, config.iotedgeConfigPath, signal)),
  ]);
  // Network only: runs alongside the engine and host sources.
  const timeOffset = config.timeServers.length > 0
    ? run((signal) => collectTimeOffset({ servers: config.timeServers, signal }))
    : Promise.resolve(notRun('no timeServers set'));
  const upstreamSource = hostSources.then(([, , iotedgeConfig]) =>
    run((signal) =>
      collectUpstream({
        target: upstreamTarget({ iothubHostname: config.iothubHostname, parentHostname: config.parentHostname, env: process.env, iotedgeConfig: iotedgeConfig.value }),
        ports: [
          { protocol: 'mqtt', port: config.upstreamMqttPort },
          { protocol: 'amqp', port: config.upstreamAmqpPort },
          { protocol: 'websocket', port: config.upstreamWebSocketPort },
        ],
        // The agent's own proxy, as IoT Edge gives every module that needs one.
        proxy: process.env.https_proxy ?? process.env.HTTPS_PROXY ?? '',
        signal,
      }),
    ),
  );
  const iotedgeSources = hostSources.then(([filesystems, , iotedgeConfig]) => {
    const scan = filesystems.value;
    return Promise.all([
      run((signal, note) =>
        collectCertificates({
          hostRoot: config.hostRoot,
          iotedgeConfig: iotedgeConfig.value,
          configError: iotedgeConfig.status.error,
          extraPaths: config.certificatePaths,
          workloadUri,
          signal,
          note,
        }),
      ),
      scan
        ? run((_, note) => collectDiskHistory({ filesystems: scan.filesystems, at: collectedAt, stateFolder: config.stateFolder, memory: diskHistory, note }))
        : blocked(filesystems),
    ]);
  });

  const containers = engine ? await run((signal) => collectContainers(engine.docker, signal)) : blocked(dockerRun);
  const list = containers.value;
  const [containerStats, containerLogs, sizes] = await Promise.all([
    engine && list ? run((signal) => collectContainerStats(engine.docker, list, signal)) : blocked(containers),
    list && dataRoot ? run((_, note) => collectContainerLogs(list, dataRoot, config.hostRoot, note)) : blocked(containers),
    !config.volumeSizes
      ? notRun('not asked for (volumeSizes is off)')
      : engine
        ? run((signal, note) =>
            collectVolumeSizes(engine.docker, engine.apiVersion, volumeSizeCache, config.volumeSizesMaxAgeSeconds * 1000, collectedAt.getTime(), signal, note),
          )
        : blocked(dockerRun),
  ]);
  const restarts = list ? await run(async () => collectRestartHistory({ containers: list, at: collectedAt, memory: restartHistory })) : blocked(containers);
  const stores = list
    ? await run((signal) => collectModuleStores({ hostRoot: config.hostRoot, stores: storeLocations(list), at: collectedAt, memory: storeHistory, signal }))
    : blocked(containers);
  const volumes = engine && list ? await run((signal) => collectVolumes(engine.docker, list, sizes.value, signal)) : blocked(containers);
  const [filesystems, daemonConfig, iotedgeConfig] = await hostSources;
  const [certificates, history] = await iotedgeSources;
  const clock = await timeOffset;
  const upstream = await upstreamSource;

  const sources: Record<SourceName, SourceStatus> = {
    docker: dockerRun.status,
    containers: containers.status,
    containerStats: containerStats.status,
    containerLogs: containerLogs.status,
    volumes: volumes.status,
    volumeSizes: sizes.status,
    daemonConfig: daemonConfig.status,
    filesystems: filesystems.status,
    iotedgeConfig: iotedgeConfig.status,
    certificates: certificates.status,
    diskHistory: history.status,
    restartHistory: restarts.status,
    moduleStores: stores.status,
    timeOffset: clock.status,
    upstream: upstream.status,
  };
  return {
    schemaVersion: 1,
    collectedAt: collectedAt.toISOString(),
    hostRoot: config.hostRoot,
    sources,
    docker: dockerRun.value?.info ?? null,
    containers: list,
    containerStats: containerStats.value,
    containerLogs: containerLogs.value,
    volumes: volumes.value,
    daemonConfig: daemonConfig.value,
    filesystems: filesystems.value,
    iotedgeConfig: iotedgeConfig.value,
    certificates: certificates.value,
    diskHistory: history.value,
    restartHistory: restarts.value,
    moduleStores: stores.value,
    timeOffset: clock.value,
    upstream: upstream.value,
  };
}

/** A source that cannot run because one it builds on failed carries that failure's reason. */
function blocked(by: SourceRun<unknown>): SourceRun<never> {
  return notRun(by.status.error ?? 'not collected');
}

function notRun(reason: string): SourceRun<never> {
  return { value: null, status: { ok: false, durationMs: 0, error: reason } };
}
