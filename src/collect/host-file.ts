// The one way host files and folders are read: regular files only, opened without blocking (a FIFO
// never hangs the agent), never more than a cap per kind, and stopped at the collector's deadline.
import { constants } from 'node:fs';
import { open, opendir, stat } from 'node:fs/promises';
import type { BlindReason } from '../snapshot.js';
import { hostPath } from './host-path.js';

const MiB = 1024 ** 2;

/** Largest file read, by kind: anything bigger is refused, not read whole into memory. */
export const HOST_FILE_MAX_BYTES = { config: 1 * MiB, certificate: 1 * MiB, cgroup: 64 * 1024 } as const;
export type HostFileKind = keyof typeof HOST_FILE_MAX_BYTES;

/** Most entries listed from one host folder; the rest are reported as not seen. */
export const HOST_FOLDER_MAX_ENTRIES = 1000;

/** A host file or folder the agent could not see, with why, named as the user knows it (the host path). */
export class HostFileError extends Error {
  constructor(
    readonly pathOnHost: string,
    readonly reason: BlindReason,
    /** What is wrong, without the path. */
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${pathOnHost}: ${detail}`, options);
  }
}

/** A host file's bytes, or undefined when it does not exist. Anything else it cannot read is a HostFileError. */
export async function readHostFile(
  hostRoot: string,
  pathOnHost: string,
  { kind, signal }: { kind: HostFileKind; signal: AbortSignal },
): Promise<Buffer | undefined> {
  signal.throwIfAborted();
  const local = hostPath(hostRoot, pathOnHost);
  const maxBytes = HOST_FILE_MAX_BYTES[kind];
  let info;
  try {
    info = await stat(local);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fromErrno(pathOnHost, error);
  }
  refuseUnlessReadable(pathOnHost, info, maxBytes);
  // O_NONBLOCK: should the path be swapped for a FIFO after the stat, opening it still returns at once.
  const handle = await open(local, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY).catch((error: unknown) => {
    throw fromErrno(pathOnHost, error);
  });
  try {
    const opened = await handle.stat();
    if (opened.ino !== info.ino || opened.dev !== info.dev) throw new HostFileError(pathOnHost, 'unreadable', 'changed while being read');
    refuseUnlessReadable(pathOnHost, opened, maxBytes);
    // One byte more than the cap tells a file that grew past it since the stat. Kernel files (cgroup,
    // /proc) say size 0 and have content: those are read up to the cap.
    const buffer = Buffer.alloc((opened.size === 0 ? maxBytes : Math.min(opened.size, maxBytes)) + 1);
    let filled = 0;
    while (filled < buffer.length) {
      signal.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > maxBytes) throw tooLarge(pathOnHost, filled, maxBytes);
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** A host file as UTF-8 text; see readHostFile. */
export async function readHostText(hostRoot: string, pathOnHost: string, options: { kind: HostFileKind; signal: AbortSignal }): Promise<string | undefined> {
  return (await readHostFile(hostRoot, pathOnHost, options))?.toString('utf8');
}

/** The names in a host folder, sorted, at most HOST_FOLDER_MAX_ENTRIES; undefined when it does not exist. */
export async function listHostFolder(
  hostRoot: string,
  pathOnHost: string,
  { signal, maxEntries = HOST_FOLDER_MAX_ENTRIES }: { signal: AbortSignal; maxEntries?: number },
): Promise<{ names: string[]; truncated: boolean } | undefined> {
  signal.throwIfAborted();
  let folder;
  try {
    folder = await opendir(hostPath(hostRoot, pathOnHost), { bufferSize: 64 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const info = code === 'ENOTDIR' ? await stat(hostPath(hostRoot, pathOnHost)).catch(() => undefined) : undefined;
    if (info) throw new HostFileError(pathOnHost, 'not-a-file', `not a folder (${describeFileType(info)}), not listed`, { cause: error });
    throw fromErrno(pathOnHost, error);
  }
  const names: string[] = [];
  let truncated = false;
  try {
    for await (const entry of folder) {
      signal.throwIfAborted();
      if (names.length === maxEntries) {
        truncated = true;
        break;
      }
      names.push(entry.name);
    }
  } catch (error) {
    if (signal.aborted) throw error;
    throw fromErrno(pathOnHost, error);
  }
  // Breaking out of the loop closes the folder; a finished loop has closed it too.
  return { names: names.sort(), truncated };
}

/** What a path is, for a refusal: "a FIFO", "a folder". */
export function describeFileType(info: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (info.isFile()) return 'a regular file';
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function refuseUnlessReadable(pathOnHost: string, info: Parameters<typeof describeFileType>[0] & { size: number }, maxBytes: number): void {
  if (!info.isFile()) throw new HostFileError(pathOnHost, 'not-a-file', `not a regular file (${describeFileType(info)}), not read`);
  if (info.size > maxBytes) throw tooLarge(pathOnHost, info.size, maxBytes);
}

function tooLarge(pathOnHost: string, size: number, maxBytes: number): HostFileError {
  return new HostFileError(pathOnHost, 'too-large', `too large to be what it should be (${size} bytes or more, the limit is ${maxBytes}), not read`);
}

function fromErrno(pathOnHost: string, error: unknown): HostFileError {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'EACCES' || code === 'EPERM') return new HostFileError(pathOnHost, 'permission', 'permission denied for this user', { cause: error });
  if (code === 'ELOOP') return new HostFileError(pathOnHost, 'unreadable', 'a loop of symbolic links', { cause: error });
  if (code === 'ENOTDIR') return new HostFileError(pathOnHost, 'unreadable', 'a part of the path is not a folder', { cause: error });
  return new HostFileError(pathOnHost, 'unreadable', code && !message.includes(code) ? `${code}: ${message}` : message, { cause: error });
}
