// The module's configuration over its life: env and flags from the deployment, overridden by
// the twin's desired properties. An invalid desired state is rejected as a whole and the last
// good configuration stays in force.
import { CHECK_IDS } from '../checks/registry.js';
import { ConfigError, type ConfigLayer, type ResolvedConfig, resolveConfig } from '../config/resolve.js';
import { type Config, DESIRED_KEYS } from '../config/settings.js';
import { type DesiredProperties, desiredLayer } from './desired.js';
import type { JsonObject } from './merge-patch.js';

/** Twin string values are limited to 4 KB. */
const ERROR_CHARS = 2_000;
/** IoT Hub holds at most 32 KB of desired properties, nested at most 10 deep (with a margin for $metadata). */
const DESIRED_MAX_BYTES = 64 * 1024;
const DESIRED_MAX_DEPTH = 10;

export class ModuleConfig {
  private resolved: ResolvedConfig;
  private appliedVersion: number | null = null;
  private rejection: { version: number | null; problems: string[] } | null = null;

  /** Throws ConfigError when the device's own settings (env, flags) are invalid: the module cannot start. */
  constructor(private readonly deviceLayers: ConfigLayer[]) {
    this.resolved = resolveConfig(deviceLayers, CHECK_IDS);
  }

  get current(): Config {
    return this.resolved.config;
  }

  /** Applies the whole desired state; false (with the reasons kept for the twin) when it is rejected. */
  applyDesired(desired: DesiredProperties): boolean {
    const version = typeof desired.$version === 'number' ? desired.$version : null;
    const tooBig = boundsProblem(desired);
    if (tooBig) {
      this.rejection = { version, problems: [tooBig] };
      return false;
    }
    try {
      this.resolved = resolveConfig([...this.deviceLayers, desiredLayer(desired)], CHECK_IDS);
      this.appliedVersion = version;
      this.rejection = null;
      return true;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.rejection = { version, problems: error.problems };
      return false;
    }
  }

  /** The `config` section of the reported properties: lists as the comma-separated text desired properties and env take, so a value can be copied back. */
  reported(): JsonObject {
    const applied = Object.fromEntries(
      DESIRED_KEYS.map((key) => {
        const value = this.resolved.config[key];
        return [key, Array.isArray(value) ? value.join(',') : value];
      }),
    );
    return {
      applied,
      desiredVersion: this.appliedVersion,
      status: this.rejection ? 'rejected' : 'applied',
      rejectedVersion: this.rejection?.version ?? null,
      error: this.rejection ? this.rejection.problems.join('; ').slice(0, ERROR_CHARS) : null,
    };
  }

  /** For the getConfig method: every value and where it came from. */
  describe(): Pick<ResolvedConfig, 'config' | 'origins'> & { desiredVersion: number | null; rejected: unknown } {
    return {
      config: this.resolved.config,
      origins: this.resolved.origins,
      desiredVersion: this.appliedVersion,
      rejected: this.rejection,
    };
  }
}

/** Checked before anything reads the desired state: nesting first (without recursion), then size. */
function boundsProblem(desired: DesiredProperties): string | undefined {
  const pending: [unknown, number][] = [[desired, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop() as [unknown, number];
    if (value === null || typeof value !== 'object') continue;
    if (depth > DESIRED_MAX_DEPTH) return `properties.desired: nested deeper than ${DESIRED_MAX_DEPTH} levels`;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(desired) ?? '');
  return bytes > DESIRED_MAX_BYTES ? `properties.desired: ${bytes} bytes, over the limit of ${DESIRED_MAX_BYTES}` : undefined;
}
