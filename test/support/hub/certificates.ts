// Test certificate authorities and server certificates, made with the openssl CLI into a
// directory the caller owns (and removes). Short-lived EC keys: quick to make, never reused.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPENSSL_TIMEOUT_MS = 10_000;
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];

export interface CertificateAuthority {
  certPath: string;
  keyPath: string;
  /** The CA certificate, PEM. */
  cert: string;
}

export interface ServerCertificate {
  cert: string;
  key: string;
}

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args, { timeout: OPENSSL_TIMEOUT_MS });
}

/** A self-signed CA named `commonName`, written as `<fileName>.pem` and `<fileName>.key` in `dir`. */
export async function createCa(dir: string, fileName: string, commonName: string): Promise<CertificateAuthority> {
  const certPath = join(dir, `${fileName}.pem`);
  const keyPath = join(dir, `${fileName}.key`);
  await openssl([
    'req', '-x509', ...EC_KEY, '-keyout', keyPath, '-out', certPath, '-subj', `/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { certPath, keyPath, cert: await readFile(certPath, 'utf8') };
}

/** A TLS server certificate for the given DNS names and IP addresses, signed by `ca`. */
export async function issueServerCert(
  ca: CertificateAuthority,
  dir: string,
  fileName: string,
  names: { dns?: string[]; ips?: string[] },
): Promise<ServerCertificate> {
  const certPath = join(dir, `${fileName}.pem`);
  const keyPath = join(dir, `${fileName}.key`);
  const altNames = [...(names.dns ?? []).map((n) => `DNS:${n}`), ...(names.ips ?? []).map((ip) => `IP:${ip}`)];
  await openssl([
    'req', '-x509', ...EC_KEY, '-keyout', keyPath, '-out', certPath, '-subj', `/CN=${names.dns?.[0] ?? names.ips?.[0]}`,
    '-CA', ca.certPath, '-CAkey', ca.keyPath,
    '-addext', `subjectAltName=${altNames.join(',')}`,
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth',
  ]);
  return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
}
