// The clock's offset from SNTP servers (RFC 4330): one request per server over UDP, all at once,
// each under its own deadline. A server that does not answer is data, never a failure.
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import type { TimeOffsets, TimeServerAnswer } from '../snapshot.js';
import { withTimeout } from './deadline.js';
import { describeError } from '../errors.js';

export const SNTP_PORT = 123;
/** Longest wait for one server's answer. */
export const SNTP_TIMEOUT_MS = 3000;
/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
const NTP_TO_UNIX_SECONDS = 2_208_988_800;
const PACKET_BYTES = 48;

export interface TimeOffsetOptions {
  /** host or host:port; [v6 address]:port for IPv6. */
  servers: string[];
  signal: AbortSignal;
  timeoutMs?: number;
  /** The local clock, in epoch milliseconds. */
  now?: () => number;
}

export async function collectTimeOffset({ servers, signal, timeoutMs = SNTP_TIMEOUT_MS, now = Date.now }: TimeOffsetOptions): Promise<TimeOffsets> {
  signal.throwIfAborted();
  const answers = await Promise.all(servers.map((server) => ask(server, signal, timeoutMs, now)));
  return { servers: answers };
}

async function ask(server: string, signal: AbortSignal, timeoutMs: number, now: () => number): Promise<TimeServerAnswer> {
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  try {
    const { host, port } = splitHostPort(server);
    const address = await withTimeout(lookup(host), timeoutMs, deadline, 'DNS');
    const measured = await query(address.address, address.family === 6 ? 'udp6' : 'udp4', port, deadline, now);
    return { server, ok: true, ...measured };
  } catch (error) {
    // At the source's deadline the source itself fails; a server's own deadline is an answer.
    if (signal.aborted) throw error;
    const reason = deadline.aborted ? `no answer within ${timeoutMs} ms` : describeError(error);
    return { server, ok: false, error: reason };
  }
}

/** One SNTP exchange: offset = ((T2 − T1) + (T3 − T4)) / 2, round trip = (T4 − T1) − (T3 − T2). */
function query(address: string, type: 'udp4' | 'udp6', port: number, signal: AbortSignal, now: () => number) {
  return new Promise<{ offsetMs: number; roundTripMs: number; stratum: number }>((resolve, reject) => {
    const socket = createSocket(type);
    const done = (error: Error | undefined, value?: { offsetMs: number; roundTripMs: number; stratum: number }) => {
      signal.removeEventListener('abort', onAbort);
      socket.close();
      if (error) reject(error);
      else resolve(value as { offsetMs: number; roundTripMs: number; stratum: number });
    };
    const onAbort = () => done(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    const request = Buffer.alloc(PACKET_BYTES);
    request[0] = (0 << 6) | (4 << 3) | 3; // no leap warning, version 4, mode 3 (client)
    let t1 = 0;
    socket.on('error', (error) => done(error));
    socket.on('message', (reply) => {
      const t4 = now();
      try {
        const { t2, t3, stratum } = parseReply(reply, request);
        done(undefined, { offsetMs: (t2 - t1 + (t3 - t4)) / 2, roundTripMs: Math.max(0, t4 - t1 - (t3 - t2)), stratum });
      } catch (error) {
        done(error as Error);
      }
    });
    // Connected, so an ICMP "port unreachable" comes back as an error instead of a silent wait.
    socket.connect(port, address, () => {
      t1 = now();
      writeTimestamp(request, 40, t1);
      socket.send(request, (error) => error && done(error));
    });
  });
}

/** The server's receive (T2) and transmit (T3) times, after checking the reply answers this request. */
export function parseReply(reply: Buffer, request: Buffer): { t2: number; t3: number; stratum: number } {
  if (reply.length < PACKET_BYTES) throw new Error(`not an SNTP reply (${reply.length} bytes)`);
  const leap = reply[0] >> 6;
  const mode = reply[0] & 7;
  const stratum = reply[1];
  if (mode !== 4 && mode !== 5) throw new Error(`not an SNTP server reply (mode ${mode})`);
  if (stratum === 0) throw new Error(`the server refused (kiss code ${reply.subarray(12, 16).toString('latin1')})`);
  if (leap === 3) throw new Error('the server is not synchronised itself (leap indicator 3)');
  if (!reply.subarray(24, 32).equals(request.subarray(40, 48))) throw new Error('the reply does not answer this request');
  return { t2: readTimestamp(reply, 32), t3: readTimestamp(reply, 40), stratum };
}

export function readTimestamp(buffer: Buffer, at: number): number {
  const seconds = buffer.readUInt32BE(at);
  const fraction = buffer.readUInt32BE(at + 4);
  return (seconds - NTP_TO_UNIX_SECONDS) * 1000 + (fraction / 2 ** 32) * 1000;
}

export function writeTimestamp(buffer: Buffer, at: number, epochMs: number): void {
  const seconds = Math.floor(epochMs / 1000) + NTP_TO_UNIX_SECONDS;
  const fraction = Math.floor(((epochMs % 1000) / 1000) * 2 ** 32);
  buffer.writeUInt32BE(seconds >>> 0, at);
  buffer.writeUInt32BE(fraction >>> 0, at + 4);
}

export function splitHostPort(server: string, defaultPort = SNTP_PORT): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (v6) return { host: v6[1], port: v6[2] ? Number(v6[2]) : defaultPort };
  const colon = server.lastIndexOf(':');
  if (colon < 0) return { host: server, port: defaultPort };
  return { host: server.slice(0, colon), port: Number(server.slice(colon + 1)) };
}
