// What marks IoT Edge's own containers and which of their settings the checks read.
// Shared by the collectors (what to keep) and the checks (how to read it).
import { redactProxyCredentials } from './proxy.js';
import type { ContainerInfo, ContainerMount, Snapshot } from './snapshot.js';

export const SYSTEM_MODULES = ['edgeAgent', 'edgeHub'] as const;
export type SystemModule = (typeof SYSTEM_MODULES)[number];

/** The label aziot-edged puts on every module container it creates, edgeAgent included. */
export const OWNER_LABEL = 'net.azure-devices.edge.owner';
export const OWNER_VALUE = 'Microsoft.Azure.Devices.Edge.Agent';
/** The image as the deployment names it, when the engine runs it by another reference (a digest). */
export const ORIGINAL_IMAGE_LABEL = 'net.azure-devices.edge.original-image';

/**
 * The only environment variables kept from the system modules: the ones the checks read.
 * Everything else stays out of the snapshot, since module env can hold secrets (connection strings).
 * IoT Edge reads these names case-insensitively (.NET configuration), so matching is too.
 */
export const SYSTEM_ENV_ALLOWLIST = [
  'UpstreamProtocol',
  'StorageFolder',
  'ModuleUpdateMode',
  'OptimizeForPerformance',
  'amqpSettings__enabled',
  'mqttSettings__enabled',
  'httpSettings__enabled',
  'MaxRestartCount',
  'https_proxy',
  'http_proxy',
  'no_proxy',
] as const;
export type SystemEnvName = (typeof SYSTEM_ENV_ALLOWLIST)[number];

export function isSystemModuleName(name: string): name is SystemModule {
  return (SYSTEM_MODULES as readonly string[]).includes(name);
}

/** The allowlisted entries of an environment, as NAME=value lines or a name → value map. */
export function allowlistedEnv(env: string[] | Record<string, unknown>): Record<string, string> {
  const entries: [string, string][] = Array.isArray(env)
    ? env.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(env).map(([name, value]) => [name, String(value)]);
  const allowed = new Set(SYSTEM_ENV_ALLOWLIST.map((name) => name.toLowerCase()));
  return Object.fromEntries(
    entries
      .filter(([name]) => allowed.has(name.toLowerCase()))
      // A proxy URL may carry a password: never kept.
      .map(([name, value]) => [name, name.toLowerCase().endsWith('_proxy') ? redactProxyCredentials(value) : value]),
  );
}

/** A variable from an allowlisted environment, matched case-insensitively; undefined when unset or empty. */
export function envValue(env: Record<string, string> | undefined, name: SystemEnvName): string | undefined {
  const found = Object.entries(env ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
  const value = found?.[1].trim();
  return value === undefined || value === '' ? undefined : value;
}

/** "true"/"false" as .NET reads a boolean setting; undefined when unset or not a boolean. */
export function envFlag(env: Record<string, string> | undefined, name: SystemEnvName): boolean | undefined {
  const value = envValue(env, name)?.toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

export function systemModule(snapshot: Snapshot, name: SystemModule): ContainerInfo | undefined {
  return snapshot.containers?.find((c) => c.name === name);
}

/** Containers IoT Edge runs as modules: the system modules and whatever carries its owner label. */
export function isIotEdgeModule(container: ContainerInfo): boolean {
  return isSystemModuleName(container.name) || container.labels[OWNER_LABEL] === OWNER_VALUE;
}

/** What shows IoT Edge is installed here; empty when nothing does. */
export function iotedgeEvidence(snapshot: Snapshot): string[] {
  const evidence = SYSTEM_MODULES.filter((name) => systemModule(snapshot, name)).map((name) => `${name} container`);
  if (snapshot.iotedgeConfig?.found) evidence.push(snapshot.iotedgeConfig.path);
  for (const item of snapshot.certificates?.iotedgeEvidence ?? []) if (!evidence.includes(item)) evidence.push(item);
  return evidence;
}

/** The innermost mount whose destination holds the folder (a module's StorageFolder, say). */
export function mountHolding(mounts: ContainerMount[], folder: string): ContainerMount | undefined {
  const target = trimSlashes(folder);
  return mounts
    .filter((m) => {
      const destination = trimSlashes(m.destination);
      return target === destination || target.startsWith(destination === '' ? '/' : `${destination}/`);
    })
    .sort((a, b) => b.destination.length - a.destination.length)[0];
}

/** Where a folder inside the container is on the host, through the mount holding it; undefined when no mount does. */
export function hostFolder(mounts: ContainerMount[], folder: string): string | undefined {
  const mount = mountHolding(mounts, folder);
  if (!mount) return undefined;
  const rest = trimSlashes(folder).slice(trimSlashes(mount.destination).length);
  return `${trimSlashes(mount.source)}${rest}` || '/';
}

function trimSlashes(folder: string): string {
  return folder.replace(/\/+$/, '');
}
