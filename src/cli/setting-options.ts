// Command-line flags for every setting, derived from the settings list so flags, env vars and docs never drift.
import { type Command, Option } from 'commander';
import { type ConfigLayer, fromText } from '../config/resolve.js';
import { SETTINGS, SETTING_KEYS, type SettingKey, describeDefault, envName, flagName } from '../config/settings.js';
import { wrap } from '../report/text.js';

/** Columns of the terminal help goes to, as Commander reads them; 80 when not a terminal. */
export function terminalWidth(): number {
  return process.stdout.isTTY ? process.stdout.columns : 80;
}

/** Settings only the module's schedule and sinks read: `check` and `prune` take none of them. */
const MODULE_ONLY: readonly SettingKey[] = ['schedule', 'jitterSeconds', 'telemetryMode', 'heartbeatMinutes', 'reportedSubjectsPerCheck', 'transport', 'productInfo'];

/** What `check` reads: everything but the module's own settings and the switch for real prune runs. */
export const CHECK_SETTING_KEYS: readonly SettingKey[] = SETTING_KEYS.filter((key) => !MODULE_ONLY.includes(key) && key !== 'pruneEnabled');

/** What a prune reads: which volumes are protected, the age rule, the switch, the engine deadline, logging. */
export const PRUNE_SETTING_KEYS: readonly SettingKey[] = ['protectedVolumes', 'protectLabel', 'pruneEnabled', 'pruneOlderThanHours', 'collectTimeoutSeconds', 'logLevel'];

const FULL_REFERENCE =
  'Every setting can also be given as its EDGE_HEALTH_* environment variable; the full reference is the Settings table of the README, and `edge-health checks` lists the check ids with the settings each reads.';

/** A flag for each of `keys` (every setting by default), with a pointer to the full reference after them. */
export function addSettingOptions(command: Command, keys: readonly SettingKey[] = SETTING_KEYS): Command {
  command.addHelpText('after', () => `\n${wrap(FULL_REFERENCE, terminalWidth(), 0).join('\n')}`);
  for (const key of keys) {
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
