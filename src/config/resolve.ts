// Builds the effective configuration from layers (defaults < env < desired properties < flags),
// validating each layer on its own so an error names the field as the user wrote it.
import type { z } from 'zod';
import {
  type Config,
  ORDERED_PAIRS,
  SETTINGS,
  SETTING_KEYS,
  type SettingKey,
  type SettingKind,
  defaultConfig,
  envName,
} from './settings.js';

export type Origin = 'default' | 'env' | 'desired' | 'flag';

export interface ConfigLayer {
  origin: Exclude<Origin, 'default'>;
  /** Values as given: text for env and flags, JSON values for desired properties. */
  values: Record<string, unknown>;
  /** How this layer names a setting in error messages: the env var, the flag, the property. */
  label: (key: string) => string;
}

export interface ResolvedConfig {
  config: Config;
  origins: Record<SettingKey, Origin>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Turns a setting written as text into the JSON value the schema checks; text that is not of the kind stays text, so the schema names the mismatch. */
export function fromText(kind: SettingKind, text: string): unknown {
  const trimmed = text.trim();
  switch (kind) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : text;
    case 'bytes':
      return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) return true;
      if (['false', '0', 'no', 'off'].includes(lower)) return false;
      return text;
    }
    case 'list':
      return trimmed.split(',').map((item) => item.trim()).filter(Boolean);
    case 'string':
      return text;
  }
}

/** The settings present in an environment (EDGE_HEALTH_*). */
export function envLayer(env: NodeJS.ProcessEnv): ConfigLayer {
  const values: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const raw = env[envName(key)];
    if (raw !== undefined && raw !== '') values[key] = fromText(SETTINGS[key].kind, raw);
  }
  return { origin: 'env', values, label: (key) => envName(key as SettingKey) };
}

export function resolveConfig(layers: ConfigLayer[], knownCheckIds: readonly string[]): ResolvedConfig {
  const config = defaultConfig() as Record<SettingKey, unknown>;
  const origins = Object.fromEntries(SETTING_KEYS.map((key) => [key, 'default'])) as Record<SettingKey, Origin>;
  const labels = new Map<SettingKey, string>();
  const problems: string[] = [];

  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      // hasOwn: a twin could send `constructor` or `toString`, which `in` would find on every object.
      if (!Object.hasOwn(SETTINGS, key)) {
        problems.push(`${layer.label(key)}: unknown setting`);
        continue;
      }
      const settingKey = key as SettingKey;
      if (layer.origin === 'desired' && SETTINGS[settingKey].deviceOnly) {
        problems.push(`${layer.label(key)}: set on the device only (${envName(settingKey)}), not from the cloud`);
        continue;
      }
      const parsed = SETTINGS[settingKey].schema.safeParse(value);
      if (!parsed.success) {
        problems.push(`${layer.label(key)}: ${describeIssue(parsed.error.issues[0], value)}`);
        continue;
      }
      config[settingKey] = parsed.data;
      origins[settingKey] = layer.origin;
      labels.set(settingKey, layer.label(key));
    }
  }

  const label = (key: SettingKey) => labels.get(key) ?? key;
  if (problems.length === 0) {
    for (const [high, low] of ORDERED_PAIRS) {
      if ((config[high] as number) < (config[low] as number)) {
        problems.push(`${label(high)} (${config[high]}) must not be below ${label(low)} (${config[low]})`);
      }
    }
    for (const id of config.disabledChecks as string[]) {
      if (!knownCheckIds.includes(id)) {
        problems.push(`${label('disabledChecks')}: unknown check id "${id}" (known: ${knownCheckIds.join(', ')})`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { config: config as Config, origins };
}

/** One line for a schema issue, with the value that caused it. */
export function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  const got = `got ${JSON.stringify(value)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'array' ? 'a list' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`}, ${got}`;
    case 'too_small':
      return `must be at least ${issue.minimum}, ${got}`;
    case 'too_big':
      return `must be at most ${issue.maximum}, ${got}`;
    case 'invalid_value':
      return `must be one of ${issue.values.join(', ')}, ${got}`;
    case 'invalid_union': {
      // A size is a number or a size string: report the string's reason when text was given.
      const branch = issue.errors.find((errors) => errors.some((inner) => inner.code === 'custom'));
      return branch ? branch[0].message : `expected a number of bytes or a size such as 100MiB, ${got}`;
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return `${issue.message}, ${got}`;
  }
}
