// Real certificates for the tests, made with the openssl CLI. `openssl ca` takes any start and end
// date, past or future, which is how expired and not-yet-valid certificates are made.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const DAY_MS = 24 * 3600 * 1000;

export interface Issued {
  commonName: string;
  certPath: string;
  keyPath: string;
  pem: string;
}

export interface Validity {
  /** Start of validity; default a day ago. */
  notBefore?: Date;
  notAfter: Date;
  /** Signed by this certificate's key; self-signed when absent. */
  issuer?: Issued;
}

/** Now plus (or minus) days, for validity dates. */
export function daysFromNow(days: number, from = Date.now()): Date {
  return new Date(from + days * DAY_MS);
}

/** A throwaway openssl CA database and the certificates it issued, in a temporary folder. */
export class CertificateFactory {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'eh-certs-'));
  private count = 0;

  constructor() {
    writeFileSync(
      path.join(this.dir, 'ca.cnf'),
      [
        '[ca]',
        'default_ca = local',
        '[local]',
        `database = ${path.join(this.dir, 'index.txt')}`,
        `new_certs_dir = ${this.dir}`,
        `serial = ${path.join(this.dir, 'serial')}`,
        'default_md = sha256',
        'policy = any_name',
        'unique_subject = no',
        '[any_name]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(this.dir, 'index.txt'), '');
    writeFileSync(path.join(this.dir, 'serial'), '1000\n');
  }

  issue(commonName: string, { notBefore = daysFromNow(-1), notAfter, issuer }: Validity): Issued {
    this.count += 1;
    const base = path.join(this.dir, `${this.count}-${commonName.replace(/\W+/g, '_')}`);
    const keyPath = `${base}.key`;
    const certPath = `${base}.pem`;
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${commonName}`, '-keyout', keyPath, '-out', `${base}.csr`]);
    openssl([
      'ca', '-batch', '-notext', '-config', path.join(this.dir, 'ca.cnf'), '-in', `${base}.csr`, '-out', certPath,
      '-startdate', opensslTime(notBefore), '-enddate', opensslTime(notAfter),
      ...(issuer ? ['-cert', issuer.certPath, '-keyfile', issuer.keyPath] : ['-selfsign', '-keyfile', keyPath]),
    ]);
    return { commonName, certPath, keyPath, pem: readFileSync(certPath, 'utf8') };
  }
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** GeneralizedTime, as openssl ca -startdate/-enddate take it: 20240501120000Z. */
function opensslTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}
