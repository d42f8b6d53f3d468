// Vitest global setup: the CA that signs the test hub's service (HTTPS) certificate. The service
// SDK (azure-iothub) takes no CA option, so the test workers trust this CA the way an operator's
// machine trusts a public one: through NODE_EXTRA_CA_CERTS, which Node reads only at start —
// hence here, before vitest starts its workers, which inherit the variable.
// The module side never learns this CA from here: it trusts edgeHub through the workload API's
// trust bundle, which holds a different CA (see index.ts).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, type CertificateAuthority } from './certificates.js';

/** Where the CA lives while the run lasts; the hub signs its service certificates with it. */
const CA_DIR_ENV = 'EDGE_HEALTH_TEST_HUB_SERVICE_CA_DIR';
const CA_FILE = 'service-ca';

export default async function setupServiceCa(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'edge-health-hub-ca-'));
  const ca = await createCa(dir, CA_FILE, 'edge-health test IoT Hub service CA');
  // Keep any extra CAs the machine already had.
  const previous = process.env.NODE_EXTRA_CA_CERTS;
  const bundle = previous && existsSync(previous) ? `${await readFile(previous, 'utf8')}\n${ca.cert}` : ca.cert;
  const bundlePath = join(dir, 'extra-ca-certs.pem');
  await writeFile(bundlePath, bundle);
  process.env.NODE_EXTRA_CA_CERTS = bundlePath;
  process.env[CA_DIR_ENV] = dir;
  return () => rm(dir, { recursive: true, force: true });
}

/** The service CA made by the global setup, for signing the hub's service certificate. */
export async function serviceCa(): Promise<CertificateAuthority> {
  const dir = process.env[CA_DIR_ENV];
  if (!dir || !process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error(`the test hub needs its service CA: run under vitest with test/support/hub/service-ca.ts in globalSetup (${CA_DIR_ENV} is not set)`);
  }
  const certPath = join(dir, `${CA_FILE}.pem`);
  return { certPath, keyPath: join(dir, `${CA_FILE}.key`), cert: await readFile(certPath, 'utf8') };
}
