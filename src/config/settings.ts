// The one list of settings. Environment variables, command-line flags (and, in the module,
// desired properties) are all derived from it and validated by the same schema.
import cron from 'node-cron';
import * as z from 'zod';
import { formatBytes, parseSize } from '../size.js';

/** How a setting is written as text (env var, flag). */
export type SettingKind = 'string' | 'number' | 'bytes' | 'boolean' | 'list';

export interface Setting<S extends z.ZodType = z.ZodType> {
  kind: SettingKind;
  schema: S;
  default: z.output<S>;
  description: string;
  /** What the flag's value is called in --help, e.g. <dir>. */
  placeholder: string;
  /**
   * Set only on the device (env, flags), never from the cloud through desired properties:
   * paths that describe how the host is mounted into the module.
   */
  deviceOnly: boolean;
}

const PLACEHOLDERS: Record<SettingKind, string> = { string: 'text', number: 'number', bytes: 'size', boolean: '', list: 'items' };

function setting<S extends z.ZodType>(
  kind: SettingKind,
  schema: S,
  defaultValue: z.output<S>,
  description: string,
  placeholder = PLACEHOLDERS[kind],
): Setting<S> {
  return { kind, schema, default: defaultValue, description, placeholder, deviceOnly: false };
}

function deviceOnly<S extends z.ZodType>(spec: Setting<S>): Setting<S> {
  return { ...spec, deviceOnly: true };
}

const percent = z.number().min(0).max(100);
const seconds = (max: number) => z.number().int().min(1).max(max);
const names = z.array(z.string().min(1));
/** host or host:port, as a time server or an upstream host is given. */
const hostPort = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/, 'expected host or host:port');
const days = z.number().int().min(0).max(3650);
const port = z.number().int().min(1).max(65535);
/** Whole bytes, or a size such as "100MiB" or "1g". */
const bytes = z.union([
  z.number().int().min(0),
  z.string().transform((text, ctx) => {
    const value = parseSize(text);
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a size such as 100MiB or 1g, got "${text}"` });
      return z.NEVER;
    }
    return value;
  }),
]);

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** A cron expression node-cron accepts (5 fields, or 6 with seconds first). */
const cronExpression = z.string().superRefine((text, ctx) => {
  const { valid, errors } = cron.validateDetailed(text);
  if (!valid) {
    const reason = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    ctx.addIssue({ code: 'custom', message: `not a cron expression (${reason || 'unreadable'}), got "${text}"` });
  }
});

export const SETTINGS = {
  hostRoot: deviceOnly(setting('string', z.string(), '',
    'Folder where the host filesystem is visible: empty on the host itself, e.g. /host inside the module container. Every host path is read through it.', 'dir')),
  daemonConfigPath: deviceOnly(setting('string', z.string().min(1), '/etc/docker/daemon.json',
    'Host path of the Docker daemon configuration file.', 'file')),
  extraPaths: setting('list', names, [],
    'More host paths whose filesystems disk.space and disk.inodes watch, besides / and the Docker data root.', 'paths'),
  collectTimeoutSeconds: setting('number', seconds(300), 20,
    'Longest time one collector may take before it is recorded as failed.'),
  volumeSizes: setting('boolean', z.boolean(), true,
    'Ask the engine for volume sizes (/system/df walks every volume: expensive on large hosts).'),
  volumeSizesMaxAgeSeconds: setting('number', z.number().int().min(0).max(86400 * 7), 3600,
    'How long a long-running agent reuses volume sizes before asking the engine again (0: every cycle).'),
  protectedVolumes: setting('list', names, [],
    'Volume names never offered for removal; * and ? match any characters. Volumes of edgeAgent/edgeHub are always protected.', 'names'),
  protectLabel: setting('string', z.string().min(1), 'edge-health.protect',
    'A volume carrying this label (with any value but "false") is protected.', 'label'),
  pruneEnabled: deviceOnly(setting('boolean', z.boolean(), true,
    'Allow real prune runs (pruneVolumes/pruneImages methods, edge-health prune --yes); false refuses them with 403. Dry runs always answer.')),
  pruneOlderThanHours: setting('number', z.number().min(0).max(87600), 24,
    'Prune removes only volumes and images at least this many hours old, unless a call gives olderThanHours (0: any age).'),
  disabledChecks: setting('list', names, [],
    'Check ids not to run, e.g. logs.size.', 'ids'),
  diskFreeWarnPercent: setting('number', percent, 20, 'disk.space: warning below this % of free space.'),
  diskFreeErrorPercent: setting('number', percent, 10, 'disk.space: error below this % of free space.'),
  inodesFreeWarnPercent: setting('number', percent, 20, 'disk.inodes: warning below this % of free inodes.'),
  inodesFreeErrorPercent: setting('number', percent, 10, 'disk.inodes: error below this % of free inodes.'),
  unusedVolumesWarnBytes: setting('bytes', bytes, 1 * GiB,
    'volumes.unused: warning when unused, unprotected volumes hold more than this in total.'),
  logWarnBytes: setting('bytes', bytes, 100 * MiB, 'logs.size: warning when one container\'s logs exceed this.'),
  logErrorBytes: setting('bytes', bytes, 1 * GiB, 'logs.size: error when one container\'s logs exceed this.'),
  logsTotalWarnBytes: setting('bytes', bytes, 2 * GiB, 'logs.size: warning when all containers\' logs together exceed this.'),
  restartWarnCount: setting('number', z.number().int().min(1), 5,
    'containers.limits: warning when the engine restarted a container this many times.'),
  memoryUsageWarnPercent: setting('number', percent, 90,
    'containers.limits: warning when a running container uses more than this % of its memory limit.'),
  schedule: setting('string', cronExpression, '*/5 * * * *',
    'When the module runs a check cycle: a cron expression (minute hour day month weekday).', 'cron'),
  jitterSeconds: setting('number', z.number().int().min(0).max(3600), 30,
    'Each scheduled cycle waits a random delay of up to this many seconds, so a fleet does not hit at the same second.'),
  telemetryMode: setting('string', z.enum(['always', 'onChange']), 'always',
    'always: a health event after every cycle; onChange: only when a status changed, or after heartbeatMinutes without one.', 'mode'),
  heartbeatMinutes: setting('number', z.number().int().min(1).max(10080), 60,
    'onChange telemetry: longest time without a health event.'),
  reportedSubjectsPerCheck: setting('number', z.number().int().min(1).max(20), 3,
    'How many of the worst subjects of each check the twin\'s reported health lists (the rest are counted).'),
  transport: deviceOnly(setting('string', z.enum(['mqtt', 'mqttWs']), 'mqtt',
    'Protocol to edgeHub: mqtt (port 8883) or mqttWs (MQTT over WebSocket, port 443), matching the UpstreamProtocol your network allows.', 'protocol')),
  productInfo: deviceOnly(setting('string', z.string().min(1).max(128), '<PUBLISHER_ID>.<OFFER_ID>.<SKU_ID>',
    'ProductInfo the module reports to IoT Hub: PublisherId.OfferId.SkuId of your Marketplace offer.', 'id')),
  iotedgeConfigPath: deviceOnly(setting('string', z.string().min(1), '/etc/aziot/config.toml',
    'Host path of the IoT Edge configuration file: certificates, edge CA, image garbage collection.', 'file')),
  certificatePaths: setting('list', names, [],
    'More host paths of certificates (PEM or DER) certs.expiry watches: files, folders, or * and ? in the file name, e.g. /etc/ssl/mine/*.pem.', 'paths'),
  certWarnDays: setting('number', days, 30, 'certs.expiry: warning when a certificate expires within this many days.'),
  certErrorDays: setting('number', days, 7, 'certs.expiry: error when a certificate expires within this many days.'),
  stateFolder: deviceOnly(setting('string', z.string(), '',
    'The agent\'s own folder (not under the host root) for what it keeps across runs: the disk history of disk.forecast. Empty: kept in memory only.', 'dir')),
  forecastHorizonDays: setting('number', z.number().min(1).max(365), 7,
    'disk.forecast, edgehub.store: warning when a filesystem (for edgehub.store: the store\'s) will be full within this many days at its recent fill rate.'),
  constrainedMemoryBytes: setting('bytes', bytes, 2 * GiB,
    'production.hub-memory, production.protocol-heads: a host with less memory than this is a constrained device.'),
  healthStartingWarnSeconds: setting('number', z.number().int().min(1).max(86400), 300,
    'containers.health: warning when a container\'s HEALTHCHECK has said "starting" for longer than this.'),
  crashLoopRestartsPerHour: setting('number', z.number().int().min(1).max(1000), 3,
    'modules.running: warning when a module restarted this many times within the last hour (counted between cycles).'),
  timeServers: setting('list', z.array(hostPort), ['time.windows.com', 'pool.ntp.org'],
    'time.offset: SNTP servers (host or host:port, UDP port 123 by default) the clock is compared with; empty turns the check off. Unreachable servers are skipped.', 'servers'),
  timeOffsetWarnSeconds: setting('number', z.number().min(0).max(86400), 10,
    'time.offset: warning when the clock is off by more than this many seconds (as aziot check).'),
  timeOffsetErrorSeconds: setting('number', z.number().min(0).max(86400), 300,
    'time.offset: error when the clock is off by more than this many seconds: SAS tokens and TLS start failing.'),
  iothubHostname: deviceOnly(setting('string', z.string(), '',
    'network.upstream: the IoT Hub host to reach; empty: IOTEDGE_IOTHUBHOSTNAME (set in every module), else [provisioning] iothub_hostname in config.toml.', 'host')),
  parentHostname: deviceOnly(setting('string', z.string(), '',
    'network.upstream: the parent device of a nested device, reached instead of the IoT Hub; empty: IOTEDGE_PARENTHOSTNAME, else parent_hostname in config.toml.', 'host')),
  upstreamMqttPort: deviceOnly(setting('number', port, 8883, 'network.upstream: port of MQTT to the IoT Hub or parent.', 'port')),
  upstreamAmqpPort: deviceOnly(setting('number', port, 5671, 'network.upstream: port of AMQP to the IoT Hub or parent.', 'port')),
  upstreamWebSocketPort: deviceOnly(setting('number', port, 443, 'network.upstream: port of AMQP and MQTT over WebSocket (AmqpWs, MqttWs), the one a proxy passes.', 'port')),
  storeWarnBytes: setting('bytes', bytes, 1 * GiB,
    'edgehub.store: warning when edgeHub\'s or edgeAgent\'s store holds more than this.'),
  storeLogWarnBytes: setting('bytes', bytes, 100 * MiB,
    'edgehub.store: warning when the RocksDB info logs (LOG, LOG.old.*) in a store hold more than this.'),
  logLevel: setting('string', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'warn',
    'Agent log level (logs go to standard error, in logFormat).', 'level'),
  logFormat: deviceOnly(setting('string', z.enum(['iotedge', 'json']), 'iotedge',
    'iotedge: one line per event, `<6> 2026-12-01 23:20:00.123 +00:00 [INF] message key=value`, the syslog severity first, as edgeAgent\'s GetModuleLogs filters it; json: JSON lines.', 'format')),
  metricsEnabled: deviceOnly(setting('boolean', z.boolean(), false,
    'run and run --local serve the latest cycle as Prometheus metrics on http://<module>:<metricsPort>/metrics, for metrics-collector.')),
  metricsPort: deviceOnly(setting('number', z.number().int().min(1).max(65535), 9600,
    'TCP port of the metrics endpoint (9600: the port IoT Edge\'s own modules serve metrics on).', 'port')),
};

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export type Config = { [K in SettingKey]: z.output<(typeof SETTINGS)[K]['schema']> };

/** Pairs of settings where the first must not be below the second. */
export const ORDERED_PAIRS: [SettingKey, SettingKey][] = [
  ['diskFreeWarnPercent', 'diskFreeErrorPercent'],
  ['inodesFreeWarnPercent', 'inodesFreeErrorPercent'],
  ['logErrorBytes', 'logWarnBytes'],
  ['certWarnDays', 'certErrorDays'],
  ['timeOffsetErrorSeconds', 'timeOffsetWarnSeconds'],
];

/** Settings an operator may change from the cloud (module twin desired properties). */
export const DESIRED_KEYS: SettingKey[] = SETTING_KEYS.filter((key) => !SETTINGS[key].deviceOnly);

export function defaultConfig(): Config {
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, structuredClone(SETTINGS[key].default)])) as Config;
}

/** EDGE_HEALTH_DISK_FREE_WARN_PERCENT for diskFreeWarnPercent. */
export function envName(key: SettingKey): string {
  return `EDGE_HEALTH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** --disk-free-warn-percent for diskFreeWarnPercent. */
export function flagName(key: SettingKey): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A setting's default as a user would write it: "1GiB", "20", "[]". */
export function describeDefault(key: SettingKey): string {
  const { kind, default: value } = SETTINGS[key];
  return kind === 'bytes' ? formatBytes(value as number).replace(' ', '') : JSON.stringify(value);
}

/** What values a setting accepts, read from its schema: for --help and the README. */
export function describeRange(key: SettingKey): string {
  const { kind, schema, placeholder } = SETTINGS[key];
  if (schema instanceof z.ZodEnum) return (schema.options as string[]).join(' | ');
  if (schema instanceof z.ZodNumber) {
    const whole = schema.isInt ? 'whole number ' : '';
    const max = schema.maxValue ?? Number.MAX_SAFE_INTEGER;
    return max >= Number.MAX_SAFE_INTEGER ? `${whole}≥ ${schema.minValue}` : `${whole}${schema.minValue} to ${max}`;
  }
  switch (kind) {
    case 'bytes':
      return 'bytes, or a size: 512k, 10m, 1g, 100MiB';
    case 'boolean':
      return 'true | false';
    case 'list':
      return 'comma-separated list';
    default:
      return placeholder === 'cron' ? 'cron expression, 5 fields (or 6 with seconds)' : 'text';
  }
}
