// This process's mount table: whether it runs in a Docker container (and which), and what is mounted where.
import { readFile } from 'node:fs/promises';

export interface Mount {
  /** Where it is mounted. */
  mount: string;
  /** What is mounted: a device such as /dev/sda1, or a name such as overlay or tmpfs. */
  device: string;
  /** The filesystem type, such as ext4. */
  type: string;
}

export interface MountTable {
  /** Set when this process runs in a Docker container. */
  containerId: string | undefined;
  /** In the table's order: a later mount on the same point hides an earlier one. */
  mounts: Mount[];
}

/** The engine bind-mounts /etc/hostname and friends from <data root>/containers/<id>/: the id shows in the table. */
const CONTAINER_FILE = /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\s/;

/** Undefined when the table cannot be read (not Linux, no /proc). */
export async function readMountTable(mountinfo = '/proc/self/mountinfo'): Promise<MountTable | undefined> {
  const text = await readFile(mountinfo, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const mounts = text
    .split('\n')
    .map(parseLine)
    .filter((mount): mount is Mount => mount !== undefined);
  return { containerId: CONTAINER_FILE.exec(text)?.[1], mounts };
}

/**
 * One line of proc(5)'s mountinfo: the mount point is field 5; after a variable number of optional
 * fields, ` - ` and then the type and the source.
 */
function parseLine(line: string): Mount | undefined {
  const [before, after] = line.split(' - ');
  const mount = before.split(' ')[4];
  const [type, device] = after?.split(' ') ?? [];
  if (!mount || !type || device === undefined) return undefined;
  return { mount: unescape(mount), device: unescape(device), type };
}

/** The table escapes spaces, tabs, newlines and backslashes as octal: \040. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
