// Containers that look to the agent like IoT Edge modules: edgeAgent and edgeHub under their exact
// names, and others carrying IoT Edge's owner label. Container names are global on the engine, so
// the system modules are planted only when no container has their name, and all are removed after.
import type Docker from 'dockerode';
import { OWNER_LABEL, OWNER_VALUE, SYSTEM_MODULES } from '../../src/iotedge.js';
import { TEST_IMAGE } from './engine.js';

/** Marks what these helpers planted, so a later run can clear what a crashed one left. */
const MARK = 'edge-health-test.iotedge-module';

export interface ModuleOptions {
  name: string;
  /** Tagged locally onto the test image: repo[:tag], no registry needed. */
  image: string;
  env?: Record<string, string>;
  binds?: string[];
  cmd?: string[];
}

export class IotEdgeModules {
  private readonly tags: string[] = [];

  constructor(private readonly docker: Docker) {}

  /** Takes the names edgeAgent and edgeHub: clears ones an earlier run left, refuses to touch anyone else's. */
  async claimSystemNames(): Promise<void> {
    for (const name of SYSTEM_MODULES) {
      const existing = await this.docker.listContainers({ all: true, filters: { name: [`^/${name}$`] } });
      for (const container of existing) {
        if (container.Labels[MARK] === undefined) {
          throw new Error(`a container named ${name} that the tests did not plant is on the engine: remove it to run these tests`);
        }
        await this.docker.getContainer(container.Id).remove({ force: true });
      }
    }
  }

  /** Created, not started (the agent reads modules from inspect, whatever their state): start the returned container to run it. */
  async plant({ name, image, env = {}, binds = [], cmd = ['sleep', '3600'] }: ModuleOptions): Promise<Docker.Container> {
    await this.tag(image);
    return this.docker.createContainer({
      name,
      Image: image,
      Cmd: cmd,
      Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
      Labels: { [OWNER_LABEL]: OWNER_VALUE, [MARK]: 'true' },
      HostConfig: { NetworkMode: 'none', Binds: binds, Memory: 64 * 1024 ** 2, NanoCpus: 5e8, LogConfig: { Type: 'local', Config: {} } },
    });
  }

  async removeAll(): Promise<void> {
    const planted = await this.docker.listContainers({ all: true, filters: { label: [MARK] } });
    await Promise.all(planted.map((c) => this.docker.getContainer(c.Id).remove({ force: true })));
    // Untagging leaves the test image itself in place.
    await Promise.all(this.tags.splice(0).map((reference) => this.docker.getImage(reference).remove().catch(() => undefined)));
  }

  private async tag(reference: string): Promise<void> {
    if (reference === TEST_IMAGE || this.tags.includes(reference)) return;
    const colon = reference.lastIndexOf(':');
    const [repo, tag] = colon > reference.lastIndexOf('/') ? [reference.slice(0, colon), reference.slice(colon + 1)] : [reference, 'latest'];
    await this.docker.getImage(TEST_IMAGE).tag({ repo, tag });
    this.tags.push(reference);
  }
}
