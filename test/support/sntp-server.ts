// A loopback SNTP server (RFC 4330) whose clock is off by a chosen offset, for time.offset tests.
import { type Socket, createSocket } from 'node:dgram';
import { type AddressInfo } from 'node:net';
import { writeTimestamp } from '../../src/collect/time-offset.js';

export interface SntpServer {
  /** 127.0.0.1:port, as timeServers takes it. */
  address: string;
  close(): Promise<void>;
}

export async function startSntpServer(offsetMs: number, { stratum = 2 } = {}): Promise<SntpServer> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (request, peer) => {
    const reply = Buffer.alloc(48);
    reply[0] = (0 << 6) | (4 << 3) | 4; // no leap warning, version 4, mode 4 (server)
    reply[1] = stratum;
    request.copy(reply, 24, 40, 48); // originate = the client's transmit time
    const now = Date.now() + offsetMs;
    writeTimestamp(reply, 32, now);
    writeTimestamp(reply, 40, now);
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return { address: `127.0.0.1:${port}`, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}
