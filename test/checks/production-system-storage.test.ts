import { describe, expect, it } from 'vitest';
import { productionSystemStorage } from '../../src/checks/production-system-storage.js';
import type { Finding } from '../../src/checks/types.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { ContainerInfo } from '../../src/snapshot.js';
import { container, edgeAgent, edgeHub, snapshot } from '../support/snapshot-builder.js';

function run(...containers: ContainerInfo[]): Finding[] {
  return productionSystemStorage.run(snapshot({ containers }), defaultConfig());
}

const REMEDIATION = /"Set up host storage for system modules"/;

describe('production.system-storage', () => {
  it('is ok for a StorageFolder on a host bind mount, for both system modules', () => {
    expect(run(edgeAgent(), edgeHub())).toEqual([
      expect.objectContaining({ subject: 'edgeAgent', status: 'ok', message: 'StorageFolder /iotedge/storage is on host storage (/srv/edgeAgent)' }),
      expect.objectContaining({ subject: 'edgeHub', status: 'ok', details: { storageFolder: '/iotedge/storage', mountType: 'bind', mountSource: '/srv/edgeHub', volume: null, readOnly: false } }),
    ]);
  });

  it('finds the mount above the folder, and matches the variable name in any case', () => {
    const hub = edgeHub({ env: { storagefolder: '/iotedge/storage/hub/' }, mounts: [{ type: 'bind', source: '/srv/iotedge', destination: '/iotedge', readOnly: false }] });
    expect(run(hub)[0]).toMatchObject({ status: 'ok', details: { storageFolder: '/iotedge/storage/hub/', mountSource: '/srv/iotedge' } });
  });

  it('is ok for a Docker volume, which outlives the container', () => {
    const hub = edgeHub({ mounts: [{ type: 'volume', name: 'edgehub-store', source: '/var/lib/docker/volumes/edgehub-store/_data', destination: '/iotedge/storage', readOnly: false }] });
    expect(run(hub)[0]).toMatchObject({ status: 'ok', message: expect.stringContaining('Docker volume edgehub-store') });
  });

  it('warns when StorageFolder is not set', () => {
    const [finding] = run(edgeHub({ env: {} }));
    expect(finding).toMatchObject({ status: 'warning', details: { storageFolder: null } });
    expect(finding.message).toContain('lost when the container is recreated');
    expect(finding.remediation).toMatch(REMEDIATION);
  });

  it('warns when StorageFolder is inside the container, a read-only mount or a tmpfs', () => {
    expect(run(edgeAgent({ mounts: [{ type: 'bind', source: '/srv/other', destination: '/iotedge/storage-other', readOnly: false }] }))[0].status).toBe('warning');
    expect(run(edgeAgent({ mounts: [{ type: 'bind', source: '/srv/edgeAgent', destination: '/iotedge/storage', readOnly: true }] }))[0].message).toContain('read-only');
    expect(run(edgeAgent({ mounts: [{ type: 'tmpfs', source: '', destination: '/iotedge/storage', readOnly: false }] }))[0]).toMatchObject({ status: 'warning', details: { mountType: 'tmpfs' } });
  });

  it('judges only the system modules, and is skipped when neither runs here', () => {
    expect(run(edgeHub(), container({ name: 'sensor' })).map((f) => f.subject)).toEqual(['edgeHub']);
    expect(run(container())).toEqual([
      { subject: 'edgeAgent/edgeHub', status: 'skipped', message: 'no edgeAgent or edgeHub container on this engine: IoT Edge is not installed here or not running', details: {} },
    ]);
  });
});
