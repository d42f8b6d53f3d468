// The module end to end: `edge-health run` in its own process, connected through the production
// fromEnvironment path to a local hub, driven by the real service SDK the way an operator is.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AgentProcess, startAgent } from '../support/agent-process.js';
import { Plant, describeWithEngine } from '../support/engine.js';
import { type TestHub, startTestHub } from '../support/hub/index.js';
import { freePort } from '../support/free-port.js';
import { parseExposition, seriesOf } from '../support/prometheus.js';

const PRODUCT_INFO = 'contoso.edge-health.standard';

interface Reported {
  health?: { status: string; since: string; asOf: string; checks: Record<string, { id: string; status: string; worst: Record<string, { subject: string; message: string }> }> };
  config?: { status: string; desiredVersion: number | null; rejectedVersion: number | null; error: string | null; applied: Record<string, unknown> };
  agent?: { version: string; engineReachable?: boolean };
}

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await read();
  }
  return last;
}

describeWithEngine('the IoT Edge module against a local hub', () => {
  const plant = new Plant();
  let hub: TestHub;
  let moduleId: string;
  let agent: AgentProcess;
  let metricsPort: number;

  const reported = async (): Promise<Reported> => {
    const { responseBody } = await hub.registry().getModuleTwin(hub.deviceId, moduleId);
    return (responseBody.properties?.reported ?? {}) as Reported;
  };
  const setDesired = async (desired: Record<string, unknown>) => {
    // Unconditional: the module's reported patches move the etag between a read and the update.
    await hub.registry().updateModuleTwin(hub.deviceId, moduleId, { properties: { desired } }, '*');
  };
  const invoke = async (methodName: string, payload: unknown) => {
    const { result } = await hub.serviceClient().invokeDeviceMethod(hub.deviceId, moduleId, { methodName, payload, responseTimeoutInSeconds: 30 });
    return result as { status: number; payload: Record<string, unknown> };
  };

  beforeAll(async () => {
    await plant.container({ name: 'unlimited' });
    await plant.volume('leftover', { bytes: 1024 ** 2 });
    await plant.volume('bystander', { bytes: 1024 ** 2 });
    hub = await startTestHub();
    moduleId = hub.addModule('edgeHealth');
    metricsPort = await freePort();
    agent = startAgent(['run'], {
      ...process.env,
      // The module must trust edgeHub only through the workload trust bundle.
      NODE_EXTRA_CA_CERTS: undefined,
      ...hub.moduleEnv(moduleId),
      EDGE_HEALTH_PRODUCT_INFO: PRODUCT_INFO,
      EDGE_HEALTH_SCHEDULE: '*/3 * * * * *',
      EDGE_HEALTH_JITTER_SECONDS: '0',
      EDGE_HEALTH_LOG_LEVEL: 'info',
      EDGE_HEALTH_METRICS_ENABLED: 'true',
      EDGE_HEALTH_METRICS_PORT: String(metricsPort),
    });
    await eventually(reported, (r) => r.health !== undefined).catch((error: Error) => {
      throw new Error(`${error.message}\nagent logs:\n${agent.logs().map((l) => l.line).join('\n')}\nhub rejections: ${hub.rejections.join('; ')}`);
    });
  });

  afterAll(async () => {
    await agent?.stop();
    await hub?.close();
    await plant.cleanup();
  });

  it('connects with its ProductInfo and reports health, agent and configuration', async () => {
    const connection = await hub.waitForConnections(moduleId, 1);
    expect(connection.deviceClientType).toMatch(new RegExp(`${PRODUCT_INFO.replace(/\./g, '\\.')}$`));
    const twin = await reported();
    expect(twin.agent).toMatchObject({ version: expect.any(String), engineReachable: true });
    expect(twin.config?.status).toBe('applied');
    // A null in a twin patch deletes the property: no error, no key.
    expect(twin.config && 'error' in twin.config).toBe(false);
    const limits = twin.health?.checks.containers_limits;
    expect(limits?.id).toBe('containers.limits');
    expect(Object.values(limits?.worst ?? {}).some((w) => w.subject === plant.name('unlimited'))).toBe(true);
    expect(hub.rejections).toEqual([]);
  });

  it('sends health telemetry with routing properties after each cycle', async () => {
    const event = await hub.waitForEvent(moduleId, (e) => e.outputName === 'health');
    expect(event).toMatchObject({ contentType: 'application/json', contentEncoding: 'utf-8', properties: { messageType: 'health', status: expect.stringMatching(/^(ok|warning|error)$/) } });
    const body = JSON.parse(event.body.toString()) as { checks: Record<string, string> };
    expect(body.checks['containers.limits']).toBe('warning');
    expect(event.body.length).toBeLessThanOrEqual(4096);
  });

  it('applies a desired threshold, echoes it with its version, and alerts on the change it causes', async () => {
    const debugLines = () => agent.logs().filter((l) => l.logLevel === 7).length;
    expect(debugLines()).toBe(0);
    await setDesired({ diskFreeWarnPercent: 100, diskFreeErrorPercent: 0, logLevel: 'debug' });
    const twin = await eventually(reported, (r) => r.config?.applied.diskFreeWarnPercent === 100 && r.health?.checks.disk_space.status === 'warning');
    expect(twin.config?.desiredVersion).toEqual(expect.any(Number));
    const alert = await hub.waitForEvent(moduleId, (e) => e.outputName === 'alerts' && e.properties.checkId === 'disk.space', 30_000);
    expect(alert.properties).toMatchObject({ messageType: 'alert', status: 'warning', previousStatus: 'ok' });
    // The log level is a desired property too, applied to the running agent.
    await eventually(async () => debugLines(), (count) => count > 0);
  });

  it('rejects an invalid desired patch whole, naming the field, and keeps the last good configuration', async () => {
    await setDesired({ diskFreeWarnPercent: 'plenty', logWarnBytes: '1m' });
    const twin = await eventually(reported, (r) => r.config?.status === 'rejected');
    expect(twin.config?.error).toContain('properties.desired.diskFreeWarnPercent: expected a number, got "plenty"');
    expect(twin.config?.applied).toMatchObject({ diskFreeWarnPercent: 100 });
    expect(twin.config?.applied.logWarnBytes).not.toBe(1024 ** 2);
    await setDesired({ diskFreeWarnPercent: null, diskFreeErrorPercent: null, logWarnBytes: null });
    await eventually(reported, (r) => r.config?.status === 'applied' && r.config.applied.diskFreeWarnPercent === 20);
    // GetModuleLogs with "loglevel": 4 finds the rejection.
    expect(agent.logs().find((l) => l.logText.startsWith('[WRN] desired properties rejected'))?.logLevel).toBe(4);
  });

  it('serves Prometheus metrics labelled with the hub, device and module IoT Edge gave it', async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const [status] = seriesOf(parseExposition(text), 'edge_health_check_status');
    expect(status.labels).toMatchObject({ iothub: hub.hostName, edge_device: hub.deviceId, module_name: moduleId, instance_number: expect.any(String) });
  });

  it('answers direct methods with HTTP-style statuses', async () => {
    const run = await invoke('runChecks', {});
    expect(run.status).toBe(200);
    expect(run.payload).toMatchObject({ status: expect.any(String), checks: expect.any(Array) });
    const one = await invoke('getReport', { checkId: 'containers.limits', detail: 'full' });
    expect(one.status).toBe(200);
    expect((one.payload.results as { subject: string }[]).map((r) => r.subject)).toContain(plant.name('unlimited'));
    expect(await invoke('getReport', { checkId: 'disk.spaec' })).toMatchObject({ status: 404, payload: { field: 'checkId' } });
    expect(await invoke('runChecks', { detail: 'everything' })).toMatchObject({ status: 400, payload: { field: 'detail' } });
    const config = await invoke('getConfig', null);
    expect(config).toMatchObject({ status: 200, payload: { origins: { productInfo: 'env', schedule: 'env', logWarnBytes: 'default' } } });
  });

  it('prunes a volume from the cloud: dry run first, then for real, and the reported health follows', async () => {
    const listed = (r: Reported) => Object.values(r.health?.checks.volumes_unused?.worst ?? {}).some((w) => w.subject === plant.name('leftover'));
    await setDesired({ reportedSubjectsPerCheck: 20 });
    await eventually(reported, listed);

    const request = { names: [plant.name('leftover')], olderThanHours: 0 };
    const dry = await invoke('pruneVolumes', request);
    expect(dry).toMatchObject({ status: 200, payload: { dryRun: true, removedCount: 1, removed: [{ name: plant.name('leftover') }] } });
    const volumes = async () => ((await plant.docker.listVolumes()).Volumes ?? []).map((v) => v.Name);
    expect(await volumes()).toContain(plant.name('leftover'));

    const real = await invoke('pruneVolumes', { ...request, dryRun: false });
    expect(real).toMatchObject({ status: 200, payload: { dryRun: false, removedCount: 1, reclaimedBytes: expect.any(Number) } });
    expect(await volumes()).not.toContain(plant.name('leftover'));
    expect(await volumes()).toContain(plant.name('bystander'));

    const event = await hub.waitForEvent(moduleId, (e) => e.outputName === 'alerts' && e.properties.messageType === 'action');
    expect(event.properties).toEqual({ messageType: 'action', action: 'pruneVolumes' });
    expect(JSON.parse(event.body.toString())).toMatchObject({ removedCount: 1, requestedBy: 'direct method' });
    await eventually(reported, (r) => r.health !== undefined && !listed(r));
    expect(await invoke('pruneVolumes', { dryrun: false })).toMatchObject({ status: 400, payload: { field: 'dryrun' } });
  });

  it('reconnects after the hub goes away, takes the desired change made meanwhile, and reports again', async () => {
    await hub.stopMqtt();
    await setDesired({ restartWarnCount: 42 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await reported()).config?.applied.restartWarnCount).not.toBe(42);
    await hub.startMqtt();
    await hub.waitForConnections(moduleId, 2, 60_000);
    await eventually(reported, (r) => r.config?.applied.restartWarnCount === 42, 60_000);
  });

  it('also connects with an EdgeHubConnectionString and the CA file IoT Edge names beside it', async () => {
    const other = hub.addModule('edgeHealthByString');
    const caFile = path.join(mkdtempSync(path.join(tmpdir(), 'eh-ca-')), 'edge-ca.pem');
    writeFileSync(caFile, hub.edgeCa);
    const byString = startAgent(['run'], {
      ...process.env,
      NODE_EXTRA_CA_CERTS: undefined,
      EdgeHubConnectionString: hub.moduleConnectionString(other),
      EdgeModuleCACertificateFile: caFile,
      EDGE_HEALTH_PRODUCT_INFO: PRODUCT_INFO,
    });
    try {
      const connection = await hub.waitForConnections(other, 1, 30_000);
      expect(connection.deviceClientType).toMatch(new RegExp(`${PRODUCT_INFO.replace(/\./g, '\\.')}$`));
      await eventually(async () => (await hub.registry().getModuleTwin(hub.deviceId, other)).responseBody.properties?.reported as Reported, (r) => r.health !== undefined);
    } finally {
      await byString.stop();
    }
  });

  it('stops cleanly within seconds on SIGTERM', async () => {
    const { code, ms } = await agent.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(8_000);
  });

  it('wrote every log line of the run as edgeAgent parses module logs: a severity, a timestamp, one event per line', () => {
    const lines = agent.logs();
    console.info(`module log (first lines):\n${lines.slice(0, 8).map((l) => l.line).join('\n')}`);
    expect(lines.length).toBeGreaterThan(10);
    for (const { line, logLevel, timestamp } of lines) {
      expect(logLevel, line).toBeDefined();
      expect(timestamp, line).toBeDefined();
    }
    expect(new Set(lines.map((l) => l.logLevel))).toEqual(new Set([4, 6, 7]));
    expect(lines.filter((l) => l.logText.startsWith('[INF] stopped'))).toHaveLength(1);
  });
});
