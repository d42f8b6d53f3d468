// Configuration as the command line gives it (env, then flags), shared by every command.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { CHECK_IDS } from '../checks/registry.js';
import { ConfigError, type ConfigLayer, type ResolvedConfig, envLayer, resolveConfig } from '../config/resolve.js';
import { envName, flagName } from '../config/settings.js';
import { flagLayer } from './setting-options.js';

/** Anything that stops the agent from running at all: exit code 2 with this message. */
export class UsageError extends Error {}

export function deviceLayers(options: Record<string, unknown>): ConfigLayer[] {
  return [envLayer(process.env), flagLayer(options)];
}

/** Env and flags resolved, the host root checked; bad input becomes a UsageError naming the field. */
export async function loadCliConfig(options: Record<string, unknown>): Promise<ResolvedConfig> {
  const resolved = asUsageError(() => resolveConfig(deviceLayers(options), CHECK_IDS));
  await checkHostRoot(resolved);
  return resolved;
}

export function asUsageError<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

export async function checkHostRoot({ config, origins }: ResolvedConfig): Promise<void> {
  const { hostRoot } = config;
  if (hostRoot === '') return;
  const label = origins.hostRoot === 'env' ? envName('hostRoot') : flagName('hostRoot');
  const info = await stat(hostRoot).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${label} ${hostRoot}: ${error.code === 'ENOENT' ? 'no such directory' : error.message}`);
  });
  if (!info.isDirectory()) throw new UsageError(`${label} ${hostRoot}: not a directory`);
  // A host root the agent may not list would make every host file look missing: nothing seen, all "fine".
  await access(hostRoot, constants.R_OK | constants.X_OK).catch(() => {
    throw new UsageError(`${label} ${hostRoot}: not readable by this user (uid ${process.getuid?.() ?? '?'}): mount the host read-only where the agent may read it`);
  });
}
