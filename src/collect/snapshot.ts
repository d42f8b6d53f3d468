// One collection cycle: every source of the registry once, each under its own deadline, failures
// kept as data, a source whose needed source failed carrying that failure's reason.
import type { Snapshot, SourceName, SourceStatus } from '../snapshot.js';
import type { DiskHistoryState } from './disk-history.js';
import type { StoreHistoryState } from './module-stores.js';
import type { RestartHistoryState } from './restart-history.js';
import { UPSTREAM_STEP_TIMEOUT_MS } from './upstream.js';
import { defaultEngineEndpoint } from '../engine/connection.js';
import { type SourceRun, runSource } from './run-source.js';
import type { Source } from './source.js';
import { SOURCES, type SourceOptions } from './sources.js';
import type { VolumeSizeCache } from './volume-sizes.js';

/** The settings collection reads; the agent's Config has them all. */
export type CollectSettings = Pick<
  SourceOptions,
  'hostRoot' | 'daemonConfigPath' | 'iotedgeConfigPath' | 'extraPaths' | 'certificatePaths' | 'stateFolder' | 'volumeSizes' | 'timeServers'
> & {
  volumeSizesMaxAgeSeconds: number;
  collectTimeoutSeconds: number;
  iothubHostname: string;
  parentHostname: string;
  upstreamMqttPort: number;
  upstreamAmqpPort: number;
  upstreamWebSocketPort: number;
};

export interface CollectOptions {
  config: CollectSettings;
  /** Where the Docker engine listens; by default where Docker's own tools look (DOCKER_HOST, else the default socket). */
  engineEndpoint?: string;
  /** The IoT Edge workload API; IoT Edge sets IOTEDGE_WORKLOADURI in every module. */
  workloadUri?: string;
  /** Kept by a long-running agent between cycles; a one-shot run passes a fresh one. */
  volumeSizeCache?: { current?: VolumeSizeCache };
  /** Kept by a long-running agent between cycles, like volumeSizeCache. */
  diskHistory?: { current?: DiskHistoryState };
  /** Restarts seen between cycles, kept like volumeSizeCache. */
  restartHistory?: { current?: RestartHistoryState };
  /** Sizes of edgeHub's and edgeAgent's stores over recent cycles, kept like volumeSizeCache. */
  storeHistory?: { current?: StoreHistoryState };
  now?: () => Date;
}

export async function collectSnapshot(options: CollectOptions): Promise<Snapshot> {
  const sourceOptions = toSourceOptions(options);
  const runs = await runSources(SOURCES, sourceOptions, options.config.collectTimeoutSeconds * 1000);
  const sources = {} as Record<string, SourceStatus>;
  const fields = {} as Record<string, unknown>;
  for (const source of SOURCES) {
    const run = runs.get(source.name) as SourceRun<unknown>;
    sources[source.name] = run.status;
    fields[source.name] = run.status.ok ? source.keep(run.value) : null;
  }
  return {
    schemaVersion: 1,
    collectedAt: sourceOptions.collectedAt.toISOString(),
    hostRoot: sourceOptions.hostRoot,
    sources: sources as Record<SourceName, SourceStatus>,
    ...(fields as Omit<Snapshot, 'schemaVersion' | 'collectedAt' | 'hostRoot' | 'sources'>),
  };
}

/** The process environment is read here, at the entry, and nowhere below. */
export function toSourceOptions({ config, ...rest }: CollectOptions, env: NodeJS.ProcessEnv = process.env): SourceOptions {
  return {
    hostRoot: config.hostRoot,
    engineEndpoint: rest.engineEndpoint ?? defaultEngineEndpoint(env),
    daemonConfigPath: config.daemonConfigPath,
    iotedgeConfigPath: config.iotedgeConfigPath,
    extraPaths: config.extraPaths,
    certificatePaths: config.certificatePaths,
    stateFolder: config.stateFolder,
    volumeSizes: config.volumeSizes,
    volumeSizesMaxAgeMs: config.volumeSizesMaxAgeSeconds * 1000,
    workloadUri: 'workloadUri' in rest ? rest.workloadUri : env.IOTEDGE_WORKLOADURI,
    collectedAt: (rest.now ?? (() => new Date()))(),
    volumeSizeCache: rest.volumeSizeCache ?? {},
    diskHistory: rest.diskHistory ?? {},
    restartHistory: rest.restartHistory ?? {},
    storeHistory: rest.storeHistory ?? {},
    timeServers: config.timeServers,
    // DNS, TCP and TLS one after another still end before the source's deadline.
    networkStepTimeoutMs: Math.min(UPSTREAM_STEP_TIMEOUT_MS, Math.floor((config.collectTimeoutSeconds * 1000) / 4)),
    upstream: {
      iothubHostname: config.iothubHostname,
      parentHostname: config.parentHostname,
      env: { IOTEDGE_IOTHUBHOSTNAME: env.IOTEDGE_IOTHUBHOSTNAME, IOTEDGE_PARENTHOSTNAME: env.IOTEDGE_PARENTHOSTNAME },
      ports: [
        { protocol: 'mqtt', port: config.upstreamMqttPort },
        { protocol: 'amqp', port: config.upstreamAmqpPort },
        { protocol: 'websocket', port: config.upstreamWebSocketPort },
      ],
      // The agent's own proxy, as IoT Edge gives every module that needs one.
      proxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
    },
  };
}

/** Every source started as soon as those it waits for are done; settles when all have. */
export async function runSources<Options>(
  sources: readonly Source<Options>[],
  options: Options,
  timeoutMs: number,
): Promise<Map<string, SourceRun<unknown>>> {
  const started = new Map<string, Promise<SourceRun<unknown>>>();
  const runOf = (name: string) => {
    const run = started.get(name);
    if (!run) throw new Error(`a source waits for ${name}, which is not declared before it`);
    return run;
  };
  for (const source of sources) {
    const needs = source.needs.map((name) => [name, runOf(name)] as const);
    const uses = source.uses.map((name) => [name, runOf(name)] as const);
    started.set(source.name, runOne(source, options, timeoutMs, needs, uses));
  }
  const settled = await Promise.all([...started].map(async ([name, run]) => [name, await run] as const));
  return new Map(settled);
}

type Waited = readonly (readonly [string, Promise<SourceRun<unknown>>])[];

async function runOne<Options>(source: Source<Options>, options: Options, timeoutMs: number, needs: Waited, uses: Waited): Promise<SourceRun<unknown>> {
  const skipped = source.skip?.(options);
  if (skipped) return notRun(skipped);
  const needed = await settle(needs);
  const failed = Object.values(needed).find((run) => !run.status.ok);
  if (failed) return notRun(failed.status.error ?? 'not collected');
  const used = await settle(uses);
  const values = Object.fromEntries(Object.entries(needed).map(([name, run]) => [name, run.value]));
  return runSource(timeoutMs, (signal, note) => source.collect({ options, needed: values, used, signal, note }));
}

async function settle(waited: Waited): Promise<Record<string, SourceRun<unknown>>> {
  return Object.fromEntries(await Promise.all(waited.map(async ([name, run]) => [name, await run] as const)));
}

function notRun(reason: string): SourceRun<never> {
  return { value: null, status: { ok: false, durationMs: 0, error: reason } };
}
