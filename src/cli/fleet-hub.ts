// The fleet command's calls to IoT Hub through its service SDK, azure-iothub. Loaded only by
// `edge-health fleet`: the SDK is an optional dependency the module image leaves out.
import type { Client, Registry } from 'azure-iothub';
import { UsageError } from './cli-config.js';

export const CONNECTION_STRING_ENV = 'IOTHUB_CONNECTION_STRING';

/** The hub could not be asked, or gave no answer: one line for the user (exit 2), never the connection string. */
export class HubCallError extends UsageError {}

type Sdk = typeof import('azure-iothub');

async function loadSdk(): Promise<Sdk> {
  try {
    return (await import('azure-iothub')).default as unknown as Sdk;
  } catch {
    throw new UsageError('the fleet command needs the IoT Hub service SDK: npm install azure-iothub (it is left out of the module image)');
  }
}

/** The service connection string from the environment; it is never printed. */
export function connectionStringFrom(env: NodeJS.ProcessEnv): string {
  const value = env[CONNECTION_STRING_ENV]?.trim();
  if (!value) throw new UsageError(`${CONNECTION_STRING_ENV} is not set: export the hub's service connection string of a policy with registry read and service connect (az iot hub connection-string show -n <YOUR_HUB> --policy-name <POLICY>)`);
  if (!/(^|;)HostName=[^;]+/.test(value) || !/(^|;)SharedAccessKey=/.test(value) || /(^|;)DeviceId=/.test(value)) {
    throw new UsageError(`${CONNECTION_STRING_ENV} is not a service connection string: expected HostName=…;SharedAccessKeyName=…;SharedAccessKey=…`);
  }
  return value;
}

function hostOf(connectionString: string): string {
  return /(?:^|;)HostName=([^;]+)/.exec(connectionString)?.[1] ?? 'IoT Hub';
}

/** azure-iothub retries some failures for minutes; the fleet command answers at once instead. */
const NO_RETRY = { shouldRetry: () => false, nextRetryTimeout: () => 0 };

/** Every row of the query, page by page, within `deadlineMs` in all. */
export async function queryAll(connectionString: string, sql: string, pageSize: number, deadlineMs: number): Promise<Record<string, unknown>[]> {
  const sdk = await loadSdk();
  const registry: Registry = sdk.Registry.fromConnectionString(connectionString);
  const query = registry.createQuery(sql, pageSize);
  const rows: Record<string, unknown>[] = [];
  const until = Date.now() + deadlineMs;
  do {
    const page = await withDeadline(
      new Promise<unknown>((resolve, reject) => query.next((error, result) => (error ? reject(error) : resolve(result)))),
      until - Date.now(),
      `IoT Hub ${hostOf(connectionString)} did not answer the query within ${Math.round(deadlineMs / 1000)} s`,
    ).catch((error: unknown) => {
      throw describeHubError(error, connectionString, 'query');
    });
    rows.push(...(Array.isArray(page) ? (page as Record<string, unknown>[]) : []));
  } while (query.hasMoreResults);
  return rows;
}

export interface MethodAnswer {
  status: number;
  payload: unknown;
}

export async function invokeModuleMethod(
  connectionString: string,
  target: { deviceId: string; moduleId: string },
  methodName: string,
  payload: unknown,
  timeoutSeconds: number,
): Promise<MethodAnswer> {
  const sdk = await loadSdk();
  const client: Client = sdk.Client.fromConnectionString(connectionString);
  client.setRetryPolicy(NO_RETRY);
  const call = client.invokeDeviceMethod(target.deviceId, target.moduleId, { methodName, payload, responseTimeoutInSeconds: timeoutSeconds, connectTimeoutInSeconds: 0 });
  try {
    // IoT Hub gives up after the response timeout; the extra time covers the round trip.
    const { result } = await withDeadline(call, (timeoutSeconds + 15) * 1000, `no answer from IoT Hub ${hostOf(connectionString)} within ${timeoutSeconds + 15} s`);
    return result as MethodAnswer;
  } catch (error) {
    throw describeHubError(error, connectionString, `${methodName} on ${target.deviceId}/${target.moduleId}`, timeoutSeconds);
  } finally {
    await client.close().catch(() => {});
  }
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HubCallError(message)), Math.max(0, ms));
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** One line naming what went wrong, from the SDK's error or the hub's answer. */
function describeHubError(error: unknown, connectionString: string, what: string, timeoutSeconds?: number): HubCallError {
  if (error instanceof HubCallError) return error;
  const { name, message, code, responseBody } = error as { name?: string; message?: string; code?: string; responseBody?: unknown };
  const body = typeof responseBody === 'string' ? responseBody : '';
  const hubCode = /ErrorCode:(\w+)/.exec(body)?.[1] ?? /ErrorCode:(\w+)/.exec(message ?? '')?.[1];
  const hubText = (/ErrorCode:\w+;([^"]*)/.exec(body)?.[1] ?? '').trim();
  const host = hostOf(connectionString);
  if (hubCode === 'DeviceNotOnline') return new HubCallError(`${what}: the device is offline (the module is not connected to IoT Hub)`);
  if (name === 'GatewayTimeoutError' || hubCode === 'GatewayTimeoutError') return new HubCallError(`${what}: no answer within ${timeoutSeconds ?? '?'} s (the module is connected but did not respond; is the method name right?)`);
  if (hubCode === 'ModuleNotFound' || hubCode === 'DeviceNotFound' || name === 'DeviceNotFoundError') return new HubCallError(`${what}: ${hubText || 'no such device or module'}`);
  if (name === 'UnauthorizedError') return new HubCallError(`IoT Hub ${host} refused ${CONNECTION_STRING_ENV} (unauthorized): check the policy name and key`);
  if (code && ['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code)) return new HubCallError(`cannot reach IoT Hub ${host}: ${code}`);
  if (name === 'ArgumentError') return new HubCallError(`${what}: IoT Hub refused the request: ${hubText || message}`);
  return new HubCallError(`${what}: ${hubText || message || String(error)}`);
}
