// The module as the deployment manifests declare it, read back the way IoT Edge reads it: the
// createOptions chunks joined in order (createOptions, createOptions01, createOptions02, …).
import { readFileSync } from 'node:fs';

export const MODULE_NAME = 'edgeHealth';
export const TEMPLATE_FILE = 'deployment.template.json';
export const LAYERED_FILE = 'deployment.layered.json';

/** Largest twin string value: createOptions longer than this are split into numbered chunks. */
export const CHUNK_CHARS = 512;
/** Chunks the IoT Edge tooling (iotedgedev, the VS Code extension) reads back: createOptions to createOptions07. */
export const MAX_CHUNKS = 8;

export interface ModuleDefinition {
  version: string;
  type: string;
  status: string;
  restartPolicy: string;
  settings: { image: string } & Record<string, string>;
  env?: Record<string, { value: string }>;
}

/** What a module's createOptions hold that this project sets (the Docker Engine API's create body). */
export interface CreateOptions {
  HostConfig: {
    Binds: string[];
    GroupAdd: string[];
    Memory: number;
    NanoCpus: number;
    LogConfig: { Type: string; Config: Record<string, string> };
    Privileged?: boolean;
    ReadonlyRootfs?: boolean;
    CapDrop?: string[];
    SecurityOpt?: string[];
    NetworkMode?: string;
  };
}

type Json = Record<string, unknown>;

export function readJson(file: string): Json {
  return JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as Json;
}

export function chunkKey(index: number): string {
  return index === 0 ? 'createOptions' : `createOptions${String(index).padStart(2, '0')}`;
}

/** The tooling's split of a serialised createOptions: 512-character chunks under consecutive keys. */
export function splitCreateOptions(serialised: string): Record<string, string> {
  const chunks: Record<string, string> = {};
  for (let i = 0; i * CHUNK_CHARS < serialised.length; i++) chunks[chunkKey(i)] = serialised.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
  return chunks;
}

/** The chunk keys present in a module's settings, in the order IoT Edge joins them. */
export function chunkKeys(settings: Record<string, string>): string[] {
  return Object.keys(settings)
    .filter((key) => key.startsWith('createOptions'))
    .sort((a, b) => (a === 'createOptions' ? -1 : b === 'createOptions' ? 1 : a.localeCompare(b)));
}

export function joinCreateOptions(settings: Record<string, string>): string {
  return chunkKeys(settings).map((key) => settings[key]).join('');
}

export function templateModules(): { module: ModuleDefinition; desired: Json } {
  const content = readJson(TEMPLATE_FILE).modulesContent as Record<string, Json>;
  const agent = content.$edgeAgent['properties.desired'] as { modules: Record<string, ModuleDefinition> };
  return { module: agent.modules[MODULE_NAME], desired: content[MODULE_NAME]['properties.desired'] as Json };
}

export function layeredModules(): { deployment: Json; module: ModuleDefinition; desired: Json } {
  const deployment = readJson(LAYERED_FILE);
  const content = (deployment.content as { modulesContent: Record<string, Json> }).modulesContent;
  return {
    deployment,
    module: content.$edgeAgent[`properties.desired.modules.${MODULE_NAME}`] as ModuleDefinition,
    desired: content[MODULE_NAME]['properties.desired'] as Json,
  };
}

export function createOptionsOf(module: ModuleDefinition): CreateOptions {
  return JSON.parse(joinCreateOptions(module.settings)) as CreateOptions;
}
