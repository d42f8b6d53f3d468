import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerInfo, ContainerLogFiles } from '../snapshot.js';
import { hostPath } from './host-path.js';
import { mapLimit } from '../map-limit.js';
import type { Note } from './run-source.js';
import { describeError } from '../errors.js';

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

/** Docker's "never started" time, in StartedAt of a container that has not run yet. */
const NEVER = '0001-01-01T00:00:00Z';

/**
 * Sizes of the current and rotated log files of every container whose driver writes files.
 * A data root the agent cannot see (a module without the /var/lib/docker bind) makes every log a
 * blind spot, never an empty log.
 */
export interface ContainerLogOptions {
  containers: ContainerInfo[];
  /** The engine's data root, as it names it (DockerRootDir). */
  dataRoot: string;
  hostRoot: string;
  note: Note;
  signal: AbortSignal;
}

export async function collectContainerLogs({ containers, dataRoot, hostRoot, note, signal }: ContainerLogOptions): Promise<ContainerLogFiles[]> {
  const located = containers.flatMap((container) => {
    const location = logLocation(container, dataRoot);
    return location ? [{ container, ...location }] : [];
  });
  const dataRootBlind = await blindSpotOf(hostRoot, path.posix.join(dataRoot, 'containers'), dataRoot);
  const logs = await mapLimit(located, 16, async ({ container, directory, baseName }): Promise<ContainerLogFiles> => {
    // readdir and stat take no signal: stop starting them once it fires.
    signal.throwIfAborted();
    const base = { containerId: container.id, driver: container.logConfig.type, directory };
    if (dataRootBlind) return { ...base, files: [], totalBytes: 0, ...dataRootBlind };
    try {
      const files = await logFiles(hostPath(hostRoot, directory), baseName);
      if (files === undefined) {
        // A container that never started has written no log yet; one that ran has a folder we cannot see.
        if (!hasRun(container)) return { ...base, files: [], totalBytes: 0 };
        return { ...base, files: [], totalBytes: 0, error: `${directory} is not visible to the agent although the container has run`, blind: 'not-mounted' };
      }
      return { ...base, files, totalBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { ...base, files: [], totalBytes: 0, error: describeError(error), blind: code === 'EACCES' || code === 'EPERM' ? 'permission' : 'unreadable' };
    }
  });
  const unreadable = logs.filter((log) => log.error).length;
  if (unreadable > 0) note(`log files of ${unreadable} of ${logs.length} containers could not be read`);
  return logs;
}

function hasRun(container: ContainerInfo): boolean {
  return container.state.running || (container.state.startedAt !== '' && container.state.startedAt !== NEVER);
}

/** Why the engine's container folders cannot be seen, or undefined when they can. */
async function blindSpotOf(hostRoot: string, containersDir: string, dataRoot: string): Promise<Pick<ContainerLogFiles, 'error' | 'blind'> | undefined> {
  try {
    await stat(hostPath(hostRoot, containersDir));
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      return { error: `${containersDir}: permission denied (the engine's folders are readable by root only)`, blind: 'permission' };
    }
    const where = hostRoot === '' ? 'on this host' : `under the host root ${hostRoot}`;
    const bind = hostRoot === '' ? '' : `: bind it read-only ("${dataRoot}:${path.posix.join(hostRoot, dataRoot)}:ro") to size the logs`;
    return { error: `the Docker data root ${dataRoot} is not visible ${where} (${code ?? describeError(error)})${bind}`, blind: 'not-mounted' };
  }
}

async function logFiles(directory: string, baseName: string): Promise<{ name: string; sizeBytes: number }[] | undefined> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const ours = names.filter((name) => name === baseName || name.startsWith(`${baseName}.`)).sort();
  return Promise.all(ours.map(async (name) => ({ name, sizeBytes: (await stat(path.join(directory, name))).size })));
}
