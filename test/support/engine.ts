// The private Moby engine that scripts/engine.sh starts for the tests, and helpers that plant
// containers and volumes on it under a unique prefix and remove them afterwards.
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { describe } from 'vitest';

export const TEST_IMAGE = 'edge-health-test/busybox:1';

/** Set by scripts/test.sh once its engine answers; DOCKER_HOST then points at it. */
export const engineReady = process.env.EDGE_HEALTH_TEST_ENGINE === '1';

if (!engineReady && process.env.CI) {
  throw new Error('CI runs the real-engine tests: start them with `npm test` (scripts/test.sh), which starts the engine.');
}

/** describe() when the private engine is up; otherwise skipped, saying why. */
export const describeWithEngine: typeof describe = engineReady
  ? describe
  : (((name: string, ...rest: unknown[]) =>
      (describe.skip as (...args: unknown[]) => void)(`${name} [skipped: no private engine; run \`npm test\`]`, ...rest)) as typeof describe);

/** Where the private engine listens (scripts/test.sh sets DOCKER_HOST); tests pass it on, never change it. */
export const TEST_ENGINE_ENDPOINT = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';

export function testDocker(): Docker {
  return new Docker();
}

export interface PlantOptions {
  name: string;
  cmd?: string[];
  memoryBytes?: number;
  nanoCpus?: number;
  privileged?: boolean;
  logConfig?: { Type: string; Config?: Record<string, string> };
  volumes?: Record<string, string>;
  restartPolicy?: string;
  labels?: Record<string, string>;
  /** A Docker HEALTHCHECK, as createOptions' Healthcheck. */
  healthcheck?: Docker.HealthConfig;
  start?: boolean;
}

/** Containers and volumes one test plants, all named with one random prefix, removed by cleanup(). */
export class Plant {
  readonly prefix = `eh${randomBytes(3).toString('hex')}-`;
  readonly docker = testDocker();

  name(base: string): string {
    return `${this.prefix}${base}`;
  }

  async container(options: PlantOptions): Promise<Docker.Container> {
    const container = await this.docker.createContainer({
      name: this.name(options.name),
      Image: TEST_IMAGE,
      Cmd: options.cmd ?? ['sleep', '3600'],
      Labels: options.labels,
      Healthcheck: options.healthcheck,
      HostConfig: {
        NetworkMode: 'none',
        Memory: options.memoryBytes,
        NanoCpus: options.nanoCpus,
        Privileged: options.privileged,
        LogConfig: options.logConfig as Docker.HostConfig['LogConfig'],
        Binds: Object.entries(options.volumes ?? {}).map(([volume, path]) => `${volume}:${path}`),
        RestartPolicy: options.restartPolicy ? { Name: options.restartPolicy } : undefined,
      },
    });
    if (options.start !== false) await container.start();
    return container;
  }

  /**
   * A volume holding `bytes` bytes, written by a container that is then removed. Named
   * prefix+base, or `exactName` (which must contain the prefix, so cleanup finds it).
   */
  async volume(base: string, { bytes = 0, labels, exactName }: { bytes?: number; labels?: Record<string, string>; exactName?: string } = {}): Promise<string> {
    const name = exactName ?? this.name(base);
    if (!name.includes(this.prefix)) throw new Error(`volume ${name} would escape cleanup: it lacks ${this.prefix}`);
    await this.docker.createVolume({ Name: name, Labels: labels });
    if (bytes > 0) {
      const writer = await this.container({ name: `${base}-writer`, cmd: ['sh', '-c', `head -c ${bytes} /dev/zero > /data/fill`], volumes: { [name]: '/data' } });
      await writer.wait();
      await writer.remove();
    }
    return name;
  }

  async cleanup(): Promise<void> {
    const containers = await this.docker.listContainers({ all: true, filters: { name: [this.prefix] } });
    await Promise.all(containers.map((c) => this.docker.getContainer(c.Id).remove({ force: true, v: true })));
    const { Volumes } = await this.docker.listVolumes();
    await Promise.all((Volumes ?? []).filter((v) => v.Name.includes(this.prefix)).map((v) => this.docker.getVolume(v.Name).remove()));
  }
}
