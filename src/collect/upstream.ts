// From the agent's own network, what edgeHub needs to reach upstream: the IoT Hub (or, on a
// nested device, the parent) resolved, then a TCP connection and a TLS handshake on each
// protocol's port, the WebSocket port through the proxy when there is one. Failures are data.
import { lookup } from 'node:dns/promises';
import { request } from 'node:http';
import { type Socket, connect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { redactProxyCredentials } from '../proxy.js';
import type { IotEdgeConfig, UpstreamProbe, UpstreamProtocolPort } from '../snapshot.js';
import { withTimeout } from './deadline.js';
import { describeError } from '../errors.js';

/** Longest wait for one step (DNS, TCP, TLS) to one port. */
export const UPSTREAM_STEP_TIMEOUT_MS = 5000;

export interface UpstreamTargetSources {
  /** The iothubHostname and parentHostname settings: set, they win. */
  iothubHostname: string;
  parentHostname: string;
  env: Record<string, string | undefined>;
  iotedgeConfig: IotEdgeConfig | null;
}

/** The parent on a nested device (it relays everything upstream), else the IoT Hub; null when neither is known. */
export function upstreamTarget({ iothubHostname, parentHostname, env, iotedgeConfig }: UpstreamTargetSources): UpstreamProbe['target'] {
  const config = iotedgeConfig?.found ? iotedgeConfig.upstream : null;
  const parents: [string | null | undefined, string][] = [
    [parentHostname, 'parentHostname setting'],
    [env.IOTEDGE_PARENTHOSTNAME, 'IOTEDGE_PARENTHOSTNAME'],
    [config?.parentHostname, `${iotedgeConfig?.path} parent_hostname`],
  ];
  const hubs: [string | null | undefined, string][] = [
    [iothubHostname, 'iothubHostname setting'],
    [env.IOTEDGE_IOTHUBHOSTNAME, 'IOTEDGE_IOTHUBHOSTNAME'],
    [config?.iothubHostname, `${iotedgeConfig?.path} [provisioning] iothub_hostname`],
  ];
  const parent = parents.find(([host]) => host);
  if (parent) return { role: 'parent', host: parent[0] as string, from: parent[1] };
  const hub = hubs.find(([host]) => host);
  return hub ? { role: 'iothub', host: hub[0] as string, from: hub[1] } : null;
}

export interface UpstreamOptions {
  target: UpstreamProbe['target'];
  ports: { protocol: UpstreamProtocolPort; port: number }[];
  /** http://host:port the WebSocket port is reached through; '' for none. */
  proxy: string;
  signal: AbortSignal;
  stepTimeoutMs?: number;
}

export async function collectUpstream({ target, ports, proxy, signal, stepTimeoutMs = UPSTREAM_STEP_TIMEOUT_MS }: UpstreamOptions): Promise<UpstreamProbe> {
  signal.throwIfAborted();
  const shownProxy = proxy ? redactProxyCredentials(proxy) : null;
  if (!target) return { target, proxy: shownProxy, dns: null, ports: [] };
  const started = performance.now();
  let dns: UpstreamProbe['dns'];
  try {
    const addresses = await withTimeout(lookup(target.host, { all: true }), stepTimeoutMs, signal, 'DNS');
    dns = { ok: true, durationMs: since(started), addresses: addresses.map((a) => a.address) };
  } catch (error) {
    if (signal.aborted) throw error;
    dns = { ok: false, durationMs: since(started), addresses: [], error: describeError(error) };
  }
  // Through a proxy the proxy resolves the name, so the WebSocket port is still worth trying.
  const probed = await Promise.all(
    ports.map(async ({ protocol, port }) => {
      const viaProxy = protocol === 'websocket' && proxy !== '';
      if (!dns.ok && !viaProxy) return { protocol, port, viaProxy, ok: false, tcpMs: null, tlsMs: null, error: 'not tried: the name does not resolve' };
      return { protocol, port, viaProxy, ...(await handshake(target.host, port, viaProxy ? proxy : '', signal, stepTimeoutMs)) };
    }),
  );
  return { target, proxy: shownProxy, dns, ports: probed };
}

async function handshake(host: string, port: number, proxy: string, signal: AbortSignal, stepTimeoutMs: number) {
  const started = performance.now();
  let tcpMs: number | null = null;
  let socket: Socket | undefined;
  try {
    socket = await withTimeout(proxy ? tunnel(proxy, host, port) : tcp(host, port), stepTimeoutMs, signal, proxy ? 'proxy CONNECT' : 'TCP connect');
    tcpMs = since(started);
    const secured = await withTimeout(tls(socket, host), stepTimeoutMs, signal, 'TLS handshake');
    secured.destroy();
    return { ok: true, tcpMs, tlsMs: since(started) };
  } catch (error) {
    socket?.destroy();
    if (signal.aborted) throw error;
    return { ok: false, tcpMs, tlsMs: null, error: describeError(error) };
  }
}

function tcp(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** An HTTP CONNECT tunnel through the proxy, as edgeHub's WebSocket transports open one. */
function tunnel(proxy: string, host: string, port: number): Promise<Socket> {
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`);
  const auth = url.username ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` : undefined;
  return new Promise((resolve, reject) => {
    const connecting = request({
      host: url.hostname,
      port: Number(url.port) || 80,
      method: 'CONNECT',
      path: `${host}:${port}`,
      headers: { host: `${host}:${port}`, ...(auth ? { 'proxy-authorization': auth } : {}) },
    });
    connecting.once('connect', (response, socket) => {
      if (response.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(new Error(`the proxy answered ${response.statusCode} ${response.statusMessage ?? ''}`.trim()));
      }
    });
    connecting.once('error', reject);
    connecting.end();
  });
}

/**
 * Reachability, not trust: the certificate is not verified here (certs.expiry judges certificates).
 * SNI carries host names only (RFC 6066): an address given as the host is sent without one.
 */
function tls(socket: Socket, host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const secured = tlsConnect({ socket, ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: false });
    secured.once('secureConnect', () => resolve(secured));
    secured.once('error', reject);
  });
}

function since(started: number): number {
  return Math.round(performance.now() - started);
}
