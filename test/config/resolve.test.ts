import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/checks/registry.js';
import { ConfigError, type ConfigLayer, type ResolvedConfig, envLayer, fromText, resolveConfig } from '../../src/config/resolve.js';
import { SETTINGS, SETTING_KEYS, type SettingKey, defaultConfig, envName, flagName } from '../../src/config/settings.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Flags as the CLI gives them: text, read by the setting's kind, named by the flag in errors. */
function flags(values: Partial<Record<string, string>>): ConfigLayer {
  const parsed: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(values)) {
    const kind = key in SETTINGS ? SETTINGS[key as SettingKey].kind : 'string';
    parsed[key] = fromText(kind, text ?? '');
  }
  return { origin: 'flag', values: parsed, label: (key) => flagName(key as SettingKey) };
}

function env(values: Partial<Record<SettingKey, string>>): ConfigLayer {
  return envLayer(Object.fromEntries(Object.entries(values).map(([key, text]) => [envName(key as SettingKey), text])));
}

function resolve(...layers: ConfigLayer[]): ResolvedConfig {
  return resolveConfig(layers, CHECK_IDS);
}

/** The problems resolveConfig reports, failing the test if it reports none. */
function problemsOf(...layers: ConfigLayer[]): string[] {
  try {
    resolve(...layers);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

function onlyProblem(...layers: ConfigLayer[]): string {
  const problems = problemsOf(...layers);
  expect(problems).toHaveLength(1);
  return problems[0];
}

describe('names', () => {
  it('env names are EDGE_HEALTH_ and the key in upper snake case', () => {
    expect(envName('diskFreeWarnPercent')).toBe('EDGE_HEALTH_DISK_FREE_WARN_PERCENT');
    expect(envName('hostRoot')).toBe('EDGE_HEALTH_HOST_ROOT');
  });

  it('flag names are the key in kebab case', () => {
    expect(flagName('diskFreeWarnPercent')).toBe('--disk-free-warn-percent');
    expect(flagName('logLevel')).toBe('--log-level');
  });
});

describe('defaults', () => {
  it('with no layers, every setting has its default and origin "default"', () => {
    const { config, origins } = resolve();
    expect(config).toEqual(defaultConfig());
    for (const key of SETTING_KEYS) expect(origins[key]).toBe('default');
  });

  it('defaults are the documented thresholds', () => {
    expect(defaultConfig()).toMatchObject({
      diskFreeWarnPercent: 20,
      diskFreeErrorPercent: 10,
      inodesFreeWarnPercent: 20,
      inodesFreeErrorPercent: 10,
      unusedVolumesWarnBytes: 1 * GiB,
      logWarnBytes: 100 * MiB,
      logErrorBytes: 1 * GiB,
      logsTotalWarnBytes: 2 * GiB,
      restartWarnCount: 5,
      memoryUsageWarnPercent: 90,
      protectedVolumes: [],
      disabledChecks: [],
      protectLabel: 'edge-health.protect',
    });
  });

  it('defaultConfig returns a fresh copy each time', () => {
    const first = defaultConfig();
    first.protectedVolumes.push('mine');
    expect(defaultConfig().protectedVolumes).toEqual([]);
  });

  it('every default passes its own schema', () => {
    for (const key of SETTING_KEYS) expect(SETTINGS[key].schema.safeParse(SETTINGS[key].default).success).toBe(true);
  });
});

describe('the env layer', () => {
  it('reads EDGE_HEALTH_* variables by setting kind', () => {
    const { config, origins } = resolve(
      env({
        diskFreeWarnPercent: '30',
        logWarnBytes: '50m',
        unusedVolumesWarnBytes: '2048',
        volumeSizes: 'no',
        protectedVolumes: 'keep-*, db1,,',
        hostRoot: '/host',
      }),
    );
    expect(config).toMatchObject({
      diskFreeWarnPercent: 30,
      logWarnBytes: 50 * MiB,
      unusedVolumesWarnBytes: 2048,
      volumeSizes: false,
      protectedVolumes: ['keep-*', 'db1'],
      hostRoot: '/host',
    });
    expect(origins).toMatchObject({ diskFreeWarnPercent: 'env', logWarnBytes: 'env', volumeSizes: 'env', hostRoot: 'env' });
    expect(origins.diskFreeErrorPercent).toBe('default');
  });

  it('ignores empty and unrelated variables', () => {
    const layer = envLayer({ EDGE_HEALTH_DISK_FREE_WARN_PERCENT: '', PATH: '/usr/bin', HOME: '/root' });
    expect(layer.values).toEqual({});
    expect(resolve(layer).origins.diskFreeWarnPercent).toBe('default');
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['ON', true],
    ['false', false],
    ['0', false],
    ['off', false],
  ])('reads boolean %j as %s', (text, value) => {
    expect(resolve(env({ volumeSizes: text })).config.volumeSizes).toBe(value);
  });

  it('names the env var in its errors', () => {
    expect(envLayer({}).label('diskFreeWarnPercent')).toBe('EDGE_HEALTH_DISK_FREE_WARN_PERCENT');
  });
});

describe('the flag layer', () => {
  it('sets values with origin "flag"', () => {
    const { config, origins } = resolve(flags({ diskFreeErrorPercent: '5', logErrorBytes: '2g', disabledChecks: 'logs.size,disk.inodes' }));
    expect(config).toMatchObject({ diskFreeErrorPercent: 5, logErrorBytes: 2 * GiB, disabledChecks: ['logs.size', 'disk.inodes'] });
    expect(origins).toMatchObject({ diskFreeErrorPercent: 'flag', logErrorBytes: 'flag', disabledChecks: 'flag' });
  });

  it('accepts JSON values in a layer (desired-properties style)', () => {
    const layer: ConfigLayer = {
      origin: 'desired',
      values: { diskFreeWarnPercent: 25, logWarnBytes: '200MiB', protectedVolumes: ['a'] },
      label: (key) => `properties.desired.${key}`,
    };
    const { config, origins } = resolve(layer);
    expect(config).toMatchObject({ diskFreeWarnPercent: 25, logWarnBytes: 200 * MiB, protectedVolumes: ['a'] });
    expect(origins.diskFreeWarnPercent).toBe('desired');
  });
});

describe('precedence', () => {
  it('a later layer wins over an earlier one and over the default', () => {
    const { config, origins } = resolve(env({ diskFreeWarnPercent: '30', diskFreeErrorPercent: '15' }), flags({ diskFreeWarnPercent: '40' }));
    expect(config.diskFreeWarnPercent).toBe(40);
    expect(origins.diskFreeWarnPercent).toBe('flag');
    expect(config.diskFreeErrorPercent).toBe(15);
    expect(origins.diskFreeErrorPercent).toBe('env');
    expect(config.inodesFreeWarnPercent).toBe(20);
    expect(origins.inodesFreeWarnPercent).toBe('default');
  });

  it('order of layers, not their origin, decides', () => {
    const { config, origins } = resolve(flags({ restartWarnCount: '3' }), env({ restartWarnCount: '7' }));
    expect(config.restartWarnCount).toBe(7);
    expect(origins.restartWarnCount).toBe('env');
  });

  it('a list from a later layer replaces the earlier list', () => {
    const { config } = resolve(env({ protectedVolumes: 'a,b' }), flags({ protectedVolumes: 'c' }));
    expect(config.protectedVolumes).toEqual(['c']);
  });

  it('the ordering rule is judged on the merged result, not per layer', () => {
    // env alone would put warn (5) below error (10); the flag lowers error to 3.
    const { config } = resolve(env({ diskFreeWarnPercent: '5' }), flags({ diskFreeErrorPercent: '3' }));
    expect(config).toMatchObject({ diskFreeWarnPercent: 5, diskFreeErrorPercent: 3 });
  });
});

describe('errors', () => {
  it('a threshold that is not a number names the env var and the value', () => {
    const problem = onlyProblem(env({ diskFreeWarnPercent: 'lots' }));
    expect(problem).toContain('EDGE_HEALTH_DISK_FREE_WARN_PERCENT');
    expect(problem).toContain('lots');
    expect(problem).toMatch(/number/);
  });

  it('a threshold that is not a number names the flag and the value', () => {
    const problem = onlyProblem(flags({ restartWarnCount: 'often' }));
    expect(problem).toContain('--restart-warn-count');
    expect(problem).toContain('often');
  });

  it('a percent over 100 is rejected, naming the limit and the value', () => {
    const problem = onlyProblem(env({ memoryUsageWarnPercent: '150' }));
    expect(problem).toContain('EDGE_HEALTH_MEMORY_USAGE_WARN_PERCENT');
    expect(problem).toContain('150');
    expect(problem).toContain('100');
  });

  it('exactly 100 percent is accepted', () => {
    expect(resolve(env({ memoryUsageWarnPercent: '100' })).config.memoryUsageWarnPercent).toBe(100);
  });

  it('a negative percent is rejected', () => {
    const problem = onlyProblem(flags({ diskFreeErrorPercent: '-5' }));
    expect(problem).toContain('--disk-free-error-percent');
    expect(problem).toContain('-5');
  });

  it('a restart count of zero is rejected', () => {
    expect(onlyProblem(flags({ restartWarnCount: '0' }))).toContain('--restart-warn-count');
  });

  it('bad size text names the setting and quotes the text', () => {
    const problem = onlyProblem(env({ logWarnBytes: '12 parsecs' }));
    expect(problem).toContain('EDGE_HEALTH_LOG_WARN_BYTES');
    expect(problem).toContain('"12 parsecs"');
    expect(problem).toMatch(/size/);
  });

  it('a negative size is rejected', () => {
    const problem = onlyProblem(flags({ unusedVolumesWarnBytes: '-1' }));
    expect(problem).toContain('--unused-volumes-warn-bytes');
    expect(problem).toContain('-1');
  });

  it('a bad boolean names the setting and the value', () => {
    const problem = onlyProblem(env({ volumeSizes: 'maybe' }));
    expect(problem).toContain('EDGE_HEALTH_VOLUME_SIZES');
    expect(problem).toContain('maybe');
  });

  it('a log level outside the list names the allowed ones', () => {
    const problem = onlyProblem(flags({ logLevel: 'loud' }));
    expect(problem).toContain('--log-level');
    expect(problem).toContain('loud');
    expect(problem).toContain('debug');
  });

  it('an unknown check id in disabledChecks names it and the known ids', () => {
    const problem = onlyProblem(env({ disabledChecks: 'disk.space,disk.spaec' }));
    expect(problem).toContain('EDGE_HEALTH_DISABLED_CHECKS');
    expect(problem).toContain('"disk.spaec"');
    expect(problem).not.toContain('"disk.space"');
    for (const id of CHECK_IDS) expect(problem).toContain(id);
  });

  it('known check ids in disabledChecks are accepted', () => {
    expect(resolve(flags({ disabledChecks: CHECK_IDS.join(',') })).config.disabledChecks).toEqual([...CHECK_IDS]);
  });

  it('a warning percent below the error percent names both settings as written and their values', () => {
    const problem = onlyProblem(flags({ diskFreeWarnPercent: '5' }));
    expect(problem).toContain('--disk-free-warn-percent (5)');
    expect(problem).toContain('(10)');
    expect(problem).toMatch(/diskFreeErrorPercent|disk-free-error-percent|DISK_FREE_ERROR_PERCENT/);
  });

  it('the ordering problem names each setting by the layer that set it', () => {
    const problem = onlyProblem(env({ inodesFreeErrorPercent: '30' }), flags({ inodesFreeWarnPercent: '25' }));
    expect(problem).toContain('--inodes-free-warn-percent (25)');
    expect(problem).toContain('EDGE_HEALTH_INODES_FREE_ERROR_PERCENT (30)');
  });

  it('equal warning and error percents are accepted', () => {
    expect(resolve(flags({ diskFreeWarnPercent: '10', diskFreeErrorPercent: '10' })).config.diskFreeWarnPercent).toBe(10);
  });

  it('a log error size below the warning size is rejected', () => {
    const problem = onlyProblem(env({ logWarnBytes: '2g' }));
    expect(problem).toContain('EDGE_HEALTH_LOG_WARN_BYTES');
    expect(problem).toContain(String(2 * GiB));
  });

  it('an unknown setting key in a layer is named as the layer writes it', () => {
    const problem = onlyProblem(flags({ diskFreeWarnPct: '5' }));
    expect(problem).toContain('--disk-free-warn-pct');
    expect(problem).toMatch(/unknown setting/);
  });

  it.each(['constructor', 'toString'])(
    'a key named like a built-in object member (%s) is an unknown setting, not a crash',
    (key) => {
      const layer: ConfigLayer = { origin: 'desired', values: { [key]: 1 }, label: (k) => `properties.desired.${k}` };
      const problem = onlyProblem(layer);
      expect(problem).toContain(`properties.desired.${key}`);
      expect(problem).toMatch(/unknown setting/);
    },
  );

  it('collects several problems at once, across layers, each naming its field', () => {
    const problems = problemsOf(
      env({ diskFreeWarnPercent: 'lots', logWarnBytes: '12 parsecs' }),
      flags({ memoryUsageWarnPercent: '150', bogusSetting: 'x' }),
    );
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toContain('EDGE_HEALTH_DISK_FREE_WARN_PERCENT');
    expect(problems.join('\n')).toContain('EDGE_HEALTH_LOG_WARN_BYTES');
    expect(problems.join('\n')).toContain('--memory-usage-warn-percent');
    expect(problems.join('\n')).toContain('--bogus-setting');
  });

  it('ConfigError lists every problem in its message', () => {
    try {
      resolve(env({ diskFreeWarnPercent: 'lots' }), flags({ logLevel: 'loud' }));
      expect.unreachable('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toBeInstanceOf(Error);
      const { message, name } = error as ConfigError;
      expect(name).toBe('ConfigError');
      expect(message).toContain('EDGE_HEALTH_DISK_FREE_WARN_PERCENT');
      expect(message).toContain('--log-level');
    }
  });
});

describe('fromText', () => {
  it('turns number text into numbers and leaves other text for the schema to name', () => {
    expect(fromText('number', ' 42 ')).toBe(42);
    expect(fromText('number', '2.5')).toBe(2.5);
    expect(fromText('number', 'lots')).toBe('lots');
  });

  it('turns plain digits into bytes and keeps size text as text', () => {
    expect(fromText('bytes', '2048')).toBe(2048);
    expect(fromText('bytes', ' 10m ')).toBe('10m');
  });

  it('splits lists on commas, trimming and dropping empty items', () => {
    expect(fromText('list', ' a , b,,c ,')).toEqual(['a', 'b', 'c']);
    expect(fromText('list', '')).toEqual([]);
  });
});

describe('the field-check settings', () => {
  it('take time servers as host or host:port, and an empty list turns time.offset off', () => {
    expect(resolve(env({ timeServers: '127.0.0.1:1123, ntp.example.org' })).config.timeServers).toEqual(['127.0.0.1:1123', 'ntp.example.org']);
    expect(resolve(env({ timeServers: '' })).config.timeServers).toEqual(defaultConfig().timeServers);
    expect(resolve(flags({ timeServers: '' })).config.timeServers).toEqual([]);
    expect(onlyProblem(flags({ timeServers: 'ntp.example.org:123:4' }))).toMatch(/^--time-servers: expected host or host:port/);
  });

  it('refuse a time-offset error threshold below the warning one', () => {
    expect(onlyProblem(env({ timeOffsetWarnSeconds: '60', timeOffsetErrorSeconds: '30' }))).toMatch(/timeOffsetErrorSeconds|TIME_OFFSET_ERROR_SECONDS/);
  });
});
