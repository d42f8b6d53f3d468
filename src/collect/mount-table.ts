// This process's mount table: whether it runs in a Docker container (and which), and where things are mounted.
import { readFile } from 'node:fs/promises';

export interface MountTable {
  /** Set when this process runs in a Docker container. */
  containerId: string | undefined;
  mountPoints: string[];
}

/** The engine bind-mounts /etc/hostname and friends from <data root>/containers/<id>/: the id shows in the table. */
const CONTAINER_FILE = /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\s/;

/** Undefined when the table cannot be read (not Linux, no /proc). */
export async function readMountTable(mountinfo = '/proc/self/mountinfo'): Promise<MountTable | undefined> {
  const text = await readFile(mountinfo, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const mountPoints = text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => Boolean(point))
    // Field 5 escapes spaces and the like as \040.
    .map((point) => point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
  return { containerId: CONTAINER_FILE.exec(text)?.[1], mountPoints };
}
