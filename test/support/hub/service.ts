// The IoT Hub service REST API (api-version 2021-04-12) that azure-iothub's Registry and Client
// call, over HTTPS on <host>:443 — the SDK ignores any port in HostName. Every request must carry
// a SAS token signed with the service policy's key.
//   GET|PATCH /twins/{d}/modules/{m}      the module twin (PATCH: tags and desired properties,
//                                         If-Match etag; desired changes are pushed to the module)
//   POST /twins/{d}/modules/{m}/methods   {methodName, payload, responseTimeoutInSeconds,
//                                         connectTimeoutInSeconds} → {status, payload}
//   POST /devices/query                   {query} → rows, paged with x-ms-max-item-count and x-ms-continuation
// Errors are answered as IoT Hub does: {"Message":"ErrorCode:<code>;<message>"}.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { createServer } from 'node:https';
import { HubError } from './hub-error.js';
import type { HubModules } from './modules.js';
import type { MethodCall, MqttGateway } from './mqtt.js';
import { runQuery } from './query.js';
import { sasProblem } from './sas.js';

const MODULE_PATH = /^\/twins\/([^/]+)\/modules\/([^/]+)(\/methods)?$/;
const MAX_BODY_BYTES = 256 * 1024;
const DEFAULT_PAGE_SIZE = 100;

export interface ServiceApiOptions {
  /** The loopback address to listen on, which is also the hub's host name. */
  host: string;
  tls: { cert: string; key: string };
  policy: { name: string; key: string };
  modules: HubModules;
  mqtt: MqttGateway;
}

export interface ServiceApi {
  /** Every query page asked for, oldest first: the SQL and the continuation it carried. */
  readonly queries: { query: string; continuation: string | undefined }[];
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > MAX_BODY_BYTES) throw new HubError(413, 'RequestEntityTooLarge', `request body over ${MAX_BODY_BYTES} bytes`);
  }
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    throw new HubError(400, 'ArgumentInvalid', 'request body is not JSON');
  }
}

function integerIn(value: unknown, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new HubError(400, 'ArgumentInvalid', `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value as number;
}

function methodCall(body: unknown): MethodCall {
  const { methodName, payload = null, responseTimeoutInSeconds = 30, connectTimeoutInSeconds = 0 } = (body ?? {}) as Record<string, unknown>;
  if (typeof methodName !== 'string' || !methodName) throw new HubError(400, 'ArgumentInvalid', 'methodName is required');
  return {
    methodName,
    payload,
    responseTimeoutInSeconds: integerIn(responseTimeoutInSeconds, 'responseTimeoutInSeconds', 5, 300),
    connectTimeoutInSeconds: integerIn(connectTimeoutInSeconds, 'connectTimeoutInSeconds', 0, 300),
  };
}

export async function startServiceApi({ host, tls, policy, modules, mqtt }: ServiceApiOptions): Promise<ServiceApi> {
  const queries: ServiceApi['queries'] = [];
  function query(body: unknown, headers: IncomingHttpHeaders): Reply {
    const { query: sql } = (body ?? {}) as { query?: unknown };
    if (typeof sql !== 'string') throw new HubError(400, 'ArgumentInvalid', 'query is required');
    const pageSize = headers['x-ms-max-item-count'] ? integerIn(Number(headers['x-ms-max-item-count']), 'x-ms-max-item-count', 1, 10_000) : DEFAULT_PAGE_SIZE;
    const continuation = headers['x-ms-continuation'];
    queries.push({ query: sql, continuation: typeof continuation === 'string' ? continuation : undefined });
    const offset = typeof continuation === 'string' ? Number(Buffer.from(continuation, 'base64').toString()) : 0;
    const rows = runQuery(sql, modules.all().map((module) => module.twin.serviceView()));
    const next = offset + pageSize;
    return {
      status: 200,
      body: rows.slice(offset, next),
      headers: next < rows.length ? { 'x-ms-continuation': Buffer.from(String(next)).toString('base64') } : {},
    };
  }

  async function handle(request: IncomingMessage): Promise<Reply> {
    const url = new URL(request.url ?? '/', `https://${host}`);
    const problem = sasProblem(request.headers.authorization, { resource: host, key: policy.key, keyName: policy.name });
    if (problem) throw new HubError(401, 'IotHubUnauthorizedAccess', problem);
    if (!url.searchParams.get('api-version')) throw new HubError(400, 'InvalidProtocolVersion', 'api-version is required');
    const body = await readJson(request);
    if (request.method === 'POST' && url.pathname === '/devices/query') return query(body, request.headers);
    const modulePath = MODULE_PATH.exec(url.pathname);
    if (!modulePath) throw new HubError(404, 'NotFound', `the test hub serves no ${request.method} ${url.pathname}`);
    const module = modules.get(decodeURIComponent(modulePath[1]), decodeURIComponent(modulePath[2]));
    const isMethods = modulePath[3] !== undefined;
    if (isMethods && request.method === 'POST') return { status: 200, body: await mqtt.invokeMethod(module, methodCall(body)) };
    if (!isMethods && request.method === 'GET') return { status: 200, body: module.twin.serviceView() };
    if (!isMethods && request.method === 'PATCH') {
      const desiredPatch = module.twin.patchFromService(body, request.headers['if-match']);
      if (desiredPatch) mqtt.pushDesired(module, desiredPatch);
      return { status: 200, body: module.twin.serviceView() };
    }
    throw new HubError(405, 'MethodNotAllowed', `the test hub serves no ${request.method} ${url.pathname}`);
  }

  const server = createServer(tls, async (request, response) => {
    let reply: Reply;
    try {
      reply = await handle(request);
    } catch (error) {
      // A 500 is a bug in the hub, and azure-iothub's Client retries it for minutes: say so at once.
      if (!(error instanceof HubError)) console.error('test hub service API failed:', error);
      const hubError = error instanceof HubError ? error : new HubError(500, 'ServerError', String(error));
      reply = { status: hubError.status, body: { Message: `ErrorCode:${hubError.code};${hubError.message}`, ExceptionMessage: '' } };
    }
    response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers }).end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`the test hub's service API must listen on ${host}:443, where azure-iothub connects (it ignores ports); it needs root or CAP_NET_BIND_SERVICE: ${error.message}`)));
    server.listen(443, host, resolve);
  });
  return {
    queries,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
