// The IoT Edge workload API (api-version 2018-06-28) on a unix socket: the two calls
// ModuleClient.fromEnvironment makes. GET /trust-bundle gives the CA that signs edgeHub's
// certificate; POST /modules/{m}/genid/{g}/sign signs a SAS token's data with the module's key,
// which only the security daemon (and here the hub) holds.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { HubModules } from './modules.js';
import { hmacSha256 } from './sas.js';

const SIGN_PATH = /^\/modules\/([^/]+)\/genid\/([^/]+)\/sign$/;
const MAX_BODY_BYTES = 64 * 1024;

export interface WorkloadApi {
  /** IOTEDGE_WORKLOADURI: unix://<socket path> */
  uri: string;
  close(): Promise<void>;
}

function reply(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > MAX_BODY_BYTES) throw new Error('request body too large');
  }
  return JSON.parse(text);
}

export async function startWorkloadApi(socketPath: string, trustBundle: string, modules: HubModules): Promise<WorkloadApi> {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://workload');
    if (url.searchParams.get('api-version') !== '2018-06-28') return reply(response, 400, { message: 'api-version 2018-06-28 is required' });
    if (request.method === 'GET' && url.pathname === '/trust-bundle') return reply(response, 200, { certificate: trustBundle });
    const sign = SIGN_PATH.exec(url.pathname);
    if (request.method !== 'POST' || !sign) return reply(response, 404, { message: `no ${request.method} ${url.pathname} in the workload API` });
    const module = modules.find(modules.deviceId, decodeURIComponent(sign[1]));
    if (!module || module.generationId !== decodeURIComponent(sign[2])) return reply(response, 404, { message: `no module ${sign[1]} with generation ${sign[2]}` });
    let body: { keyId?: unknown; algo?: unknown; data?: unknown };
    try {
      body = (await readJson(request)) as typeof body;
    } catch (error) {
      return reply(response, 400, { message: `bad sign request: ${(error as Error).message}` });
    }
    if (body.keyId !== 'primary' || body.algo !== 'HMACSHA256' || typeof body.data !== 'string') {
      return reply(response, 400, { message: 'sign request needs keyId "primary", algo "HMACSHA256" and base64 data' });
    }
    return reply(response, 200, { digest: hmacSha256(module.key, Buffer.from(body.data, 'base64')) });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  return {
    uri: `unix://${socketPath}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
