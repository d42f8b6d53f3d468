// The IoT Edge workload API, which aziot-edged serves to every module on the socket named in
// IOTEDGE_WORKLOADURI: its trust bundle holds the edge CA chain, then the user trust bundle.
import http from 'node:http';

export const TRUST_BUNDLE_PATH = '/trust-bundle?api-version=2018-06-28';
const MAX_BODY_BYTES = 1024 ** 2;

/** The trust bundle as PEM text. */
export async function fetchTrustBundle(workloadUri: string, signal: AbortSignal): Promise<string> {
  const body = await get(requestOptions(workloadUri), signal);
  let certificate: unknown;
  try {
    certificate = (JSON.parse(body) as { certificate?: unknown }).certificate;
  } catch {
    throw new Error(`workload API ${TRUST_BUNDLE_PATH}: answer is not JSON`);
  }
  if (typeof certificate !== 'string') throw new Error(`workload API ${TRUST_BUNDLE_PATH}: answer has no "certificate" text`);
  // The API's spec calls the field base64-encoded PEM while aziot-edged sends the PEM itself: take either.
  return certificate.includes('-----BEGIN') ? certificate : Buffer.from(certificate, 'base64').toString('utf8');
}

function requestOptions(workloadUri: string): http.RequestOptions {
  let url: URL;
  try {
    url = new URL(workloadUri);
  } catch {
    throw new Error(`IOTEDGE_WORKLOADURI "${workloadUri}" is not a URI`);
  }
  if (url.protocol === 'unix:') return { socketPath: url.pathname, path: TRUST_BUNDLE_PATH };
  if (url.protocol === 'http:') return { host: url.hostname, port: url.port || 80, path: TRUST_BUNDLE_PATH };
  throw new Error(`IOTEDGE_WORKLOADURI "${workloadUri}": expected unix:// or http://`);
}

function get(options: http.RequestOptions, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({ ...options, signal }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) request.destroy(new Error(`workload API ${TRUST_BUNDLE_PATH}: answer larger than 1 MiB`));
        else chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode === 200) resolve(text);
        else reject(new Error(`workload API ${TRUST_BUNDLE_PATH} answered HTTP ${response.statusCode}: ${text.slice(0, 200)}`));
      });
    });
    request.on('error', (error) => reject(new Error(`cannot reach the workload API: ${error.message}`, { cause: error })));
  });
}
