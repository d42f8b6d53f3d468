// The one reader of host files, on real FIFOs, devices, symbolic link loops and oversized files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_FILE_MAX_BYTES, HostFileError, listHostFolder, readHostFile, readHostText } from '../../src/collect/host-file.js';

const signal = new AbortController().signal;

function hostRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'eh-hostfile-'));
  mkdirSync(path.join(root, 'etc'));
  return root;
}

async function refusal(read: Promise<unknown>): Promise<HostFileError> {
  const error = await read.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HostFileError);
  return error as HostFileError;
}

describe('readHostFile', () => {
  it('reads a regular file under the host root', async () => {
    const root = hostRoot();
    writeFileSync(path.join(root, 'etc/a.json'), '{"x":1}');
    await expect(readHostText(root, '/etc/a.json', { kind: 'config', signal })).resolves.toBe('{"x":1}');
  });

  it('gives undefined for a file that is not there', async () => {
    await expect(readHostFile(hostRoot(), '/etc/none.json', { kind: 'config', signal })).resolves.toBeUndefined();
  });

  it('refuses a FIFO at once, saying what it is, instead of waiting for a writer', async () => {
    const root = hostRoot();
    execFileSync('mkfifo', [path.join(root, 'etc/daemon.json')]);
    const started = performance.now();
    const error = await refusal(readHostFile(root, '/etc/daemon.json', { kind: 'config', signal }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ reason: 'not-a-file', message: '/etc/daemon.json: not a regular file (a FIFO), not read' });
  });

  it('refuses a device such as /dev/zero and a folder', async () => {
    expect(await refusal(readHostFile('', '/dev/zero', { kind: 'config', signal }))).toMatchObject({ reason: 'not-a-file', detail: 'not a regular file (a character device), not read' });
    expect(await refusal(readHostFile(hostRoot(), '/etc', { kind: 'config', signal }))).toMatchObject({ detail: 'not a regular file (a folder), not read' });
  });

  it('refuses a file over the cap of its kind without reading it, and takes one at the cap', async () => {
    const root = hostRoot();
    writeFileSync(path.join(root, 'etc/big.toml'), Buffer.alloc(HOST_FILE_MAX_BYTES.config + 1, 0x20));
    writeFileSync(path.join(root, 'etc/full.toml'), Buffer.alloc(HOST_FILE_MAX_BYTES.config, 0x20));
    expect(await refusal(readHostFile(root, '/etc/big.toml', { kind: 'config', signal }))).toMatchObject({ reason: 'too-large' });
    expect((await readHostFile(root, '/etc/full.toml', { kind: 'config', signal }))?.length).toBe(HOST_FILE_MAX_BYTES.config);
  });

  it('reads a kernel file whose size says 0 (cgroup, /proc) to its end', async () => {
    const text = await readHostText('', '/proc/self/status', { kind: 'cgroup', signal });
    expect(text).toMatch(/^Name:/);
    expect(text).toMatch(/\nVmRSS:\s+\d+ kB\n/);
  });

  it('refuses a loop of symbolic links, and follows a plain link', async () => {
    const root = hostRoot();
    symlinkSync('b', path.join(root, 'etc/a'));
    symlinkSync('a', path.join(root, 'etc/b'));
    writeFileSync(path.join(root, 'etc/real'), 'x');
    symlinkSync('real', path.join(root, 'etc/link'));
    expect(await refusal(readHostFile(root, '/etc/a', { kind: 'config', signal }))).toMatchObject({ reason: 'unreadable', detail: 'a loop of symbolic links' });
    await expect(readHostText(root, '/etc/link', { kind: 'config', signal })).resolves.toBe('x');
  });

  it('refuses to start after the deadline', async () => {
    const root = hostRoot();
    writeFileSync(path.join(root, 'etc/a'), 'x');
    const late = new AbortController();
    late.abort();
    await expect(readHostFile(root, '/etc/a', { kind: 'config', signal: late.signal })).rejects.toThrow();
  });
});

describe('listHostFolder', () => {
  it('lists sorted names up to the cap and says when there were more', async () => {
    const root = hostRoot();
    for (const name of ['c', 'a', 'b', 'd']) writeFileSync(path.join(root, 'etc', name), '');
    await expect(listHostFolder(root, '/etc', { signal })).resolves.toEqual({ names: ['a', 'b', 'c', 'd'], truncated: false });
    const capped = await listHostFolder(root, '/etc', { signal, maxEntries: 3 });
    expect(capped?.names).toHaveLength(3);
    expect(capped?.truncated).toBe(true);
  });

  it('gives undefined for a folder that is not there', async () => {
    await expect(listHostFolder(hostRoot(), '/var/none', { signal })).resolves.toBeUndefined();
  });
});
