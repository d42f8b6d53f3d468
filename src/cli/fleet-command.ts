// `edge-health fleet status|invoke`: the agent across the devices of an IoT Hub, from an
// operator's machine. The IoT Hub service SDK is loaded only when one of them runs.
import type { Command } from 'commander';
import { UsageError } from './cli-config.js';
import { type AgentTwinRow, FLEET_STATUSES, type FleetStatus, deviceLine, fleetExitCode, fleetQuery, renderFleetText, sortLines } from './fleet-status.js';

const DEFAULT_MODULE = 'edgeHealth';

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

const hub = () => import('./fleet-hub.js');

export function fleetCommand(program: Command): Command {
  const fleet = program
    .command('fleet')
    .description(`The agent across an IoT Hub's devices, through the hub's service API (the service connection string in IOTHUB_CONNECTION_STRING).`);

  fleet
    .command('status')
    .description('One line per device that runs the agent: overall status, worst checks, last report; stale when it stopped reporting. Exit code: 0 all ok, 1 any warning, error or stale, 2 bad input or hub unreachable.')
    .option('--json', 'print the devices as JSON')
    .option('--status <status>', `only devices in this status: ${FLEET_STATUSES.join(' | ')}`)
    .option('--module <id>', 'the agent\'s module name in the deployment', DEFAULT_MODULE)
    .option('--stale-minutes <n>', 'stale after this many minutes without a report (default: three schedule periods of the device, else 30)')
    .option('--where <condition>', 'an IoT Hub query condition on the module twins, e.g. "properties.reported.health.checks.disk_space.status = \'error\'"')
    .option('--page-size <n>', 'module twins per query page', '100')
    .option('--timeout <seconds>', 'longest time the whole query may take', '60')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const status = options.status as string | undefined;
      if (status !== undefined && !(FLEET_STATUSES as readonly string[]).includes(status)) throw new UsageError(`--status: expected ${FLEET_STATUSES.join(' | ')}, got "${status}"`);
      const staleMinutes = options.staleMinutes === undefined ? undefined : wholeNumber('--stale-minutes', String(options.staleMinutes), 1, 525_600);
      const pageSize = wholeNumber('--page-size', String(options.pageSize), 1, 1000);
      const timeoutSeconds = wholeNumber('--timeout', String(options.timeout), 1, 3600);
      const { connectionStringFrom, queryAll } = await hub();
      const connectionString = connectionStringFrom(process.env);
      const rows = await queryAll(connectionString, fleetQuery(String(options.module), options.where as string | undefined), pageSize, timeoutSeconds * 1000);
      const now = new Date();
      const lines = sortLines(rows.map((row) => deviceLine(row as unknown as AgentTwinRow, { now, staleMinutes }))).filter((line) => !status || line.status === (status as FleetStatus));
      process.stdout.write(options.json ? `${JSON.stringify(lines, null, 2)}\n` : renderFleetText(lines, now));
      process.exitCode = fleetExitCode(lines);
    });

  fleet
    .command('invoke <deviceId> <method> [jsonPayload]')
    .description('Invoke a direct method on the agent of one device and print the status and the answer. Exit code: 0 answered 2xx, 1 answered with an error status, 2 no answer (bad input, offline, timeout, hub unreachable).')
    .option('--module <id>', 'the agent\'s module name in the deployment', DEFAULT_MODULE)
    .option('--timeout <seconds>', 'how long the device may take to answer (IoT Hub allows 5 to 300)', '30')
    .action(async (deviceId: string, method: string, jsonPayload: string | undefined, options: Record<string, string>) => {
      let payload: unknown = {};
      if (jsonPayload !== undefined) {
        try {
          payload = JSON.parse(jsonPayload);
        } catch (error) {
          throw new UsageError(`jsonPayload is not JSON (${(error as Error).message}); nothing was sent. Quote it for the shell, e.g. '{"dryRun": true}'`);
        }
      }
      const timeoutSeconds = wholeNumber('--timeout', options.timeout, 5, 300);
      const { connectionStringFrom, invokeModuleMethod } = await hub();
      const answer = await invokeModuleMethod(connectionStringFrom(process.env), { deviceId, moduleId: options.module }, method, payload, timeoutSeconds);
      process.stdout.write(`status ${answer.status}\n${JSON.stringify(answer.payload, null, 2)}\n`);
      process.exitCode = answer.status >= 200 && answer.status < 300 ? 0 : 1;
    });
  return fleet;
}
