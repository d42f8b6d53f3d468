// Command-line flags for every setting, derived from the settings list so flags, env vars and docs never drift.
import { type Command, Option } from 'commander';
import { type ConfigLayer, fromText } from '../config/resolve.js';
import { SETTINGS, SETTING_KEYS, type SettingKey, describeDefault, envName, flagName } from '../config/settings.js';

export function addSettingOptions(command: Command): Command {
  for (const key of SETTING_KEYS) {
    const { kind, description, placeholder } = SETTINGS[key];
    const help = `${description} [env ${envName(key)}, default ${describeDefault(key)}]`;
    const flag = flagName(key);
    if (kind === 'boolean') {
      command.addOption(new Option(flag, help));
      command.addOption(new Option(`--no-${flag.slice(2)}`, `Turn off ${flag}.`));
    } else if (kind === 'list') {
      command.addOption(new Option(`${flag} <${placeholder}>`, `${help} (comma-separated, repeatable)`).argParser(collect));
    } else {
      command.addOption(new Option(`${flag} <${placeholder}>`, help));
    }
  }
  return command;
}

/** The settings given as flags, as a layer over env and defaults. */
export function flagLayer(options: Record<string, unknown>): ConfigLayer {
  const values: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = options[key];
    if (value === undefined) continue;
    const { kind } = SETTINGS[key];
    values[key] = kind === 'boolean' ? value : fromText(kind, Array.isArray(value) ? value.join(',') : String(value));
  }
  return { origin: 'flag', values, label: (key) => flagName(key as SettingKey) };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
