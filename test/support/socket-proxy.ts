// An allow-list Docker API proxy on a unix socket, the way a least-privilege deployment puts one in
// front of the engine: requests whose method and path match a rule go through to the engine, the
// rest get 403 with a JSON message (as docker-socket-proxy answers). It records every request, so a
// test can say exactly what the agent asked for, and can hold each DELETE for a while to widen the
// window between a prune's plan and its deletes.
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ProxyRule {
  method: string;
  /** Matched against the path without the API version prefix (/v1.41) and without the query. */
  path: RegExp;
}

export interface SocketProxy {
  /** DOCKER_HOST for the agent. */
  readonly dockerHost: string;
  /** Every request seen, in order: method, path (version prefix removed) and whether it was let through. */
  readonly seen: { method: string; path: string; allowed: boolean }[];
  close(): Promise<void>;
}

/** The GETs the agent uses: a check cycle (version, info, disk usage, volumes, containers: list, inspect, stats) and a prune's reads (images: list, inspect). */
export const READ_ONLY_RULES: ProxyRule[] = [{ method: 'GET', path: /^\/(version|info|system\/df|volumes|containers\/json|containers\/[^/]+\/(json|stats)|images\/json|images\/[^/]+\/json)$/ }];
export const PRUNE_RULES: ProxyRule[] = [
  { method: 'DELETE', path: /^\/volumes\/[^/]+$/ },
  { method: 'DELETE', path: /^\/images\/[^/]+$/ },
];

/** `socketPath`: listen there (an engine that appears where the agent already looks) instead of in a folder of its own. */
export async function startSocketProxy(upstreamSocket: string, rules: ProxyRule[], { holdDeletesMs = 0, socketPath = '' } = {}): Promise<SocketProxy> {
  const dir = socketPath ? undefined : mkdtempSync(path.join(tmpdir(), 'eh-proxy-'));
  const listenPath = dir ? path.join(dir, 'docker.sock') : socketPath;
  const seen: SocketProxy['seen'] = [];
  const server: Server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const method = incoming.method ?? 'GET';
    const apiPath = (incoming.url ?? '/').split('?')[0].replace(/^\/v\d+\.\d+/, '');
    const allowed = rules.some((rule) => rule.method === method && rule.path.test(apiPath));
    seen.push({ method, path: apiPath, allowed });
    if (!allowed) {
      outgoing.writeHead(403, { 'Content-Type': 'application/json' });
      outgoing.end(JSON.stringify({ message: `${method} ${apiPath} is not allowed by the socket proxy` }));
      incoming.resume();
      return;
    }
    const forward = () => {
      const upstream = request({ socketPath: upstreamSocket, method, path: incoming.url, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      upstream.on('error', (error) => {
        outgoing.writeHead(502, { 'Content-Type': 'application/json' });
        outgoing.end(JSON.stringify({ message: error.message }));
      });
      incoming.pipe(upstream);
    };
    if (method === 'DELETE' && holdDeletesMs > 0) setTimeout(forward, holdDeletesMs);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(listenPath, resolve));
  return {
    dockerHost: `unix://${listenPath}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir ?? listenPath, { recursive: true, force: true });
    },
  };
}
