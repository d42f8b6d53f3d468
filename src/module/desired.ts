// Desired properties of the module twin as a configuration layer over env and defaults.
import type { ConfigLayer } from '../config/resolve.js';
import { fromText } from '../config/resolve.js';
import { SETTINGS, type SettingKey } from '../config/settings.js';

export interface DesiredProperties {
  $version?: number;
  [key: string]: unknown;
}

/**
 * The settings in the twin's desired properties. Lists come as comma-separated strings, the text
 * their env variable takes; JSON arrays, which twins accept since 2020, are taken too. Twin metadata
 * ($version, $metadata) is not a setting.
 */
export function desiredLayer(desired: DesiredProperties): ConfigLayer {
  const values: Record<string, unknown> = {};
  const label = (key: string) => `properties.desired.${key}`;
  for (const [key, value] of Object.entries(desired)) {
    if (key.startsWith('$') || value === null) continue;
    const setting = Object.hasOwn(SETTINGS, key) ? SETTINGS[key as SettingKey] : undefined;
    values[key] = setting?.kind === 'list' && typeof value === 'string' ? fromText('list', value) : value;
  }
  return { origin: 'desired', values, label };
}
