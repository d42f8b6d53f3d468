// Loopback stand-ins for what a device reaches upstream: TLS servers on the IoT Hub's ports, and
// an HTTP CONNECT proxy that records what it was asked for.
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, type Server, type Socket, connect } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { Issued } from './certificates.js';

export interface Listening {
  port: number;
  close(): Promise<void>;
}

export async function startTlsServer(certificate: Issued): Promise<Listening> {
  const server = createTlsServer({ cert: readFileSync(certificate.certPath), key: readFileSync(certificate.keyPath) }, (socket) => socket.end());
  return listen(server);
}

/** A proxy that tunnels CONNECT requests (or refuses them all with `refuseWith`), keeping each target asked for. */
export async function startConnectProxy({ refuseWith }: { refuseWith?: number } = {}): Promise<Listening & { asked: string[] }> {
  const asked: string[] = [];
  const server = createHttpServer();
  server.on('connect', (request, client: Socket) => {
    asked.push(request.url ?? '');
    if (refuseWith) {
      client.end(`HTTP/1.1 ${refuseWith} Refused\r\n\r\n`);
      return;
    }
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { ...(await listen(server)), asked };
}

/** A port nothing listens on: taken, then freed. */
export async function closedPort(): Promise<number> {
  const { port, close } = await listen(createTlsServer());
  await close();
  return port;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
