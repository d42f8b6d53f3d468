// The packaging as files: the three Dockerfiles, the build context, module.json and the two
// deployment manifests, checked against each other, package.json and the settings in code.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/checks/registry.js';
import { envLayer, resolveConfig } from '../../src/config/resolve.js';
import { DESIRED_KEYS, SETTING_KEYS, defaultConfig, envName } from '../../src/config/settings.js';
import { desiredLayer } from '../../src/module/desired.js';
import {
  CHUNK_CHARS,
  MAX_CHUNKS,
  type ModuleDefinition,
  chunkKeys,
  createOptionsOf,
  joinCreateOptions,
  layeredModules,
  readJson,
  splitCreateOptions,
  templateModules,
} from '../support/deployment-manifest.js';
import { minimumNode } from '../support/node-engines.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLATFORMS = ['amd64', 'arm32v7', 'arm64v8'] as const;
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const pkg = readJson('package.json') as { name: string; version: string };

/** A Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(file: string): string[] {
  return read(file)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The instructions of each stage, the global ARGs before the first FROM left out. */
function stages(file: string): string[][] {
  const result: string[][] = [];
  for (const line of instructions(file)) {
    if (line.startsWith('FROM ')) result.push([]);
    result.at(-1)?.push(line);
  }
  return result;
}

describe('the Dockerfiles', () => {
  it('differ only in the platform of the base image, a pinned Node 22 bookworm-slim', () => {
    const normalised = PLATFORMS.map((platform) => {
      const text = read(`Dockerfile.${platform}`);
      expect(text).toMatch(new RegExp(`^ARG NODE_IMAGE=${platform}/node:22-bookworm-slim$`, 'm'));
      return text.replaceAll(platform, '<platform>');
    });
    expect(normalised[1]).toBe(normalised[0]);
    expect(normalised[2]).toBe(normalised[0]);
  });

  it('build in one stage and run, as a numeric non-root user, only the bundle the build produced: no node_modules', () => {
    const [build, run, ...more] = stages('Dockerfile.amd64');
    expect(more).toEqual([]);
    expect(instructions('Dockerfile.amd64')).toContain('ARG BUILD_NODE_IMAGE=${NODE_IMAGE}');
    expect(build[0]).toBe('FROM ${BUILD_NODE_IMAGE} AS build');
    expect(build.join('\n')).toMatch(/^RUN npm ci .*--ignore-scripts/m);
    expect(build.join('\n')).toMatch(/^RUN node scripts\/bundle\.mjs/m);
    expect(run[0]).toBe('FROM ${NODE_IMAGE}');
    expect(run).toContain('ENV NODE_ENV=production');
    expect(run.filter((line) => /^(COPY|ADD|RUN) /.test(line))).toEqual([
      'COPY --from=build /build/package.json ./',
      'COPY --from=build /build/dist ./dist',
      'COPY --from=build --chown=1000:1000 /build/state /var/lib/edge-health',
    ]);
    const user = run.find((line) => line.startsWith('USER '));
    expect(user).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
    expect(run).toContain('ENTRYPOINT ["node", "--max-semi-space-size=1", "--optimize-for-size", "dist/edge-health.js"]');
    expect(run).toContain('CMD ["run"]');
  });

  it('build the same production files on every platform, so the build stage may run on the build machine\'s', () => {
    // npm installs an optional package only where its os and cpu fields allow: a production
    // package tied to a CPU would make the ARM images' node_modules differ from the build machine's.
    const lock = readJson('package-lock.json') as { packages: Record<string, { dev?: boolean; os?: string[]; cpu?: string[] }> };
    const production = Object.entries(lock.packages).filter(([name, entry]) => name !== '' && !entry.dev);
    expect(production.length).toBeGreaterThan(10);
    const tied = production.filter(([, entry]) => entry.cpu !== undefined || (entry.os !== undefined && !entry.os.includes('linux')));
    expect(tied.map(([name]) => name)).toEqual([]);
    expect(instructions('Dockerfile.amd64').filter((line) => /^RUN .*npm (ci|install|prune)/.test(line)).every((line) => line.includes('--ignore-scripts'))).toBe(true);
  });

  it('take from the build context exactly what .dockerignore lets in', () => {
    const copied = instructions('Dockerfile.amd64')
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(' ').slice(1, -1))
      .map((source) => (statSync(path.join(ROOT, source)).isDirectory() ? `${source}/` : source));
    const patterns = read('.dockerignore').split('\n').filter((line) => line.trim() && !line.startsWith('#'));
    expect(patterns[0]).toBe('*');
    expect(patterns.slice(1).map((p) => p.replace(/^!/, '')).sort()).toEqual([...copied].sort());
  });
});

describe('package.json engines', () => {
  it('names the oldest supported Node, and tsc type-checks against that Node minor\'s API', () => {
    // test/container runs the agent on that Node; @types/node of the same minor, kept there by ~,
    // makes tsc refuse an API the oldest Node lacks (util.styleText came in 20.12).
    const { major, minor } = minimumNode();
    const lock = readJson('package-lock.json') as { packages: Record<string, { version: string }> };
    expect(lock.packages['node_modules/@types/node'].version).toMatch(new RegExp(`^${major}\\.${minor}\\.`));
    expect((readJson('package.json') as { devDependencies: Record<string, string> }).devDependencies['@types/node']).toMatch(new RegExp(`^~${major}\\.${minor}\\.`));
  });
});

describe('module.json', () => {
  const manifest = readJson('module.json') as {
    '$schema-version': string;
    image: { repository: string; tag: { version: string; platforms: Record<string, string> }; contextPath: string };
  };

  it('tags the image with package.json\'s version', () => {
    expect(manifest['$schema-version']).toBe('0.0.1');
    expect(manifest.image.tag.version).toBe(pkg.version);
    expect(manifest.image.repository).toMatch(new RegExp(`/${pkg.name}$`));
  });

  it('maps amd64, arm32v7 and arm64v8 to their Dockerfiles, built from the project folder', () => {
    expect(manifest.image.tag.platforms).toEqual(Object.fromEntries(PLATFORMS.map((p) => [p, `./Dockerfile.${p}`])));
    for (const file of Object.values(manifest.image.tag.platforms)) expect(existsSync(path.join(ROOT, file))).toBe(true);
    expect(path.resolve(ROOT, manifest.image.contextPath)).toBe(path.resolve(ROOT));
  });
});

describe('deployment.template.json', () => {
  const { module, desired } = templateModules();
  const agentModules = () => {
    const agent = (readJson('deployment.template.json').modulesContent as Record<string, Record<string, Record<string, Record<string, ModuleDefinition>>>>)
      .$edgeAgent['properties.desired'];
    return { ...agent.systemModules, ...agent.modules };
  };

  it('writes every module\'s createOptions as the tooling does: minified JSON, split into 512-character chunks', () => {
    for (const [name, definition] of Object.entries(agentModules())) {
      const joined = joinCreateOptions(definition.settings);
      const parsed: unknown = JSON.parse(joined);
      expect(parsed, name).toBeTypeOf('object');
      expect(joined, name).toBe(JSON.stringify(parsed));
      const chunks = splitCreateOptions(joined);
      expect(chunkKeys(definition.settings), name).toEqual(Object.keys(chunks));
      expect(Object.keys(chunks).length, name).toBeLessThanOrEqual(MAX_CHUNKS);
      for (const key of Object.keys(chunks)) expect(definition.settings[key], `${name}.${key}`).toBe(chunks[key]);
    }
  });

  it('keeps each ${…} placeholder inside one chunk, so the tooling can expand it', () => {
    const joined = joinCreateOptions(module.settings);
    for (const match of joined.matchAll(/\$\{[^}]*\}/g)) {
      const start = match.index;
      const end = start + match[0].length - 1;
      expect(Math.floor(start / CHUNK_CHARS), match[0]).toBe(Math.floor(end / CHUNK_CHARS));
    }
  });

  it('builds the image from this folder\'s module.json', () => {
    const placeholder = /^\$\{MODULEDIR<(.+)>\}$/.exec(module.settings.image);
    expect(placeholder, module.settings.image).not.toBeNull();
    expect(existsSync(path.join(ROOT, placeholder![1], 'module.json'))).toBe(true);
  });

  it('sets only env vars that are settings, with valid values: the host root over the host mounts, the state folder on a volume', () => {
    const env = Object.fromEntries(Object.entries(module.env ?? {}).map(([name, { value }]) => [name, value]));
    const known = SETTING_KEYS.map(envName);
    expect(Object.keys(env).filter((name) => !known.includes(name))).toEqual([]);
    const { config } = resolveConfig([envLayer(env)], CHECK_IDS);
    expect(config.hostRoot).toBe('/host');
    const binds = createOptionsOf(module).HostConfig.Binds.map((bind) => bind.split(':'));
    for (const [source, target] of binds.filter(([, target]) => target.startsWith('/host'))) {
      expect(target, source).toBe(path.posix.join(config.hostRoot, source));
    }
    const volumes = binds.filter(([source]) => !source.startsWith('/'));
    expect(volumes.map(([, target]) => target)).toEqual([config.stateFolder]);
  });

  it('grants least privilege: no privileged mode, read-only host mounts, socket by group, capped resources and logs', () => {
    const { HostConfig: host } = createOptionsOf(module);
    expect(host.Privileged).not.toBe(true);
    expect(host.NetworkMode, 'IoT Edge attaches modules to its own network').toBeUndefined();
    const writable = host.Binds.filter((bind) => !bind.endsWith(':ro'));
    // The socket, which a read-only flag would not restrict, and the agent's own state volume.
    expect(writable).toEqual(['/var/run/docker.sock:/var/run/docker.sock', 'edge-health-state:/var/lib/edge-health']);
    expect(host.Binds.map((bind) => bind.split(':')[0])).toEqual(
      expect.arrayContaining(['/var/lib/docker', '/etc/docker', '/etc/aziot/config.toml', '/var/aziot/certs']),
    );
    expect(host.GroupAdd).toEqual(['${DOCKER_SOCKET_GID}']);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.SecurityOpt).toContain('no-new-privileges');
    expect(host.Memory).toBeGreaterThan(0);
    expect(host.NanoCpus).toBeGreaterThan(0);
    expect(host.LogConfig).toEqual({ Type: 'local', Config: { 'max-size': expect.any(String), 'max-file': expect.any(String) } });
  });

  it('gives the module twin every cloud-settable setting at its default, and the module takes them as they are', () => {
    expect(Object.keys(desired).sort()).toEqual([...DESIRED_KEYS].sort());
    const defaults = defaultConfig();
    // Lists are written as comma-separated text, the form the README documents for desired properties.
    expect(DESIRED_KEYS.filter((key) => Array.isArray(desired[key]))).toEqual([]);
    for (const key of DESIRED_KEYS) {
      const value = defaults[key];
      expect(desired[key], key).toEqual(Array.isArray(value) ? value.join(',') : value);
    }
    const { config, origins } = resolveConfig([desiredLayer(desired)], CHECK_IDS);
    expect(config).toEqual(defaults);
    expect(DESIRED_KEYS.filter((key) => origins[key] !== 'desired')).toEqual([]);
  });
});

describe('deployment.layered.json', () => {
  const template = templateModules();
  const layered = layeredModules();

  it('targets devices by twin tags with a priority', () => {
    expect(layered.deployment.targetCondition).toMatch(/^tags\.\w+='[^']+'/);
    expect(Number.isInteger(layered.deployment.priority) && (layered.deployment.priority as number) > 0).toBe(true);
  });

  it('deploys the module as the template does, from the X.Y.Z tag, with the same desired properties', () => {
    expect(layered.module.settings.image).toBe(`<YOUR_REGISTRY>/${pkg.name}:${pkg.version}`);
    const { settings: layeredSettings, ...layeredRest } = layered.module;
    const { settings: templateSettings, ...templateRest } = template.module;
    expect(layeredRest).toEqual(templateRest);
    expect(joinCreateOptions(layeredSettings).replace('<DOCKER_SOCKET_GID>', '${DOCKER_SOCKET_GID}')).toBe(joinCreateOptions(templateSettings));
    expect(layered.desired).toEqual(template.desired);
  });
});
