// A container's memory as its cgroup files on the host say it: the numbers the engine's stats call
// reads itself, without the engine sampling twice per call. cgroup v1 and v2, with the cgroupfs or
// the systemd driver, as the engine's /info names them.
import { HostFileError, readHostText } from './host-file.js';

/** The engine's cgroup setup, from /info: CgroupVersion "1" | "2", CgroupDriver "cgroupfs" | "systemd"; '' when it does not say. */
export interface CgroupLayout {
  version: string;
  driver: string;
}

/** What one container's memory cgroup holds. */
export interface CgroupMemory {
  /** Host path of the container's memory cgroup folder. */
  folder: string;
  usageBytes: number;
  /** null: no limit in the cgroup ("max", or v1's page-rounded largest value). */
  limitBytes: number | null;
  /** memory.stat, by key. */
  stat: Record<string, number>;
  /** Processes the kernel killed for lack of memory since the cgroup was made; undefined when the kernel does not count them (before 4.13). */
  oomKillCount?: number;
}

interface Files {
  usage: string;
  limit: string;
  stat: string;
  /** Holds the `oom_kill` count. */
  events: string;
}

const FILES: Record<1 | 2, Files> = {
  1: { usage: 'memory.usage_in_bytes', limit: 'memory.limit_in_bytes', stat: 'memory.stat', events: 'memory.oom_control' },
  2: { usage: 'memory.current', limit: 'memory.max', stat: 'memory.stat', events: 'memory.events' },
};

/** cgroup v1 writes "no limit" as the largest page-aligned 64-bit value; anything this large is none. */
const V1_NO_LIMIT_FROM = 2 ** 62;

/**
 * Host folders where the engine puts a container's memory cgroup, in the order tried: the layout /info
 * names, else every one. The engine's defaults: cgroupfs under `docker/<id>`, systemd as
 * `system.slice/docker-<id>.scope`; v1 in the memory hierarchy, v2 in the unified one. A container
 * with its own CgroupParent is elsewhere: not found here, it is measured by the engine instead.
 */
export function memoryCgroupFolders(containerId: string, layout: CgroupLayout): Array<{ version: 1 | 2; folder: string }> {
  const versions: Array<1 | 2> = layout.version === '1' ? [1] : layout.version === '2' ? [2] : [2, 1];
  const drivers = layout.driver === 'cgroupfs' || layout.driver === 'systemd' ? [layout.driver] : ['systemd', 'cgroupfs'];
  return versions.flatMap((version) =>
    drivers.map((driver) => {
      const root = version === 1 ? '/sys/fs/cgroup/memory' : '/sys/fs/cgroup';
      return { version, folder: driver === 'systemd' ? `${root}/system.slice/docker-${containerId}.scope` : `${root}/docker/${containerId}` };
    }),
  );
}

/** The container's memory cgroup, read from the first folder that has one; undefined when none does. */
export async function readCgroupMemory(
  hostRoot: string,
  containerId: string,
  layout: CgroupLayout,
  signal: AbortSignal,
): Promise<CgroupMemory | undefined> {
  for (const { version, folder } of memoryCgroupFolders(containerId, layout)) {
    const files = FILES[version];
    const read = (name: string) => readHostText(hostRoot, `${folder}/${name}`, { kind: 'cgroup', signal });
    const [usage, limit, stat, events] = await Promise.all([read(files.usage), read(files.limit), read(files.stat), read(files.events)]);
    if (usage === undefined) continue;
    // The folder was there a moment ago: the container stopped while it was read.
    if (limit === undefined || stat === undefined) throw new HostFileError(folder, 'unreadable', 'went away while it was read (the container stopped?)');
    return {
      folder,
      usageBytes: parseBytes(usage, `${folder}/${files.usage}`),
      limitBytes: parseLimit(limit, `${folder}/${files.limit}`),
      stat: parseKeyedCounts(stat, `${folder}/${files.stat}`),
      ...oomKills(events, `${folder}/${files.events}`),
    };
  }
  return undefined;
}

function oomKills(events: string | undefined, file: string): { oomKillCount?: number } {
  const count = events === undefined ? undefined : parseKeyedCounts(events, file).oom_kill;
  return count === undefined ? {} : { oomKillCount: count };
}

/** A file holding one whole number of bytes, e.g. memory.current. */
export function parseBytes(text: string, file: string): number {
  const value = text.trim();
  if (!/^\d+$/.test(value)) throw new Error(`${file}: expected a number of bytes, got ${JSON.stringify(value.slice(0, 40))}`);
  return Number(value);
}

/** memory.max ("max" or bytes) or memory.limit_in_bytes (bytes, a huge value for none): the limit, null for none. */
export function parseLimit(text: string, file: string): number | null {
  if (text.trim() === 'max') return null;
  const bytes = parseBytes(text, file);
  return bytes >= V1_NO_LIMIT_FROM ? null : bytes;
}

/** "key value" lines (memory.stat, memory.events, memory.oom_control) as numbers by key. */
export function parseKeyedCounts(text: string, file: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const match = /^(\w+) (\d+)$/.exec(line.trim());
    if (!match) throw new Error(`${file}: expected "key number" lines, got ${JSON.stringify(line.slice(0, 60))}`);
    counts[match[1]] = Number(match[2]);
  }
  return counts;
}
