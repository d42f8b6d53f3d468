// Certificate discovery on a fake host root holding real certificates made with openssl, and a
// stand-in workload API on a unix socket.
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CERTD_CERTS_DIR, type CertificateSources, certdFileName, collectCertificates, parseCertificates } from '../../src/collect/certificates.js';
import { HOST_FILE_MAX_BYTES, HOST_FOLDER_MAX_ENTRIES } from '../../src/collect/host-file.js';
import { parseIotEdgeConfig } from '../../src/collect/iotedge-config.js';
import type { CertificateInfo, CertificateScan, IotEdgeConfig } from '../../src/snapshot.js';
import { CertificateFactory, type Issued, daysFromNow } from '../support/certificates.js';
import { type WorkloadApi, startWorkloadApi } from '../support/workload-api.js';

const factory = new CertificateFactory();
const root = factory.issue('Contoso Root CA', { notAfter: daysFromNow(3650) });
const intermediate = factory.issue('Contoso Intermediate CA', { notAfter: daysFromNow(1000), issuer: root });
const edgeCa = factory.issue('edge-gw-01 Edge CA', { notAfter: daysFromNow(365), issuer: intermediate });
const identity = factory.issue('edge-gw-01', { notAfter: daysFromNow(20), issuer: intermediate });
const quickstartCa = factory.issue('aziot-edge CA quickstart', { notAfter: daysFromNow(80) });
const moduleCert = factory.issue('edgeHub', { notAfter: daysFromNow(3), issuer: quickstartCa });
afterAll(() => rmSync(factory.dir, { recursive: true, force: true }));

const FILES_CONFIG = `
trust_bundle_cert = "file:///var/aziot/certs/trust-bundle.pem"

[provisioning]
source = "manual"
iothub_hostname = "example.azure-devices.net"
device_id = "edge-gw-01"

[provisioning.authentication]
method = "x509"
identity_cert = "file:///var/aziot/certs/device-id.pem"
identity_pk = "file:///var/aziot/secrets/device-id.key.pem"

[edge_ca]
cert = "file:///var/aziot/certs/edge-ca-chain.pem"
pk = "file:///var/aziot/secrets/edge-ca.key.pem"
`;

function hostRoot(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'eh-certhost-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

async function scan(options: Partial<CertificateSources> & { hostRoot: string }): Promise<{ scan: CertificateScan; notes: string[] }> {
  const notes: string[] = [];
  const result = await collectCertificates({
    iotedgeConfig: null,
    extraPaths: [],
    workloadUri: undefined,
    signal: new AbortController().signal,
    note: (text) => notes.push(text),
    ...options,
  });
  return { scan: result, notes };
}

function config(text: string): IotEdgeConfig {
  return parseIotEdgeConfig('/etc/aziot/config.toml', text);
}

function bySubject(certificates: CertificateInfo[], commonName: string): CertificateInfo {
  const found = certificates.find((c) => c.subject === `CN=${commonName}`);
  if (!found) throw new Error(`no certificate CN=${commonName} in ${certificates.map((c) => c.subject).join(', ')}`);
  return found;
}

const chain = (...certificates: Issued[]) => certificates.map((c) => c.pem).join('');

describe('certificates named in config.toml', () => {
  const files = {
    'var/aziot/certs/edge-ca-chain.pem': chain(edgeCa, intermediate, root),
    'var/aziot/certs/trust-bundle.pem': root.pem,
    'var/aziot/certs/device-id.pem': identity.pem,
    'var/aziot/secrets/edge-ca.key.pem': 'a key file is never read',
  };

  it('are read through the host root, every certificate of a chain, with dates, role, where each was found and the renewal config.toml sets for it', async () => {
    const { scan: result } = await scan({ hostRoot: hostRoot(files), iotedgeConfig: config(FILES_CONFIG) });
    expect(result.unreadable).toEqual([]);
    expect(result.iotedgeEvidence).toEqual([]);
    const ca = bySubject(result.certificates, 'edge-gw-01 Edge CA');
    const x509 = new X509Certificate(edgeCa.pem);
    expect(ca).toEqual({
      source: '/var/aziot/certs/edge-ca-chain.pem',
      position: 0,
      countInSource: 3,
      role: 'edge-ca',
      subject: 'CN=edge-gw-01 Edge CA',
      issuer: 'CN=Contoso Intermediate CA',
      serial: x509.serialNumber,
      notBefore: new Date(x509.validFrom).toISOString(),
      notAfter: new Date(x509.validTo).toISOString(),
      fingerprint: x509.fingerprint256,
      alsoIn: [],
      // An edge CA given as files: config.toml sets no renewal for it.
      heldBy: 'file',
      renewPolicy: null,
    });
    expect(bySubject(result.certificates, 'Contoso Intermediate CA')).toMatchObject({ position: 1, role: 'edge-ca' });
    expect(bySubject(result.certificates, 'edge-gw-01')).toMatchObject({ source: '/var/aziot/certs/device-id.pem', role: 'identity', heldBy: 'file', renewPolicy: null });
  });

  it('are listed once when the same certificate sits in several files, saying where else it is', async () => {
    const { scan: result } = await scan({ hostRoot: hostRoot(files), iotedgeConfig: config(FILES_CONFIG) });
    const rootCa = bySubject(result.certificates, 'Contoso Root CA');
    expect(rootCa).toMatchObject({ source: '/var/aziot/certs/trust-bundle.pem', role: 'trust-bundle', alsoIn: ['/var/aziot/certs/edge-ca-chain.pem'] });
    expect(result.certificates.filter((c) => c.subject === 'CN=Contoso Root CA')).toHaveLength(1);
  });

  it('that are missing or not certificates become unreadable entries with the reason, not a failure', async () => {
    const { scan: result } = await scan({
      hostRoot: hostRoot({ 'var/aziot/certs/device-id.pem': Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42]) }),
      iotedgeConfig: config(FILES_CONFIG),
    });
    expect(result.certificates).toEqual([]);
    expect(result.unreadable).toEqual([
      { source: '/var/aziot/certs/trust-bundle.pem', role: 'trust-bundle', error: 'no such file' },
      { source: '/var/aziot/certs/device-id.pem', role: 'identity', error: 'holds no certificate (neither PEM nor DER)' },
      { source: '/var/aziot/certs/edge-ca-chain.pem', role: 'edge-ca', error: 'no such file' },
    ]);
  });

  it('are not read when config.toml could not be, which is a place not seen, not evidence of IoT Edge', async () => {
    const { scan: result, notes } = await scan({ hostRoot: hostRoot(files), configError: '/etc/aziot/config.toml: EACCES: permission denied' });
    expect(result).toEqual({
      iotedgeEvidence: [],
      certificates: [],
      unreadable: [],
      notSeen: [{ source: 'config.toml', reason: 'unreadable', error: 'the certificate files it names were not read: /etc/aziot/config.toml: EACCES: permission denied' }],
    });
    expect(notes).toEqual(['the certificate files config.toml names were not read: /etc/aziot/config.toml: EACCES: permission denied']);
  });
});

describe('the IoT Edge certificate store', () => {
  const store = (name: string) => path.posix.join(CERTD_CERTS_DIR.slice(1), name);
  const quickstart = config('[provisioning]\nsource = "manual"\n');

  it('knows the edge CA and device identity by their certd file names, and module certificates by prefix', async () => {
    const dir = hostRoot({
      [store(certdFileName('aziot-edged-ca'))]: quickstartCa.pem,
      [store(certdFileName('device-id'))]: identity.pem,
      [store(certdFileName('aziot-edged/module/edgeHub:1:server'))]: moduleCert.pem,
      [store(certdFileName('someone-else'))]: root.pem,
      [store('README.txt')]: 'not a certificate file name',
    });
    const { scan: result } = await scan({ hostRoot: dir, iotedgeConfig: quickstart });
    expect(result.iotedgeEvidence).toEqual([CERTD_CERTS_DIR]);
    expect(result.unreadable).toEqual([]);
    // The quickstart CA is IoT Edge's own: renewed at 80 % of its life unless config.toml says otherwise.
    expect(bySubject(result.certificates, 'aziot-edge CA quickstart')).toMatchObject({
      source: `${CERTD_CERTS_DIR}/${certdFileName('aziot-edged-ca')}`,
      role: 'edge-ca',
      heldBy: 'iotedge',
      renewPolicy: { rotateKey: true, threshold: '80%', retry: '4%' },
    });
    // Issued by IoT Edge, but config.toml sets no renewal for it.
    expect(bySubject(result.certificates, 'edge-gw-01')).toMatchObject({ role: 'identity', heldBy: 'iotedge', renewPolicy: null });
    expect(bySubject(result.certificates, 'edgeHub')).toMatchObject({ role: 'module', heldBy: 'iotedge', renewPolicy: null });
    expect(bySubject(result.certificates, 'Contoso Root CA')).toMatchObject({ role: 'iotedge', heldBy: 'iotedge', renewPolicy: null });
    expect(result.certificates).toHaveLength(4);
  });

  it('without config.toml knows no renewal for the edge CA', async () => {
    const { scan: result } = await scan({ hostRoot: hostRoot({ [store(certdFileName('aziot-edged-ca'))]: quickstartCa.pem }) });
    expect(result.iotedgeEvidence).toEqual([CERTD_CERTS_DIR]);
    expect(result.certificates[0]).toMatchObject({ role: 'edge-ca', heldBy: 'iotedge', renewPolicy: null });
  });

  it('that cannot be listed is one place not seen with the reason, not one warning per file', async () => {
    const { scan: result, notes } = await scan({ hostRoot: hostRoot({ 'var/lib/aziot/certd/certs': 'a file where the folder should be' }) });
    expect(result).toEqual({
      iotedgeEvidence: [CERTD_CERTS_DIR],
      certificates: [],
      unreadable: [],
      notSeen: [{ source: CERTD_CERTS_DIR, reason: 'not-a-file', error: 'not a folder (a regular file), not listed' }],
    });
    expect(notes).toEqual(['/var/lib/aziot/certd/certs: not a folder (a regular file), not listed']);
  });

  it('that holds more files than the cap is read up to the cap, says so, and stops at the deadline', async () => {
    const dir = hostRoot({});
    const store = path.join(dir, CERTD_CERTS_DIR);
    mkdirSync(store, { recursive: true });
    for (let i = 0; i < HOST_FOLDER_MAX_ENTRIES + 5; i++) writeFileSync(path.join(store, `m${String(i).padStart(5, '0')}.cer`), 'not a certificate');
    const { scan: result } = await scan({ hostRoot: dir });
    expect(result.unreadable).toHaveLength(HOST_FOLDER_MAX_ENTRIES);
    expect(result.notSeen).toEqual([{ source: CERTD_CERTS_DIR, reason: 'too-many', error: expect.stringContaining(`more than ${HOST_FOLDER_MAX_ENTRIES} entries`) }]);
    const controller = new AbortController();
    controller.abort();
    await expect(scan({ hostRoot: dir, signal: controller.signal })).rejects.toThrow();
  });
});

describe('the workload API trust bundle', () => {
  let socketDir: string;
  const apis: WorkloadApi[] = [];
  beforeAll(() => {
    socketDir = mkdtempSync(path.join(tmpdir(), 'eh-workload-'));
  });
  afterAll(async () => {
    await Promise.all(apis.map((api) => api.close()));
  });

  async function serve(answer: Parameters<typeof startWorkloadApi>[1]): Promise<WorkloadApi> {
    const api = await startWorkloadApi(mkdtempSync(path.join(socketDir, 'api-')), answer);
    apis.push(api);
    return api;
  }

  it('is asked with the 2018-06-28 API version; its first certificate is the edge CA, the rest the trust bundle', async () => {
    const api = await serve({ pem: chain(quickstartCa, root, intermediate) });
    const { scan: result } = await scan({ hostRoot: hostRoot({}), workloadUri: api.uri });
    expect(api.requests).toEqual(['/trust-bundle?api-version=2018-06-28']);
    expect(result.iotedgeEvidence).toEqual([`workload API at ${api.uri}`]);
    expect(result.certificates.map((c) => [c.subject, c.source, c.position, c.countInSource, c.role])).toEqual([
      ['CN=aziot-edge CA quickstart', 'workload-api', 0, 3, 'edge-ca'],
      ['CN=Contoso Root CA', 'workload-api', 1, 3, 'trust-bundle'],
      ['CN=Contoso Intermediate CA', 'workload-api', 2, 3, 'trust-bundle'],
    ]);
  });

  it('adds where else a certificate was found when the store already listed it', async () => {
    const api = await serve({ pem: chain(quickstartCa, root) });
    const dir = hostRoot({ [path.posix.join(CERTD_CERTS_DIR.slice(1), certdFileName('aziot-edged-ca'))]: quickstartCa.pem });
    const { scan: result } = await scan({ hostRoot: dir, workloadUri: api.uri });
    expect(bySubject(result.certificates, 'aziot-edge CA quickstart')).toMatchObject({ source: expect.stringContaining(CERTD_CERTS_DIR), alsoIn: ['workload-api'] });
    expect(result.certificates).toHaveLength(2);
  });

  it('that answers with an error is an unreadable entry carrying the answer', async () => {
    const api = await serve({ status: 500, body: '{"message":"could not get trust bundle"}' });
    const { scan: result } = await scan({ hostRoot: hostRoot({}), workloadUri: api.uri });
    expect(result.unreadable).toEqual([
      {
        source: 'workload-api',
        role: 'trust-bundle',
        error: 'workload API /trust-bundle?api-version=2018-06-28 answered HTTP 500: {"message":"could not get trust bundle"}',
      },
    ]);
  });

  it('that is not there is an unreadable entry naming the socket error', async () => {
    const { scan: result } = await scan({ hostRoot: hostRoot({}), workloadUri: `unix://${socketDir}/nobody-listens.sock` });
    expect(result.unreadable).toEqual([
      { source: 'workload-api', role: 'trust-bundle', error: `cannot reach the workload API: connect ENOENT ${socketDir}/nobody-listens.sock` },
    ]);
  });
});

describe('extra certificate paths', () => {
  const der = new X509Certificate(identity.pem).raw;
  const files = {
    'opt/app/certs/server.pem': moduleCert.pem,
    'opt/app/certs/client.pem': chain(identity, intermediate),
    'opt/app/certs/notes.txt': 'not matched by *.pem',
    'opt/app/certs/broken.pem': 'garbage\x00\x01 that is no certificate',
    'opt/app/der/identity.cer': der,
    'opt/app/der/sub/deeper.pem': root.pem,
  };

  it('take files, folders and wildcards in the file name, PEM or DER', async () => {
    const { scan: result } = await scan({ hostRoot: hostRoot(files), extraPaths: ['/opt/app/certs/*.pem', '/opt/app/der'] });
    expect(result.certificates.map((c) => [c.source, c.subject, c.role, c.heldBy])).toEqual([
      ['/opt/app/certs/client.pem', 'CN=edge-gw-01', 'extra', 'file'],
      ['/opt/app/certs/client.pem', 'CN=Contoso Intermediate CA', 'extra', 'file'],
      ['/opt/app/certs/server.pem', 'CN=edgeHub', 'extra', 'file'],
    ]);
    // The DER copy of an identity already listed from client.pem; the sub-folder is not descended into.
    expect(result.certificates[0].alsoIn).toEqual(['/opt/app/der/identity.cer']);
    expect(result.unreadable).toEqual([{ source: '/opt/app/certs/broken.pem', role: 'extra', error: 'holds no certificate (neither PEM nor DER)' }]);
    expect(result.iotedgeEvidence).toEqual([]);
  });

  it('that match nothing, do not exist or put wildcards in a folder are unreadable entries saying so', async () => {
    const { scan: result } = await scan({ hostRoot: hostRoot(files), extraPaths: ['/opt/app/certs/*.crt', '/etc/ssl/mine.pem', '/opt/*/certs/a.pem'] });
    expect(result.unreadable).toEqual([
      { source: '/opt/app/certs/*.crt', role: 'extra', error: 'no file matches' },
      { source: '/etc/ssl/mine.pem', role: 'extra', error: 'no such file' },
      { source: '/opt/*/certs/a.pem', role: 'extra', error: 'wildcards are allowed only in the last part of the path' },
    ]);
  });

  it('named one by one are read whatever they are: a FIFO or a device is an unreadable certificate saying what it is', async () => {
    const dir = hostRoot(files);
    execFileSync('mkfifo', [path.join(dir, 'opt/app/certs/pipe.pem')]);
    const { scan: result } = await scan({ hostRoot: dir, extraPaths: ['/opt/app/certs/pipe.pem'] });
    expect(result.unreadable).toEqual([{ source: '/opt/app/certs/pipe.pem', role: 'extra', error: 'not a regular file (a FIFO), not read' }]);
    // On the host itself (no host root), the real /dev/zero.
    const { scan: device } = await scan({ hostRoot: '', extraPaths: ['/dev/zero'] });
    expect(device.unreadable).toEqual([{ source: '/dev/zero', role: 'extra', error: 'not a regular file (a character device), not read' }]);
  });

  it('in a folder, list a FIFO or a sub-folder as not seen, with what it is, instead of leaving it out', async () => {
    const dir = hostRoot(files);
    execFileSync('mkfifo', [path.join(dir, 'opt/app/der/pipe.cer')]);
    const { scan: result } = await scan({ hostRoot: dir, extraPaths: ['/opt/app/der'] });
    expect(result.notSeen).toEqual([
      { source: '/opt/app/der/pipe.cer', reason: 'not-a-file', error: 'not a regular file (a FIFO), not read' },
      { source: '/opt/app/der/sub', reason: 'not-a-file', error: 'not a regular file (a folder), not read' },
    ]);
    expect(result.certificates.map((c) => c.source)).toEqual(['/opt/app/der/identity.cer']);
  });

  it('refuses a certificate file over the size cap instead of reading it whole', async () => {
    const dir = hostRoot({ 'opt/big.pem': Buffer.alloc(HOST_FILE_MAX_BYTES.certificate + 1, 0x41) });
    const { scan: result } = await scan({ hostRoot: dir, extraPaths: ['/opt/big.pem'] });
    expect(result.unreadable).toEqual([{ source: '/opt/big.pem', role: 'extra', error: expect.stringMatching(/^too large .*the limit is 1048576\), not read$/) }]);
  });
});

describe('a host without IoT Edge', () => {
  it('yields no certificates and no evidence of IoT Edge', async () => {
    await expect(scan({ hostRoot: hostRoot({}), iotedgeConfig: { path: '/etc/aziot/config.toml', found: false } })).resolves.toEqual({
      scan: { iotedgeEvidence: [], certificates: [], unreadable: [], notSeen: [] },
      notes: [],
    });
  });
});

describe('parseCertificates', () => {
  it('takes the certificates out of PEM text that also holds a key, and says which block is broken', () => {
    expect(parseCertificates(Buffer.from(`-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n${root.pem}`))).toHaveLength(1);
    const broken = `${root.pem}-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n`;
    expect(() => parseCertificates(Buffer.from(broken))).toThrow(/^certificate 2 of 2 cannot be parsed/);
  });
});
