// The engine's disk usage (GET /system/df), which walks every file of every volume: slow on big
// hosts, and computed one request at a time.
import { type EngineConnection, compareApiVersions } from './connection.js';
import { engineReason } from './errors.js';
import { getJson } from './get-json.js';

/** The parts of GET /system/df read here. */
export interface SystemDf {
  Volumes?: { Name: string; UsageData?: { Size: number } | null }[] | null;
  Images?: { Id: string; Size: number; SharedSize: number }[] | null;
}

const DISK_USAGE_RETRY_MS = 500;

/**
 * GET /system/df for one kind of object: from API 1.42 the engine then skips measuring the others.
 * The engine runs one at a time and refuses a second ("a disk usage operation is already running"),
 * which happens whenever a health cycle measures volumes while a prune does: wait and ask again,
 * until `signal` fires.
 */
export async function diskUsage({ docker, apiVersion }: Pick<EngineConnection, 'docker' | 'apiVersion'>, kind: 'volume' | 'image', signal: AbortSignal): Promise<SystemDf> {
  const query: Record<string, string> = compareApiVersions(apiVersion, '1.42') >= 0 ? { type: kind } : {};
  for (;;) {
    try {
      return await getJson<SystemDf>(docker, { path: '/system/df', query, signal });
    } catch (error) {
      const busy = /disk usage operation is already running/.test(engineReason(error) ?? (error as Error).message);
      if (!busy || signal.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, DISK_USAGE_RETRY_MS));
    }
  }
}
