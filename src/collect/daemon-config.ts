import type { DaemonConfig } from '../snapshot.js';
import { readHostText } from './host-file.js';

/** The parts of daemon.json the checks read. A missing file is normal (engine defaults); a broken one is an error naming the file. */
export async function collectDaemonConfig(hostRoot: string, configPath: string, signal: AbortSignal): Promise<DaemonConfig> {
  const text = await readHostText(hostRoot, configPath, { kind: 'config', signal });
  if (text === undefined) return { path: configPath, found: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${configPath}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${configPath}: expected a JSON object`);
  }
  const json = parsed as Record<string, unknown>;
  return {
    path: configPath,
    found: true,
    ...optionalString(json, 'log-driver', 'logDriver', configPath),
    ...optionalStringMap(json, 'log-opts', 'logOpts', configPath),
    ...optionalStringList(json, 'dns', 'dns', configPath),
    ...optionalString(json, 'data-root', 'dataRoot', configPath),
    ...optionalString(json, 'storage-driver', 'storageDriver', configPath),
  };
}

function optionalString(json: Record<string, unknown>, field: string, key: string, file: string): Record<string, string> {
  const value = json[field];
  if (value === undefined) return {};
  if (typeof value !== 'string') throw new Error(`${file}: "${field}" must be a string`);
  return { [key]: value };
}

function optionalStringMap(json: Record<string, unknown>, field: string, key: string, file: string): Record<string, Record<string, string>> {
  const value = json[field];
  if (value === undefined) return {};
  const valid =
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
  if (!valid) throw new Error(`${file}: "${field}" must be an object of strings`);
  return { [key]: value as Record<string, string> };
}

function optionalStringList(json: Record<string, unknown>, field: string, key: string, file: string): Record<string, string[]> {
  const value = json[field];
  if (value === undefined) return {};
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`${file}: "${field}" must be a list of strings`);
  return { [key]: value };
}
