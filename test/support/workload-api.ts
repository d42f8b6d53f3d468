// A stand-in for the IoT Edge workload API on a unix socket, as aziot-edged serves it to modules.
import { chmodSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export interface WorkloadApi {
  /** What IoT Edge puts in IOTEDGE_WORKLOADURI. */
  uri: string;
  /** Paths with query strings, in the order asked. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves /trust-bundle with the given PEM text (or status and body), on a socket in `dir`. */
export async function startWorkloadApi(dir: string, answer: { pem: string } | { status: number; body: string }): Promise<WorkloadApi> {
  const socketPath = path.join(dir, 'workload.sock');
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    if ('pem' in answer && request.method === 'GET' && request.url?.startsWith('/trust-bundle?')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ certificate: answer.pem }));
    } else if ('status' in answer) {
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    } else {
      response.writeHead(404).end('{"message":"not found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  // Modules run as other users than the test: let them connect, as aziot-edged's socket does.
  chmodSync(socketPath, 0o666);
  return { uri: `unix://${socketPath}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
