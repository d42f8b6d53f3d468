import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMountTable } from '../../src/collect/mount-table.js';

const id = 'ab'.repeat(32);
function mountinfo(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'eh-mi-')), 'mountinfo');
  writeFileSync(file, text);
  return file;
}

describe('mount table', () => {
  it('names the container from the files the engine mounts into it, and lists the point, device and type of each mount, unescaped', async () => {
    const text = [
      '1021 1003 0:52 / / rw,relatime master:1 - overlay overlay rw',
      `1035 1021 8:1 /var/lib/docker/containers/${id}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/sda1 rw`,
      `1036 1021 8:1 /var/lib/docker/containers/${id}/hostname /etc/hostname rw,relatime - ext4 /dev/sda1 rw`,
      '1040 1021 8:1 /srv/my\\040data /host/srv/my\\040data ro,relatime - ext4 /dev/sda1 rw',
    ].join('\n');
    expect(await readMountTable(mountinfo(text))).toEqual({
      containerId: id,
      mounts: [
        { mount: '/', device: 'overlay', type: 'overlay' },
        { mount: '/etc/resolv.conf', device: '/dev/sda1', type: 'ext4' },
        { mount: '/etc/hostname', device: '/dev/sda1', type: 'ext4' },
        { mount: '/host/srv/my data', device: '/dev/sda1', type: 'ext4' },
      ],
    });
  });

  it('takes the type and device after the optional fields, however many there are', async () => {
    const text = '36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 propagate_from:2 - ext3 /dev/my\\040disk rw,errors=continue\n';
    expect((await readMountTable(mountinfo(text)))?.mounts).toEqual([{ mount: '/mnt/parent', device: '/dev/my disk', type: 'ext3' }]);
  });

  it('has no container id on a host, and is undefined when it cannot be read', async () => {
    expect((await readMountTable(mountinfo('22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n')))?.containerId).toBeUndefined();
    expect(await readMountTable('/no/such/mountinfo')).toBeUndefined();
  });
});
