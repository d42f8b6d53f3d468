import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerInfo, ContainerLogFiles } from '../snapshot.js';
import { hostPath } from './host-path.js';
import { mapLimit } from './map-limit.js';
import type { Note } from './run-source.js';
import { describeError } from './run-source.js';

/** Where a file-writing log driver keeps a container's log, and the name its rotated files start with. */
function logLocation(container: ContainerInfo, dataRoot: string): { directory: string; baseName: string } | undefined {
  const containerDir = path.posix.join(dataRoot, 'containers', container.id);
  switch (container.logConfig.type) {
    case 'json-file':
      // LogPath is empty until the container first starts.
      return container.logPath
        ? { directory: path.posix.dirname(container.logPath), baseName: path.posix.basename(container.logPath) }
        : { directory: containerDir, baseName: `${container.id}-json.log` };
    case 'local':
      // The engine leaves LogPath empty for `local`; its files are container.log, container.log.1, .2.gz …
      return { directory: path.posix.join(containerDir, 'local-logs'), baseName: 'container.log' };
    default:
      return undefined;
  }
}

/** Sizes of the current and rotated log files of every container whose driver writes files. */
export async function collectContainerLogs(
  containers: ContainerInfo[],
  dataRoot: string,
  hostRoot: string,
  note: Note,
  signal: AbortSignal,
): Promise<ContainerLogFiles[]> {
  const located = containers.flatMap((container) => {
    const location = logLocation(container, dataRoot);
    return location ? [{ container, ...location }] : [];
  });
  const logs = await mapLimit(located, 16, async ({ container, directory, baseName }): Promise<ContainerLogFiles> => {
    // readdir and stat take no signal: stop starting them once it fires.
    signal.throwIfAborted();
    const base = { containerId: container.id, driver: container.logConfig.type, directory };
    try {
      const files = await logFiles(hostPath(hostRoot, directory), baseName);
      return { ...base, files, totalBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0) };
    } catch (error) {
      return { ...base, files: [], totalBytes: 0, error: describeError(error) };
    }
  });
  const unreadable = logs.filter((log) => log.error).length;
  if (unreadable > 0) note(`log files of ${unreadable} of ${logs.length} containers could not be read`);
  return logs;
}

async function logFiles(directory: string, baseName: string): Promise<{ name: string; sizeBytes: number }[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    // A container that never started has written no log yet.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const ours = names.filter((name) => name === baseName || name.startsWith(`${baseName}.`)).sort();
  return Promise.all(ours.map(async (name) => ({ name, sizeBytes: (await stat(path.join(directory, name))).size })));
}
