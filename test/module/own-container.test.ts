import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownContainerId } from '../../src/module/own-container.js';

const id = 'ab'.repeat(32);
function mountinfo(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'eh-mi-')), 'mountinfo');
  writeFileSync(file, text);
  return file;
}

describe('own container id', () => {
  it('is read from the files the engine mounts into the container', async () => {
    const text = [
      '1021 1003 0:52 / / rw,relatime master:1 - overlay overlay rw',
      `1035 1021 8:1 /var/lib/docker/containers/${id}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/sda1 rw`,
      `1036 1021 8:1 /var/lib/docker/containers/${id}/hostname /etc/hostname rw,relatime - ext4 /dev/sda1 rw`,
    ].join('\n');
    expect(await ownContainerId(mountinfo(text))).toBe(id);
  });

  it('is undefined outside a container or when the table cannot be read', async () => {
    expect(await ownContainerId(mountinfo('22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n'))).toBeUndefined();
    expect(await ownContainerId('/no/such/mountinfo')).toBeUndefined();
  });
});
