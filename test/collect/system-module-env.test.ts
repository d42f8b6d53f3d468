// The containers collector keeps environment variables only for edgeAgent and edgeHub, and only
// those the checks read: module environments hold connection strings and keys.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { collectContainers } from '../../src/collect/containers.js';
import type { ContainerInfo } from '../../src/snapshot.js';
import { Plant, describeWithEngine, testDocker } from '../support/engine.js';
import { IotEdgeModules } from '../support/iotedge-modules.js';

const SECRET_ENV = {
  EdgeHubConnectionString: 'HostName=hub.azure-devices.net;DeviceId=dev;ModuleId=$edgeHub;SharedAccessKey=c2VjcmV0',
  RegistryPassword: 'hunter2-registry',
};

describeWithEngine('environment of IoT Edge containers', () => {
  const plant = new Plant();
  const modules = new IotEdgeModules(testDocker());
  let containers: ContainerInfo[];

  beforeAll(async () => {
    await modules.claimSystemNames();
    await modules.plant({
      name: 'edgeAgent',
      image: `edge-health-test/${plant.prefix}azureiotedge-agent:1.5.3`,
      env: { UpstreamProtocol: 'AmqpWs', ModuleUpdateMode: 'WaitForAllPulls', storageFolder: '/iotedge/storage', ...SECRET_ENV },
    });
    await modules.plant({
      name: plant.name('sensor'),
      image: `edge-health-test/${plant.prefix}sensor:2.0.1`,
      env: { UpstreamProtocol: 'Mqtt', ...SECRET_ENV },
    });
    containers = await collectContainers(testDocker(), new AbortController().signal);
  });
  afterAll(() => modules.removeAll());

  it('keeps only the allowlisted variables of edgeAgent, names as written', () => {
    const edgeAgent = containers.find((c) => c.name === 'edgeAgent');
    expect(edgeAgent?.env).toEqual({ UpstreamProtocol: 'AmqpWs', ModuleUpdateMode: 'WaitForAllPulls', storageFolder: '/iotedge/storage' });
    expect(edgeAgent?.labels['net.azure-devices.edge.owner']).toBe('Microsoft.Azure.Devices.Edge.Agent');
  });

  it('keeps no environment at all of other modules', () => {
    const sensor = containers.find((c) => c.name === plant.name('sensor'));
    expect(sensor).toBeDefined();
    expect(sensor).not.toHaveProperty('env');
  });

  it('lets no secret into the snapshot', () => {
    const text = JSON.stringify(containers);
    for (const secret of ['SharedAccessKey', 'c2VjcmV0', 'hunter2', 'EdgeHubConnectionString']) expect(text).not.toContain(secret);
  });
});
