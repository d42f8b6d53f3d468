import { stat, statfs } from 'node:fs/promises';
import type { FilesystemInfo, FilesystemRole, FilesystemScan } from '../snapshot.js';
import { hostPath } from './host-path.js';
import { type Mount, readMountTable } from './mount-table.js';
import { describeError } from '../errors.js';

export interface WatchedPath {
  path: string;
  role: FilesystemRole;
}

export interface FilesystemOptions {
  hostRoot: string;
  watched: WatchedPath[];
  /** This process's mount table (a parameter for tests): names each filesystem's device and type. */
  mountinfo?: string;
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
  const table = await readMountTable(mountinfo);
  // Only inside a container is the host root a folder of the image, where unmounted host paths would be the image's.
  const hostMounts = hostRoot !== '' && table?.containerId ? table.mounts.map((m) => m.mount) : undefined;
  const notMounted = hostMounts ? watched.filter((w) => !providedByHost(hostPath(hostRoot, w.path), hostMounts)) : [];
  const visible = watched.filter((w) => !notMounted.includes(w));
  const mounts = table?.mounts ?? (await mountsWithoutMountinfo(signal));
  const measured = await Promise.all(visible.map((w) => measure(hostRoot, w, signal)));
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

/**
 * Where the kernel keeps no mountinfo (the CLI on macOS or Windows beside Docker Desktop),
 * systeminformation lists the mounts, through `df` or its platform's equivalent. Loaded only then:
 * a Linux device never pays for it. Only names the device and type, so a failure leaves them null.
 */
async function mountsWithoutMountinfo(signal: AbortSignal): Promise<Mount[]> {
  try {
    const { default: si } = await import('systeminformation');
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    const list = await Promise.race([si.fsSize(), aborted]);
    return list.map((m) => ({ mount: m.mount, device: m.fs, type: m.type }));
  } catch {
    return [];
  }
}

/**
 * The mount holding the path: the longest mount point above it that is the same device, the last
 * one mounted first where two share a point (it hides the others). The device test keeps a path off
 * a mount that does not hold it, such as a hidden one.
 */
async function mountOf(mounts: Mount[], localPath: string, device: number, signal: AbortSignal): Promise<Mount | undefined> {
  const above = [...mounts]
    .reverse()
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
