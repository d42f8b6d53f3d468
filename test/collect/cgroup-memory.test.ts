// Reading a container's memory cgroup: the parsers on literal file contents, and the reader on host
// roots laid out as each cgroup version and driver lays them out (files copied from real hosts).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryCgroupFolders, parseBytes, parseKeyedCounts, parseLimit, readCgroupMemory } from '../../src/collect/cgroup-memory.js';
import { usageWithoutPageCache } from '../../src/collect/container-stats.js';

const ID = 'f3a1c2d4e5b60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00';
const MiB = 1024 ** 2;
const signal = new AbortController().signal;

/** memory.stat of a cgroup v1 container (kernel 5.10), trimmed. */
const V1_STAT = `cache 5001216
rss 49152
mapped_file 0
inactive_anon 45056
active_anon 4096
inactive_file 5001216
active_file 0
hierarchical_memory_limit 33554432
total_cache 5001216
total_rss 49152
total_inactive_anon 45056
total_active_anon 4096
total_inactive_file 5001216
total_active_file 0
`;

/** memory.stat of a cgroup v2 container (kernel 6.1), trimmed. */
const V2_STAT = `anon 9437184
file 2097152
kernel 360448
sock 0
shmem 0
file_mapped 0
inactive_anon 9437184
active_anon 0
inactive_file 1572864
active_file 524288
unevictable 0
`;

function hostRootWith(folder: string, files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'eh-cgroup-'));
  mkdirSync(path.join(root, folder), { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(root, folder, name), content);
  return root;
}

describe('memoryCgroupFolders', () => {
  it('places each layout where the engine puts it', () => {
    expect(memoryCgroupFolders(ID, { version: '1', driver: 'cgroupfs' })).toEqual([{ version: 1, folder: `/sys/fs/cgroup/memory/docker/${ID}` }]);
    expect(memoryCgroupFolders(ID, { version: '1', driver: 'systemd' })).toEqual([{ version: 1, folder: `/sys/fs/cgroup/memory/system.slice/docker-${ID}.scope` }]);
    expect(memoryCgroupFolders(ID, { version: '2', driver: 'cgroupfs' })).toEqual([{ version: 2, folder: `/sys/fs/cgroup/docker/${ID}` }]);
    expect(memoryCgroupFolders(ID, { version: '2', driver: 'systemd' })).toEqual([{ version: 2, folder: `/sys/fs/cgroup/system.slice/docker-${ID}.scope` }]);
  });

  it('tries every layout when /info does not say (engines before 20.10 give no CgroupVersion)', () => {
    expect(memoryCgroupFolders(ID, { version: '', driver: '' })).toHaveLength(4);
    expect(memoryCgroupFolders(ID, { version: '', driver: 'systemd' }).map((f) => f.version)).toEqual([2, 1]);
  });
});

describe('the parsers', () => {
  it('read one number of bytes, naming the file when it is not one', () => {
    expect(parseBytes('5660672\n', 'memory.current')).toBe(5660672);
    expect(() => parseBytes('lots\n', '/sys/fs/cgroup/x/memory.current')).toThrow('/sys/fs/cgroup/x/memory.current: expected a number of bytes, got "lots"');
    expect(() => parseBytes('', 'memory.current')).toThrow(/expected a number of bytes/);
  });

  it('take "max" and cgroup v1\'s largest page-aligned value as no limit', () => {
    expect(parseLimit('33554432\n', 'memory.max')).toBe(32 * MiB);
    expect(parseLimit('max\n', 'memory.max')).toBeNull();
    expect(parseLimit('9223372036854771712\n', 'memory.limit_in_bytes')).toBeNull();
  });

  it('read "key number" lines, and refuse anything else', () => {
    expect(parseKeyedCounts('low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n', 'memory.events')).toEqual({ low: 0, high: 0, max: 12, oom: 3, oom_kill: 2, oom_group_kill: 0 });
    expect(parseKeyedCounts('oom_kill_disable 0\nunder_oom 0\noom_kill 1\n', 'memory.oom_control').oom_kill).toBe(1);
    expect(() => parseKeyedCounts('anon 12\ngarbage\n', 'memory.stat')).toThrow('memory.stat: expected "key number" lines, got "garbage"');
  });
});

describe('usageWithoutPageCache', () => {
  it('subtracts total_inactive_file on v1, inactive_file on v2, as docker stats does', () => {
    expect(usageWithoutPageCache(5660672, parseKeyedCounts(V1_STAT, 'memory.stat'))).toBe(5660672 - 5001216);
    expect(usageWithoutPageCache(12 * MiB, parseKeyedCounts(V2_STAT, 'memory.stat'))).toBe(12 * MiB - 1572864);
  });

  it('keeps usage whole when the cache figure is missing or not below it', () => {
    expect(usageWithoutPageCache(40 * MiB, {})).toBe(40 * MiB);
    expect(usageWithoutPageCache(10 * MiB, { inactive_file: 12 * MiB })).toBe(10 * MiB);
  });
});

describe('readCgroupMemory', () => {
  it('reads a cgroup v1 container under the cgroupfs driver', async () => {
    const folder = `/sys/fs/cgroup/memory/docker/${ID}`;
    const root = hostRootWith(folder, {
      'memory.usage_in_bytes': '5660672\n',
      'memory.limit_in_bytes': '33554432\n',
      'memory.stat': V1_STAT,
      'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n',
    });
    const memory = await readCgroupMemory(root, ID, { version: '1', driver: 'cgroupfs' }, signal);
    expect(memory).toMatchObject({ folder, usageBytes: 5660672, limitBytes: 32 * MiB, oomKillCount: 1 });
    expect(memory?.stat.total_inactive_file).toBe(5001216);
  });

  it('reads a cgroup v2 container under the systemd driver', async () => {
    const folder = `/sys/fs/cgroup/system.slice/docker-${ID}.scope`;
    const root = hostRootWith(folder, {
      'memory.current': `${12 * MiB}\n`,
      'memory.max': `${64 * MiB}\n`,
      'memory.stat': V2_STAT,
      'memory.events': 'low 0\nhigh 0\nmax 40\noom 2\noom_kill 2\noom_group_kill 0\n',
    });
    const memory = await readCgroupMemory(root, ID, { version: '2', driver: 'systemd' }, signal);
    expect(memory).toMatchObject({ folder, usageBytes: 12 * MiB, limitBytes: 64 * MiB, oomKillCount: 2 });
  });

  it('finds the folder when /info names no layout', async () => {
    const folder = `/sys/fs/cgroup/docker/${ID}`;
    const root = hostRootWith(folder, { 'memory.current': '100\n', 'memory.max': 'max\n', 'memory.stat': V2_STAT });
    expect(await readCgroupMemory(root, ID, { version: '', driver: '' }, signal)).toMatchObject({ folder, usageBytes: 100, limitBytes: null });
  });

  it('leaves the OOM count out on a kernel that does not keep one', async () => {
    const root = hostRootWith(`/sys/fs/cgroup/memory/docker/${ID}`, {
      'memory.usage_in_bytes': '100\n',
      'memory.limit_in_bytes': '4096\n',
      'memory.stat': V1_STAT,
      'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\n',
    });
    const memory = await readCgroupMemory(root, ID, { version: '1', driver: 'cgroupfs' }, signal);
    expect(memory).toBeDefined();
    expect(memory).not.toHaveProperty('oomKillCount');
  });

  it('gives undefined when no layout has the container (hidden, or elsewhere by CgroupParent)', async () => {
    const root = hostRootWith(`/sys/fs/cgroup/system.slice/docker-${ID}.scope`, { 'memory.current': '1\n', 'memory.max': 'max\n', 'memory.stat': '' });
    expect(await readCgroupMemory(root, ID, { version: '1', driver: 'cgroupfs' }, signal)).toBeUndefined();
    expect(await readCgroupMemory(mkdtempSync(path.join(tmpdir(), 'eh-cgroup-empty-')), ID, { version: '2', driver: 'systemd' }, signal)).toBeUndefined();
  });

  it('names the file holding a value it cannot read', async () => {
    const folder = `/sys/fs/cgroup/docker/${ID}`;
    const root = hostRootWith(folder, { 'memory.current': 'n/a\n', 'memory.max': 'max\n', 'memory.stat': V2_STAT });
    await expect(readCgroupMemory(root, ID, { version: '2', driver: 'cgroupfs' }, signal)).rejects.toThrow(`${folder}/memory.current: expected a number of bytes`);
  });

  it('reads nothing once its signal has fired', async () => {
    const root = hostRootWith(`/sys/fs/cgroup/docker/${ID}`, { 'memory.current': '1\n', 'memory.max': 'max\n', 'memory.stat': V2_STAT });
    const aborted = AbortSignal.abort();
    await expect(readCgroupMemory(root, ID, { version: '2', driver: 'cgroupfs' }, aborted)).rejects.toThrow();
  });
});
