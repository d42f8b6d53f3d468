// The Prometheus endpoint of `edge-health run --local`, scraped over HTTP as metrics-collector
// does, against the private engine: parsed by a real parser and checked by promtool.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AgentProcess, startAgent } from '../support/agent-process.js';
import { Plant, describeWithEngine } from '../support/engine.js';
import { freePort } from '../support/free-port.js';
import { parseExposition, promtoolCheck, seriesOf } from '../support/prometheus.js';

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
if (!hasPromtool && process.env.CI) throw new Error('CI runs promtool on a real scrape: scripts/test.sh installs it (scripts/promtool.sh)');

const MiB = 1024 ** 2;
const IOTEDGE_ENV = { IOTEDGE_IOTHUBHOSTNAME: 'contoso.azure-devices.net', IOTEDGE_DEVICEID: 'gateway-7', IOTEDGE_MODULEID: 'edgeHealth' };

async function scrape(port: number, path = '/metrics', method = 'GET'): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, { method, signal: AbortSignal.timeout(5_000) });
}

async function firstCycle(port: number, agent: AgentProcess): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = await scrape(port).then((r) => r.text()).catch(() => '');
    if (text.includes('edge_health_last_success_timestamp_seconds')) return text;
    if (Date.now() > deadline) throw new Error(`no cycle on the endpoint within 30 s; agent logs:\n${agent.logs().map((l) => l.line).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describeWithEngine('the metrics endpoint of run --local', () => {
  const plant = new Plant();
  let port: number;
  let agent: AgentProcess;
  let text: string;

  beforeAll(async () => {
    await plant.container({ name: 'limited', memoryBytes: 64 * MiB, logConfig: { Type: 'json-file' }, cmd: ['sh', '-c', 'head -c 20000 /dev/zero | tr "\\0" x; echo; sleep 3600'] });
    await plant.volume('leftover', { bytes: MiB });
    port = await freePort();
    agent = startAgent(['run', '--local', '--json', '--metrics-enabled', '--metrics-port', String(port)], {
      ...process.env,
      ...IOTEDGE_ENV,
      EDGE_HEALTH_SCHEDULE: '*/2 * * * * *',
      EDGE_HEALTH_JITTER_SECONDS: '0',
      EDGE_HEALTH_LOG_LEVEL: 'info',
    });
    text = await firstCycle(port, agent);
  });

  afterAll(async () => {
    await agent?.stop();
    await plant.cleanup();
  });

  it('answers the latest cycle in the text format, every series with the IoT Edge labels', async () => {
    const response = await scrape(port);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parseExposition(await response.text());
    const instance = seriesOf(families, 'edge_health_build_info')[0].labels.instance_number;
    expect(instance).toMatch(/^[0-9a-f-]{36}$/);
    for (const family of families.values()) {
      for (const m of family.metrics) expect(m.labels, family.name).toMatchObject({ iothub: 'contoso.azure-devices.net', edge_device: 'gateway-7', module_name: 'edgeHealth', instance_number: instance });
    }
    const limited = plant.name('limited');
    expect(seriesOf(families, 'edge_health_container_memory_limit_bytes')).toContainEqual({ labels: expect.objectContaining({ container: limited }), value: 64 * MiB });
    expect(seriesOf(families, 'edge_health_container_memory_usage_bytes').some((s) => s.labels.container === limited && s.value > 0)).toBe(true);
    expect(seriesOf(families, 'edge_health_container_log_bytes').find((s) => s.labels.container === limited)?.value).toBeGreaterThan(20_000);
    expect(seriesOf(families, 'edge_health_volumes_unused')[0].value).toBeGreaterThanOrEqual(1);
    expect(seriesOf(families, 'edge_health_check_status')).toContainEqual({ labels: expect.objectContaining({ check: 'volumes.unused', subject: plant.name('leftover') }), value: 0 });
    const root = seriesOf(families, 'edge_health_filesystem_size_bytes').find((s) => s.labels.mountpoint === '/');
    expect(root?.labels).toMatchObject({ device: expect.any(String), fstype: expect.any(String) });
    const lastSuccess = seriesOf(families, 'edge_health_last_success_timestamp_seconds')[0].value;
    expect(Math.abs(lastSuccess - Date.now() / 1000)).toBeLessThan(60);
    console.info(`$ curl http://localhost:${port}/metrics\n${text}`);
  });

  it.skipIf(!hasPromtool)(`passes promtool check metrics${hasPromtool ? '' : ' [skipped: promtool missing; scripts/promtool.sh installs it]'}`, async () => {
    const check = await promtoolCheck(text);
    expect(check, 'promtool ran').toBeDefined();
    expect(check?.output).toBe('');
    expect(check?.code).toBe(0);
  });

  it('serves only /metrics, and only GET and HEAD', async () => {
    expect((await scrape(port, '/')).status).toBe(404);
    expect((await scrape(port, '/metrics', 'POST')).status).toBe(405);
    const head = await scrape(port, '/metrics', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('follows the cycles', async () => {
    const before = seriesOf(parseExposition(text), 'edge_health_last_success_timestamp_seconds')[0].value;
    const deadline = Date.now() + 20_000;
    let after = before;
    while (after === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = seriesOf(parseExposition(await (await scrape(port)).text()), 'edge_health_last_success_timestamp_seconds')[0].value;
    }
    expect(after).toBeGreaterThan(before);
  });

  it('logs an error when its port is taken, and the checks go on without the endpoint', async () => {
    const second = startAgent(['run', '--local', '--json', '--metrics-enabled', '--metrics-port', String(port), '--disabled-checks', 'volumes.unused'], {
      ...process.env,
      EDGE_HEALTH_VOLUME_SIZES: 'false',
    });
    try {
      const deadline = Date.now() + 30_000;
      let reports = 0;
      while (reports === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        reports = second.stdoutLines().filter((line) => line.startsWith('{')).length;
      }
      expect(reports).toBeGreaterThan(0);
      const refused = second.logs().find((l) => l.logText.startsWith('[ERR] metrics endpoint not started'));
      expect(refused?.logLevel).toBe(3);
      expect(refused?.logText).toContain(`port=${port}`);
      expect(refused?.logText).toContain('EADDRINUSE');
    } finally {
      await second.stop();
    }
  });
});
