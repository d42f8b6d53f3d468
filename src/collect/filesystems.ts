import { stat, statfs } from 'node:fs/promises';
import si from 'systeminformation';
import type { FilesystemInfo, FilesystemRole, FilesystemScan } from '../snapshot.js';
import { hostPath } from './host-path.js';
import { readMountTable } from './mount-table.js';
import { describeError } from '../errors.js';

export interface WatchedPath {
  path: string;
  role: FilesystemRole;
}

export interface FilesystemOptions {
  hostRoot: string;
  watched: WatchedPath[];
  /** This process's mount table (a parameter for tests). */
  mountinfo?: string;
}

interface Mount {
  mount: string;
  device: string;
  type: string;
}

/**
 * Size, free space and inodes of the filesystem under each watched host path, one entry per filesystem.
 * In a container, watched paths no host mount covers are listed as not mounted, not measured.
 * A statfs in flight cannot be interrupted; after the signal fires no new one starts.
 */
export async function collectFilesystems(
  { hostRoot, watched, mountinfo = '/proc/self/mountinfo' }: FilesystemOptions,
  signal: AbortSignal,
): Promise<FilesystemScan> {
  // Only inside a container is the host root a folder of the image, where unmounted host paths would be the image's.
  const table = hostRoot === '' ? undefined : await readMountTable(mountinfo);
  const hostMounts = table?.containerId ? table.mountPoints : undefined;
  const notMounted = hostMounts ? watched.filter((w) => !providedByHost(hostPath(hostRoot, w.path), hostMounts)) : [];
  const visible = watched.filter((w) => !notMounted.includes(w));
  const [mounts, measured] = await Promise.all([listMounts(), Promise.all(visible.map((w) => measure(hostRoot, w, signal)))]);
  const byDevice = new Map<number, FilesystemInfo>();
  const unreadable: FilesystemScan['unreadable'] = [];
  for (const entry of measured) {
    if ('error' in entry) {
      unreadable.push(entry);
      continue;
    }
    const known = byDevice.get(entry.device);
    if (known) {
      if (!known.watchedPaths.some((w) => w.path === entry.watched.path)) known.watchedPaths.push(entry.watched);
      continue;
    }
    const mount = await mountOf(mounts, hostPath(hostRoot, entry.watched.path), entry.device, signal);
    byDevice.set(entry.device, {
      path: entry.watched.path,
      watchedPaths: [entry.watched],
      mount: mount?.mount ?? null,
      device: mount?.device ?? null,
      type: mount?.type ?? null,
      ...entry.usage,
    });
  }
  return { filesystems: [...byDevice.values()], unreadable, notMounted };
}

async function measure(hostRoot: string, watched: WatchedPath, signal: AbortSignal) {
  signal.throwIfAborted();
  const local = hostPath(hostRoot, watched.path);
  try {
    const [fs, info] = await Promise.all([statfs(local), stat(local)]);
    return {
      watched,
      device: info.dev,
      usage: {
        sizeBytes: fs.blocks * fs.bsize,
        availableBytes: fs.bavail * fs.bsize,
        inodesTotal: fs.files,
        inodesFree: fs.ffree,
      },
    };
  } catch (error) {
    return { ...watched, error: describeError(error) };
  }
}

/** Mount table as systeminformation reads it; only used to name the device and type, so failures leave them null. */
async function listMounts(): Promise<Mount[]> {
  try {
    const list = await si.fsSize();
    return list.map((m) => ({ mount: m.mount, device: m.fs, type: m.type }));
  } catch {
    return [];
  }
}

/**
 * The mount holding the path: the longest mount point above it that is the same device.
 * The device test matters because the mount list leaves out pseudo filesystems (/proc, tmpfs…),
 * whose paths would otherwise be put on the mount above them.
 */
async function mountOf(mounts: Mount[], localPath: string, device: number, signal: AbortSignal): Promise<Mount | undefined> {
  const above = mounts
    .filter((m) => localPath === m.mount || localPath.startsWith(m.mount === '/' ? '/' : `${m.mount}/`))
    .sort((a, b) => b.mount.length - a.mount.length);
  for (const mount of above) {
    signal.throwIfAborted();
    const info = await stat(mount.mount).catch(() => undefined);
    if (info?.dev === device) return mount;
  }
  return undefined;
}

/**
 * Whether the host provides this path: some mount other than the container's own root covers it.
 * Under the host root, a path only the root mount covers is a folder of the container's image.
 */
function providedByHost(localPath: string, mountPoints: string[]): boolean {
  return mountPoints.some((point) => point !== '/' && (localPath === point || localPath.startsWith(`${point}/`)));
}
