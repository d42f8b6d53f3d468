// The promise of the IoT Edge checks: `edge-health check --json` on a device with planted
// certificate and production-checklist problems reports each with the right status, a healthy
// device gets no warning from them, and a non-root module sees what it can and notes the rest.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/checks/registry.js';
import type { CheckResult } from '../../src/checks/types.js';
import { CERTD_CERTS_DIR, certdFileName } from '../../src/collect/certificates.js';
import { HISTORY_FILE } from '../../src/collect/disk-history.js';
import type { Report } from '../../src/report/build.js';
import { CertificateFactory, type Issued, daysFromNow } from '../support/certificates.js';
import { runCli } from '../support/cli.js';
import { Plant, describeWithEngine, testDocker } from '../support/engine.js';
import { IotEdgeModules } from '../support/iotedge-modules.js';
import { type ProgramCopy, copyProgramForOtherUsers } from '../support/program-copy.js';
import { type WorkloadApi, startWorkloadApi } from '../support/workload-api.js';

const HOUR = 3600 * 1000;
/** The checks this test is about: certificates, the production checklist, the disk forecast. */
const IOTEDGE_CHECKS = CHECK_IDS.filter((id) => id.startsWith('certs.') || id.startsWith('production.') || id === 'disk.forecast');
const NOBODY = 65534;

const TROUBLED_CONFIG = `
hostname = "edge-gw-01"
trust_bundle_cert = "file:///var/aziot/certs/trust-bundle.pem"

[provisioning]
source = "manual"
iothub_hostname = "example.azure-devices.net"
device_id = "edge-gw-01"

[provisioning.authentication]
method = "x509"
identity_cert = "file:///var/aziot/certs/device-id.pem"
identity_pk = "file:///var/aziot/secrets/device-id.key.pem"

[agent]
name = "edgeAgent"
type = "docker"

[agent.config]
image = "mcr.microsoft.com/azureiotedge-agent:1.5"

[agent.env]
UpstreamProtocol = "AmqpWs"

[edge_ca]
auto_generated_edge_ca_expiry_days = 90

[image_garbage_collection]
enabled = false
`;

const HEALTHY_CONFIG = `
hostname = "edge-gw-02"
trust_bundle_cert = "file:///var/aziot/certs/trust-bundle.pem"

[provisioning]
source = "dps"
global_endpoint = "https://global.azure-devices-provisioning.net"
id_scope = "0ab1234C5D6"

[provisioning.attestation]
method = "x509"
registration_id = "edge-gw-02"
identity_cert = "file:///var/aziot/certs/device-id.pem"
identity_pk = "file:///var/aziot/secrets/device-id.key.pem"

[agent]
name = "edgeAgent"
type = "docker"

[agent.config]
image = "mcr.microsoft.com/azureiotedge-agent:1.5.3"

[agent.env]
UpstreamProtocol = "AmqpWs"

[edge_ca]
cert = "file:///var/aziot/certs/edge-ca-chain.pem"
pk = "file:///var/aziot/secrets/edge-ca.key.pem"

[image_garbage_collection]
enabled = true
cleanup_recurrence = "1d"
image_age_cleanup_threshold = "7d"
cleanup_time = "02:00"
`;

const chain = (...certificates: Issued[]) => certificates.map((c) => c.pem).join('');
const certd = (id: string) => path.posix.join(CERTD_CERTS_DIR, certdFileName(id)).slice(1);

describeWithEngine('edge-health check on an IoT Edge device', () => {
  const plant = new Plant();
  const modules = new IotEdgeModules(testDocker());
  const apis: WorkloadApi[] = [];
  let work: string;
  let factory: CertificateFactory;
  const image = (name: string) => `edge-health-test/${plant.prefix}${name}`;
  let troubledRoot: string;
  let troubledApi: WorkloadApi;
  let troubled: { code: number; report: Report };
  let healthy: { code: number; report: Report };

  /** A fake host root under `work`, readable by other users as a real host mounted read-only would be. */
  function hostRoot(name: string, files: Record<string, string | Buffer>): string {
    const root = path.join(work, name);
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), content);
    }
    return root;
  }

  /** A history in which / lost or gained `ratePerDay` of the free bytes it has now, hourly for a day. */
  function writeHistory(stateFolder: string, root: string, ratePerDay: (available: number) => number): void {
    const fs = statfsSync(root);
    const available = fs.bavail * fs.bsize;
    const now = Date.now();
    const samples = Array.from({ length: 24 }, (_, i) => {
      const hoursAgo = 24 - i;
      return [now - hoursAgo * HOUR, Math.round(available + (ratePerDay(available) * hoursAgo) / 24)];
    });
    mkdirSync(stateFolder, { recursive: true });
    writeFileSync(path.join(stateFolder, HISTORY_FILE), JSON.stringify({ version: 1, filesystems: [{ path: '/', sizeBytes: fs.blocks * fs.bsize, samples }] }));
  }

  async function check(root: string, api: WorkloadApi, stateFolder: string, flags: string[] = []): Promise<{ code: number; report: Report }> {
    const run = await runCli(['check', '--json', '--host-root', root, '--state-folder', stateFolder, ...flags], { IOTEDGE_WORKLOADURI: api.uri });
    if (!run.stdout.startsWith('{')) throw new Error(`edge-health check failed (${run.code}): ${run.stderr}`);
    return { code: run.code, report: JSON.parse(run.stdout) as Report };
  }

  async function workloadApi(bundle: string): Promise<WorkloadApi> {
    const dir = mkdtempSync(path.join(work, 'api-'));
    chmodSync(dir, 0o755);
    const api = await startWorkloadApi(dir, { pem: bundle });
    apis.push(api);
    return api;
  }

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'eh-iotedge-'));
    chmodSync(work, 0o755);
    await modules.claimSystemNames();
    factory = new CertificateFactory();
    const days = daysFromNow;
    const root = factory.issue('Contoso Root CA', { notAfter: days(3650) });

    // A device mid-way to production: quickstart CA whose renewal is overdue, expiring files, debug and rolling images.
    const intermediate20 = factory.issue('Contoso Intermediate CA', { notAfter: days(20), issuer: root });
    const identity3 = factory.issue('edge-gw-01', { notAfter: days(3), issuer: root });
    const quickstart = factory.issue('aziot-edge CA quickstart', { notBefore: days(-78), notAfter: days(12) });
    const moduleExpired = factory.issue('edgeHub server', { notBefore: days(-30), notAfter: days(-1), issuer: quickstart });
    troubledRoot = hostRoot('troubled', {
      'etc/aziot/config.toml': TROUBLED_CONFIG,
      'var/aziot/certs/trust-bundle.pem': chain(root, intermediate20),
      'var/aziot/certs/device-id.pem': identity3.pem,
      [certd('aziot-edged-ca')]: quickstart.pem,
      [certd('aziot-edged/module/edgeHub:2:server')]: moduleExpired.pem,
      'opt/certs/expired.pem': factory.issue('old-api.contoso.local', { notBefore: days(-400), notAfter: days(-5) }).pem,
      'opt/certs/not-yet-valid.pem': factory.issue('next-api.contoso.local', { notBefore: days(10), notAfter: days(400) }).pem,
      'opt/certs/valid.pem': factory.issue('api.contoso.local', { notAfter: days(300) }).pem,
      'opt/certs/garbage.pem': randomBytes(512),
      'etc/docker/daemon.json': '{"log-driver": "json-file"}',
    });
    const troubledState = path.join(work, 'troubled-state');
    writeHistory(troubledState, troubledRoot, (available) => available / 2);
    troubledApi = await workloadApi(chain(quickstart, root, intermediate20));
    await modules.plant({ name: 'edgeAgent', image: image('azureiotedge-agent:1.5'), env: { UpstreamProtocol: 'AmqpWs' } });
    await modules.plant({ name: 'edgeHub', image: image('azureiotedge-hub:1.5.3-linux-amd64.debug'), env: { StorageFolder: '/iotedge/storage' } });
    await modules.plant({ name: plant.name('sensor'), image: image('sensor:latest') });
    troubled = await check(troubledRoot, troubledApi, troubledState, ['--certificate-paths', '/opt/certs/*.pem', '--constrained-memory-bytes', '64TiB']);
    await modules.removeAll();

    // The same device done right: own PKI, pinned images, host storage, one protocol, rotation, GC.
    const intermediate = factory.issue('Contoso Intermediate CA', { notAfter: days(1000), issuer: root });
    const edgeCa = factory.issue('edge-gw-02 Edge CA', { notAfter: days(365), issuer: intermediate });
    const healthyRoot = hostRoot('healthy', {
      'etc/aziot/config.toml': HEALTHY_CONFIG,
      'var/aziot/certs/edge-ca-chain.pem': chain(edgeCa, intermediate, root),
      'var/aziot/certs/trust-bundle.pem': root.pem,
      'var/aziot/certs/device-id.pem': factory.issue('edge-gw-02', { notAfter: days(300), issuer: intermediate }).pem,
      'etc/docker/daemon.json': '{"log-driver": "local", "dns": ["10.0.0.53"]}',
    });
    const healthyState = path.join(work, 'healthy-state');
    writeHistory(healthyState, healthyRoot, (available) => -available / 100);
    const storage = (name: string) => {
      const folder = path.join(work, 'storage', name);
      mkdirSync(folder, { recursive: true });
      return [`${folder}:/iotedge/storage`];
    };
    const common = { UpstreamProtocol: 'AmqpWs', StorageFolder: '/iotedge/storage' };
    await modules.plant({ name: 'edgeAgent', image: image('azureiotedge-agent:1.5.3'), env: { ...common, ModuleUpdateMode: 'WaitForAllPulls' }, binds: storage('edgeAgent') });
    await modules.plant({
      name: 'edgeHub',
      image: image('azureiotedge-hub:1.5.3'),
      env: { ...common, OptimizeForPerformance: 'false', httpSettings__enabled: 'false' },
      binds: storage('edgeHub'),
    });
    await modules.plant({ name: plant.name('sensor'), image: image('sensor:2.0.1') });
    healthy = await check(healthyRoot, await workloadApi(chain(edgeCa, intermediate, root)), healthyState, ['--constrained-memory-bytes', '64TiB']);
    await modules.removeAll();
  });

  afterAll(async () => {
    await modules.removeAll();
    await Promise.all(apis.map((api) => api.close()));
    for (const dir of [work, factory?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const results = (report: Report, id: string): CheckResult[] => report.results.filter((r) => r.id === id);
  const result = (report: Report, id: string, subject: string): CheckResult => {
    const found = report.results.find((r) => r.id === id && r.subject === subject);
    if (!found) throw new Error(`no ${id} result for ${subject}: ${results(report, id).map((r) => r.subject).join(', ')}`);
    return found;
  };

  describe('with planted problems', () => {
    const certs = (subject: string) => result(troubled.report, 'certs.expiry', subject);

    it('reports each certificate file config.toml names, every certificate of a chain', () => {
      expect(certs('/var/aziot/certs/trust-bundle.pem #1')).toMatchObject({ status: 'ok', details: { subject: 'CN=Contoso Root CA', role: 'trust-bundle' } });
      expect(certs('/var/aziot/certs/trust-bundle.pem #2')).toMatchObject({ status: 'warning', details: { subject: 'CN=Contoso Intermediate CA', daysLeft: 19 } });
      expect(certs('/var/aziot/certs/device-id.pem')).toMatchObject({ status: 'error', details: { role: 'identity', daysLeft: 2, autoRenewed: false } });
      expect(certs('/var/aziot/certs/device-id.pem').details.expiresInSeconds).toBeGreaterThan(2.9 * 24 * 3600);
    });

    it('reads the certificate store: the quickstart CA whose renewal is overdue, and an expired module certificate', () => {
      expect(certs(`${CERTD_CERTS_DIR}/${certdFileName('aziot-edged-ca')}`)).toMatchObject({
        status: 'warning',
        message: expect.stringContaining('IoT Edge should have renewed it'),
        details: { role: 'edge-ca', autoRenewed: true, renewPolicy: { threshold: '80%' }, alsoIn: ['workload-api'] },
      });
      expect(certs(`${CERTD_CERTS_DIR}/${certdFileName('aziot-edged/module/edgeHub:2:server')}`)).toMatchObject({
        status: 'error',
        message: expect.stringMatching(/^expired 1 day ago/),
        details: { role: 'module' },
      });
    });

    it('reads the extra paths: expired and not yet valid are errors, garbage a warning with the reason', () => {
      expect(certs('/opt/certs/expired.pem')).toMatchObject({ status: 'error', message: expect.stringMatching(/^expired 5 days ago/) });
      expect(certs('/opt/certs/not-yet-valid.pem')).toMatchObject({ status: 'error', message: expect.stringMatching(/^not valid until/) });
      expect(certs('/opt/certs/valid.pem').status).toBe('ok');
      expect(certs('/opt/certs/garbage.pem')).toMatchObject({ status: 'warning', message: 'cannot read the certificate: holds no certificate (neither PEM nor DER)' });
    });

    it('asked the workload API for its trust bundle', () => {
      expect(troubledApi.requests).toEqual(['/trust-bundle?api-version=2018-06-28']);
    });

    it('flags each production checklist problem, citing the checklist item', () => {
      const flagged = (id: string, subject: string, citation: string) => {
        const found = result(troubled.report, id, subject);
        expect(found.status, `${id} ${subject}: ${found.message}`).toBe('warning');
        expect(found.remediation).toContain(citation);
      };
      flagged('production.edge-ca', 'edge CA', 'Install production certificates');
      flagged('production.image-tags', 'edgeAgent', 'Use tags to manage versions');
      flagged('production.image-tags', 'edgeHub', "Don't use debug versions of module images");
      flagged('production.image-tags', plant.name('sensor'), 'Use tags to manage versions');
      flagged('production.system-storage', 'edgeAgent', 'Set up host storage for system modules');
      flagged('production.system-storage', 'edgeHub', 'Set up host storage for system modules');
      flagged('production.upstream-protocol', 'edgeAgent/edgeHub', 'Be consistent with upstream protocol');
      flagged('production.update-mode', 'edgeAgent', 'Configure how updates to modules are applied');
      flagged('production.log-driver', '/etc/docker/daemon.json', 'Set up default logging driver');
      flagged('production.image-gc', '/etc/aziot/config.toml', 'Configure image garbage collection');
      flagged('production.dns', '/etc/docker/daemon.json', 'Networking');
      flagged('production.hub-memory', 'edgeHub', "Don't optimize for performance on constrained devices");
      flagged('production.protocol-heads', 'edgeHub', 'Disable unused protocols');
      expect(result(troubled.report, 'production.upstream-protocol', 'edgeAgent/edgeHub').message).toBe(
        'upstream protocols differ: edgeAgent AmqpWs, edgeHub Amqp (default), config.toml [agent.env] AmqpWs',
      );
    });

    it('takes this engine for what it is, a Moby build', () => {
      expect(results(troubled.report, 'production.moby-engine')).toEqual([expect.objectContaining({ status: 'ok', message: expect.stringMatching(/^a Moby build/) })]);
    });

    it('forecasts the disk full within days from the history in the state folder', () => {
      expect(result(troubled.report, 'disk.forecast', '/')).toMatchObject({ status: 'warning', details: { samples: 25 } });
      expect(result(troubled.report, 'disk.forecast', '/').details.daysToFull).toBeLessThan(3);
    });

    it('exits 1 for the errors', () => {
      expect(troubled.code).toBe(1);
    });
  });

  describe('done right', () => {
    it('gets no warning or error from any of these checks', () => {
      const flagged = healthy.report.results.filter((r) => IOTEDGE_CHECKS.includes(r.id) && (r.status === 'warning' || r.status === 'error'));
      expect(flagged).toEqual([]);
    });

    it('judges rather than skips: every one of these checks has an ok result', () => {
      for (const id of IOTEDGE_CHECKS) expect(results(healthy.report, id).map((r) => r.status), id).toContain('ok');
      expect(results(healthy.report, 'certs.expiry').map((r) => r.subject).sort()).toEqual([
        '/var/aziot/certs/device-id.pem',
        '/var/aziot/certs/edge-ca-chain.pem #1',
        '/var/aziot/certs/edge-ca-chain.pem #2',
        '/var/aziot/certs/trust-bundle.pem',
      ]);
    });
  });

  describe('as a non-root module', () => {
    let report: Report;
    let program: ProgramCopy;

    beforeAll(async () => {
      program = copyProgramForOtherUsers();
      // As on a real device: config.toml for root only, the certd store for its own user only.
      chmodSync(path.join(troubledRoot, 'etc/aziot/config.toml'), 0o600);
      chmodSync(path.join(troubledRoot, CERTD_CERTS_DIR), 0o700);
      const stdout = await new Promise<string>((resolve) => {
        execFile(
          process.execPath,
          [program.main, 'check', '--json', '--host-root', troubledRoot, '--certificate-paths', '/opt/certs/valid.pem'],
          { uid: NOBODY, gid: NOBODY, env: { PATH: process.env.PATH, IOTEDGE_WORKLOADURI: troubledApi.uri, DOCKER_HOST: process.env.DOCKER_HOST } },
          (_, out) => resolve(out),
        );
      });
      report = JSON.parse(stdout) as Report;
    });
    afterAll(() => program.remove());

    it('notes the certificate store it may not read, and says so once as skipped, instead of a warning per file', () => {
      expect(report.sources.certificates).toMatchObject({ ok: true, note: expect.stringContaining(`${CERTD_CERTS_DIR} is not readable by this user`) });
      expect(report.results.filter((r) => r.subject.startsWith(CERTD_CERTS_DIR))).toEqual([
        expect.objectContaining({ id: 'certs.expiry', subject: CERTD_CERTS_DIR, status: 'skipped', message: expect.stringContaining('not readable by this user') }),
      ]);
    });

    it('still judges the edge CA and trust bundle through the workload API', () => {
      const fromApi = results(report, 'certs.expiry').filter((r) => r.subject.startsWith('workload-api'));
      expect(fromApi.map((r) => [r.subject, r.details.role, r.status])).toEqual([
        ['workload-api #1', 'edge-ca', 'warning'],
        ['workload-api #2', 'trust-bundle', 'ok'],
        ['workload-api #3', 'trust-bundle', 'warning'],
      ]);
      // Without config.toml it cannot know IoT Edge renews this one, so the horizons decide.
      expect(fromApi[0].details.autoRenewed).toBeNull();
    });

    it('skips the config.toml checks with the reason', () => {
      expect(report.sources.iotedgeConfig).toMatchObject({ ok: false, error: '/etc/aziot/config.toml: permission denied for this user' });
      for (const id of ['production.edge-ca', 'production.image-gc']) {
        expect(results(report, id)).toEqual([expect.objectContaining({ status: 'skipped', message: expect.stringContaining('permission denied for this user') })]);
      }
    });
  });
});
