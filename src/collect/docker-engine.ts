import { redactProxyCredentials } from '../proxy.js';
import type { DockerEngine } from '../snapshot.js';
import type { EngineConnection } from '../engine/connection.js';
import { getJson } from '../engine/get-json.js';

/** The fields of GET /info read here. */
interface EngineInfo {
  OperatingSystem?: string;
  DockerRootDir?: string;
  Driver?: string;
  LoggingDriver?: string;
  CgroupVersion?: string;
  CgroupDriver?: string;
  MemTotal?: number;
  NCPU?: number;
  HttpProxy?: string;
  HttpsProxy?: string;
  NoProxy?: string;
}

/** `docker info` and `docker version`, reduced to what checks read. */
export async function collectDockerEngine(engine: EngineConnection, signal: AbortSignal): Promise<DockerEngine> {
  const info = await getJson<EngineInfo>(engine.docker, { path: '/info', signal });
  return {
    endpoint: engine.endpoint,
    apiVersion: engine.apiVersion,
    engineApiVersion: engine.version.ApiVersion,
    engineVersion: engine.version.Version,
    platformName: engine.version.Platform?.Name ?? '',
    operatingSystem: info.OperatingSystem ?? '',
    dataRoot: info.DockerRootDir ?? '/var/lib/docker',
    storageDriver: info.Driver ?? '',
    loggingDriver: info.LoggingDriver ?? '',
    cgroupVersion: info.CgroupVersion ?? '',
    cgroupDriver: info.CgroupDriver ?? '',
    memTotalBytes: info.MemTotal ?? 0,
    cpus: info.NCPU ?? 0,
    proxy: {
      httpProxy: redactProxyCredentials(info.HttpProxy ?? ''),
      httpsProxy: redactProxyCredentials(info.HttpsProxy ?? ''),
      noProxy: info.NoProxy ?? '',
    },
  };
}
