// What breaks IoT Edge devices in the field, planted on the real engine: `edge-health check --json`
// reports each problem with the right id and status, and the healthy counterparts are not flagged.
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CheckResult } from '../../src/checks/types.js';
import type { Report } from '../../src/report/build.js';
import { runCli } from '../support/cli.js';
import { Plant, TEST_IMAGE, describeWithEngine } from '../support/engine.js';
import { IotEdgeModules } from '../support/iotedge-modules.js';
import { CertificateFactory, daysFromNow } from '../support/certificates.js';
import { type SntpServer, startSntpServer } from '../support/sntp-server.js';
import { type Listening, closedPort, startTlsServer } from '../support/upstream-servers.js';

const MiB = 1024 ** 2;
const SECOND_NS = 1e9;
const HTTPS_PROXY = 'https://proxy.example:3129';

describeWithEngine('edge-health check on a device with field problems planted', () => {
  const plant = new Plant();
  const modules = new IotEdgeModules(plant.docker);
  const host = mkdtempSync(path.join(tmpdir(), 'edge-health-field-'));
  let sntp: SntpServer;
  const certificates = new CertificateFactory();
  let amqp: Listening;
  let report: Report;
  let code: number;

  beforeAll(async () => {
    sntp = await startSntpServer(200_000);
    // The hub's AMQP port answers TLS; its WebSocket port (the fallback) is closed.
    amqp = await startTlsServer(certificates.issue('127.0.0.1', { notAfter: daysFromNow(30) }));
    const websocketPort = await closedPort();
    const daemonJson = path.join(host, 'daemon.json');
    writeFileSync(daemonJson, '{"log-driver": "local"}');
    const hubStore = path.join(host, 'edgeHub');
    const agentStore = path.join(host, 'edgeAgent');
    mkdirSync(path.join(hubStore, 'edgeHub'), { recursive: true });
    mkdirSync(agentStore);
    writeFileSync(path.join(agentStore, 'LOG'), 'rocksdb info\n');
    // 18 info logs of 10 MiB (sparse: the size is what counts, the disk is spared).
    for (let i = 0; i < 18; i++) {
      const file = path.join(hubStore, 'edgeHub', `LOG.old.17000000000000${String(i).padStart(2, '0')}`);
      writeFileSync(file, '');
      truncateSync(file, 10 * MiB);
    }

    await modules.claimSystemNames();
    const env = { UpstreamProtocol: 'AmqpWs', https_proxy: HTTPS_PROXY, StorageFolder: '/iotedge/storage' };
    const agent = await modules.plant({ name: 'edgeAgent', image: TEST_IMAGE, env, binds: [`${agentStore}:/iotedge/storage`] });
    const hub = await modules.plant({ name: 'edgeHub', image: TEST_IMAGE, env, binds: [`${hubStore}:/iotedge/storage`] });
    const exited = await modules.plant({ name: plant.name('crashed'), image: TEST_IMAGE, cmd: ['sh', '-c', 'exit 3'] });
    await Promise.all([agent.start(), hub.start(), exited.start()]);
    await exited.wait();

    // A generous probe timeout: on a loaded machine a 1 s exec can time out, which Docker records as
    // exit code -1 instead of the probe's own answer.
    const probe = (test: string[]) => ({ Test: test, Interval: SECOND_NS / 4, Timeout: 15 * SECOND_NS, Retries: 1 });
    const unhealthy = await plant.container({ name: 'unhealthy', memoryBytes: 32 * MiB, nanoCpus: 5e8, healthcheck: probe(['CMD-SHELL', 'echo "db: connection refused"; exit 1']) });
    const healthy = await plant.container({ name: 'healthy', memoryBytes: 32 * MiB, nanoCpus: 5e8, healthcheck: probe(['CMD', 'true']) });
    await Promise.all([untilHealth(unhealthy, 'unhealthy'), untilHealth(healthy, 'healthy')]);

    const run = await runCli(
      ['check', '--json', '--time-servers', sntp.address, '--daemon-config-path', daemonJson,
        '--upstream-amqp-port', String(amqp.port), '--upstream-web-socket-port', String(websocketPort)],
      { IOTEDGE_IOTHUBHOSTNAME: '127.0.0.1', https_proxy: undefined, HTTPS_PROXY: undefined },
    );
    code = run.code;
    report = JSON.parse(run.stdout) as Report;
  });
  afterAll(async () => {
    await sntp?.close();
    await amqp?.close();
    rmSync(certificates.dir, { recursive: true, force: true });
    await modules.removeAll();
    await plant.cleanup();
    rmSync(host, { recursive: true, force: true });
  });

  const result = (id: string, subject: string): CheckResult => {
    const found = report.results.find((r) => r.id === id && r.subject === subject);
    if (!found) throw new Error(`no ${id} result for ${subject}: ${JSON.stringify(report.results.filter((r) => r.id === id))}`);
    return found;
  };

  it('calls the unhealthy container an error with its probe output, the healthy one ok', () => {
    expect(result('containers.health', plant.name('unhealthy'))).toMatchObject({ status: 'error', details: { health: 'unhealthy', lastProbeExitCode: 1 } });
    expect(result('containers.health', plant.name('unhealthy')).message).toContain('db: connection refused');
    expect(result('containers.health', plant.name('healthy'))).toMatchObject({ status: 'ok', message: 'healthy' });
  });

  it('flags the exited module with its exit code, and leaves the running system modules ok', () => {
    expect(result('modules.running', plant.name('crashed'))).toMatchObject({ status: 'warning', details: { state: 'exited', exitCode: 3 } });
    expect(result('modules.running', 'edgeAgent').status).toBe('ok');
    expect(result('modules.running', 'edgeHub').status).toBe('ok');
    expect(report.results.some((r) => r.id === 'modules.running' && r.subject === plant.name('healthy'))).toBe(false);
  });

  it('measures the clock 200 s behind the time server: a warning', () => {
    const clock = result('time.offset', 'clock');
    expect(clock).toMatchObject({ status: 'warning', details: { server: sntp.address } });
    expect(Math.abs((clock.details.offsetSeconds as number) - 200)).toBeLessThan(1);
  });

  it('warns on daemon.json without dns', () => {
    expect(result('production.dns', path.join(host, 'daemon.json'))).toMatchObject({ status: 'warning', details: { dnsServers: [], daemonJsonFound: true } });
  });

  it('warns on the https:// proxy with AmqpWs on edgeAgent and edgeHub, and on the engine not sharing it', () => {
    for (const name of ['edgeAgent', 'edgeHub']) {
      expect(result('production.proxy', name)).toMatchObject({ status: 'warning', details: { httpsProxy: HTTPS_PROXY, upstreamProtocol: 'AmqpWs', proxyScheme: 'https' } });
    }
    expect(result('production.proxy', 'engine/edgeAgent/edgeHub')).toMatchObject({ status: 'warning', details: { httpsProxies: { engine: null, edgeAgent: HTTPS_PROXY } } });
  });

  it('warns on the 180 MiB of RocksDB info logs in edgeHub\'s store, and leaves edgeAgent\'s ok', () => {
    const hub = result('edgehub.store', 'edgeHub');
    expect(hub).toMatchObject({ status: 'warning', details: { rocksDbLogCount: 18, rocksDbLogBytes: 180 * MiB, hostPath: path.join(host, 'edgeHub') } });
    expect(hub.message).toContain("edgeHub's persistent store has no size cap of its own");
    expect(result('edgehub.store', 'edgeAgent')).toMatchObject({ status: 'ok', details: { rocksDbLogCount: 1 } });
  });

  it('reaches the hub on AMQP (edgeHub\'s protocol is AmqpWs here: 443 closed is an error)', () => {
    const upstream = result('network.upstream', '127.0.0.1');
    expect(upstream).toMatchObject({ status: 'error', details: { upstreamProtocol: 'AmqpWs', ports: { amqp: { ok: true }, websocket: { ok: false } } } });
    expect(upstream.message).toMatch(/^UpstreamProtocol AmqpWs cannot connect: WebSocket \d+: .*ECONNREFUSED/);
  });

  it('exits 1 for the unhealthy container, and says how to fix every warning and error', () => {
    expect(code).toBe(1);
    expect(report.results.filter((r) => (r.status === 'warning' || r.status === 'error') && !r.remediation)).toEqual([]);
  });
});

/** Waits for the container's HEALTHCHECK to reach a status, at most 20 s. */
async function untilHealth(container: Docker.Container, status: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = (await container.inspect()).State.Health?.Status;
    if (state === status) return;
    if (Date.now() > deadline) throw new Error(`container ${container.id} health stayed ${state}, never ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
