// Finds the engine the way Docker's own tools do (DOCKER_HOST, else the default socket) and
// agrees on an API version whose response shapes this agent knows.
import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { NotInstalledError } from '../errors.js';
import { getJson } from './get-json.js';

/** Oldest API read here: Moby 20.10, the engine IoT Edge has shipped since 2021 (one-shot stats arrived in it). */
export const OLDEST_API = '1.41';
/** Newest API read here: 1.52 changed the shape of the volume part of /system/df. */
export const NEWEST_API = '1.51';

/** The fields of GET /version read here. */
export interface EngineVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  Platform?: { Name?: string };
}

export interface EngineConnection {
  docker: Docker;
  endpoint: string;
  apiVersion: string;
  version: EngineVersion;
}

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Where Docker's own tools look for the engine: DOCKER_HOST, else the default socket. */
export function defaultEngineEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}`;
}

export async function connectEngine(endpoint: string, signal: AbortSignal): Promise<EngineConnection> {
  const address = engineAddress(endpoint);
  let version: EngineVersion;
  try {
    // /version is served unversioned by every engine, so it is asked before any version is chosen.
    version = await getJson<EngineVersion>(new Docker(address), { path: '/version', signal });
  } catch (error) {
    // The default socket and nothing there: no engine on this host. Anything else — a DOCKER_HOST or
    // TLS setup that does not work, a socket that refuses — is a fault.
    if (endpoint === `unix://${DEFAULT_SOCKET}` && !existsSync(DEFAULT_SOCKET)) {
      throw new NotInstalledError(`no Docker engine on this host (DOCKER_HOST not set, nothing at ${DEFAULT_SOCKET})`, { cause: error });
    }
    throw new Error(`Docker engine not reachable at ${endpoint}: ${(error as Error).message}`, { cause: error });
  }
  const apiVersion = negotiateApiVersion(version.ApiVersion, version.MinAPIVersion ?? OLDEST_API);
  return { docker: new Docker({ ...address, version: `v${apiVersion}` }), endpoint, apiVersion, version };
}

/**
 * The endpoint as dockerode options. They override what docker-modem reads from DOCKER_HOST itself;
 * TLS material for tcp:// still comes from DOCKER_CERT_PATH and DOCKER_TLS_VERIFY, as for Docker's tools.
 */
export function engineAddress(endpoint: string): Docker.DockerOptions {
  if (endpoint.startsWith('unix://')) return { socketPath: endpoint.slice('unix://'.length), host: undefined };
  let url: URL;
  try {
    url = new URL(endpoint.includes('://') ? endpoint : `tcp://${endpoint}`);
  } catch {
    throw new Error(`Docker endpoint "${endpoint}" is neither unix:///path nor tcp://host:port`);
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Docker endpoint "${endpoint}": only unix://, tcp://, http:// and https:// are supported`);
  }
  const protocol = url.protocol === 'https:' || url.port === '2376' ? 'https' : undefined;
  return { host: url.hostname, port: url.port || (protocol ? 2376 : 2375), ...(protocol ? { protocol } : {}) };
}

/** The newest version both sides speak, as the Docker CLI negotiates it. */
export function negotiateApiVersion(engineApi: string, engineMinApi: string): string {
  const chosen = compareApiVersions(engineApi, NEWEST_API) < 0 ? engineApi : NEWEST_API;
  if (compareApiVersions(chosen, OLDEST_API) < 0) {
    throw new Error(`engine API ${engineApi} is older than ${OLDEST_API}, the oldest this agent reads (Moby 20.10)`);
  }
  if (compareApiVersions(chosen, engineMinApi) < 0) {
    throw new Error(`engine requires API ${engineMinApi} or newer; this agent reads up to ${NEWEST_API}`);
  }
  return chosen;
}

export function compareApiVersions(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}
