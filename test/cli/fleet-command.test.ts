// `edge-health fleet` against the local test hub: a fleet of simulated devices (module twins with
// reported health, some stale, some without the agent) plus one device running the real agent.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AgentProcess, startAgent } from '../support/agent-process.js';
import { runCli } from '../support/cli.js';
import { Plant, describeWithEngine } from '../support/engine.js';
import { type TestHub, startTestHub } from '../support/hub/index.js';

const MODULE = 'edgeHealth';
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function reported(status: 'ok' | 'warning' | 'error', lastCycle: string, schedule: string, failing: Record<string, 'warning' | 'error'> = {}) {
  const checks: Record<string, { id: string; status: string }> = { disk_inodes: { id: 'disk.inodes', status: 'ok' } };
  for (const [id, checkStatus] of Object.entries(failing)) checks[id.replace('.', '_')] = { id, status: checkStatus };
  return { health: { status, lastCycle, durationMs: 40, checks }, config: { status: 'applied', applied: { schedule } } };
}

/** name → what its agent last reported; undefined: the module is there but never reported. */
const SIMULATED: Record<string, ReturnType<typeof reported> | undefined> = {};
for (let i = 1; i <= 8; i += 1) SIMULATED[`line-ok-${i}`] = reported('ok', minutesAgo(2), '*/5 * * * *');
for (let i = 1; i <= 3; i += 1) SIMULATED[`hourly-ok-${i}`] = reported('ok', minutesAgo(90), '0 * * * *');
for (let i = 1; i <= 5; i += 1) SIMULATED[`line-warn-${i}`] = reported('warning', minutesAgo(3), '*/5 * * * *', { 'volumes.unused': 'warning', 'logs.policy': 'warning' });
for (let i = 1; i <= 4; i += 1) SIMULATED[`line-error-${i}`] = reported('error', minutesAgo(1), '*/5 * * * *', { 'disk.space': 'error', 'logs.size': 'warning' });
for (let i = 1; i <= 4; i += 1) SIMULATED[`line-stale-${i}`] = reported('ok', minutesAgo(120), '*/5 * * * *');
SIMULATED['line-new-1'] = undefined;
const WITHOUT_AGENT = ['camera-1', 'camera-2', 'camera-3'];
const PAGE_SIZE = 7;

describeWithEngine('edge-health fleet against the local hub', () => {
  const plant = new Plant();
  let hub: TestHub;
  let agent: AgentProcess;
  let env: Record<string, string>;
  let leftover: string;

  beforeAll(async () => {
    leftover = await plant.volume('old-cache', { bytes: 64 * 1024 });
    hub = await startTestHub({ deviceId: 'gateway-real' });
    const moduleId = hub.addModule(MODULE);
    for (const [deviceId, twin] of Object.entries(SIMULATED)) {
      hub.addModule(MODULE, deviceId);
      if (twin) hub.simulateReported(deviceId, MODULE, twin);
    }
    for (const deviceId of WITHOUT_AGENT) hub.addModule('tempSensor', deviceId);
    agent = startAgent(['run'], { ...process.env, NODE_EXTRA_CA_CERTS: undefined, ...hub.moduleEnv(moduleId), EDGE_HEALTH_SCHEDULE: '*/3 * * * * *', EDGE_HEALTH_JITTER_SECONDS: '0' });
    env = { IOTHUB_CONNECTION_STRING: hub.serviceConnectionString };
    const deadline = Date.now() + 30_000;
    while (!(hub.twin(moduleId).properties as { reported?: { health?: unknown } }).reported?.health) {
      if (Date.now() > deadline) throw new Error(`the real agent did not report; logs:\n${agent.logs().map((l) => l.line).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  afterAll(async () => {
    await agent?.stop();
    await hub?.close();
    await plant.cleanup();
  });

  const secret = () => /SharedAccessKey=([^;]+)/.exec(hub.serviceConnectionString)?.[1] ?? 'no key';

  it('lists every device that runs the agent, worst first, across query pages, and exits 1', async () => {
    const before = hub.queries.length;
    const { code, stdout, stderr } = await runCli(['fleet', 'status', '--page-size', String(PAGE_SIZE)], env);
    console.info(`$ edge-health fleet status\n${stdout}`);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    const summary = lines.pop();
    const devices = Object.keys(SIMULATED).length + 1;
    // The real agent's status depends on this host; the simulated ones are known.
    const real = /^gateway-real +(\w+)/.exec(lines.find((l) => l.startsWith('gateway-real')) ?? '')?.[1] ?? 'missing';
    const counts: Record<string, number> = { ok: 11, warning: 5, error: 4, stale: 5 };
    counts[real] += 1;
    expect(summary).toBe(`${devices} devices: ${counts.ok} ok, ${counts.warning} warning, ${counts.error} error, ${counts.stale} stale`);
    const ids = lines.map((line) => line.split(/\s+/)[0]);
    expect(ids.sort()).toEqual([...Object.keys(SIMULATED), 'gateway-real'].sort());
    for (const camera of WITHOUT_AGENT) expect(stdout).not.toContain(camera);
    expect(lines.filter((l) => !l.startsWith('gateway-real'))[0]).toMatch(/^line-error-1 +error +disk\.space \(error\), logs\.size \(warning\) +\S+ \(1 min ago\)$/);
    expect(lines.find((l) => l.startsWith('line-stale-1'))).toMatch(/ stale \(ok\) +- +\S+ \(2 h ago\)$/);
    expect(lines.find((l) => l.startsWith('line-new-1'))).toMatch(/ stale +- +never reported$/);
    // Hourly devices are stale only after three hours.
    expect(lines.find((l) => l.startsWith('hourly-ok-1'))).toMatch(/^hourly-ok-1 +ok /);
    expect(lines.find((l) => l.startsWith('gateway-real'))).toMatch(/^gateway-real +(ok|warning|error) /);
    const pages = hub.queries.slice(before);
    expect(pages.length).toBe(Math.ceil(devices / PAGE_SIZE));
    expect(pages[0].continuation).toBeUndefined();
    expect(pages.slice(1).every((page) => page.continuation !== undefined)).toBe(true);
    expect(pages[0].query).toBe(`SELECT deviceId, properties.reported.health AS health, properties.reported.config.applied.schedule AS schedule FROM devices.modules WHERE moduleId = '${MODULE}'`);
  });

  it('filters by status and by a twin condition, and exits 0 when every listed device is ok', async () => {
    const stale = await runCli(['fleet', 'status', '--status', 'stale', '--json'], env);
    const rows = JSON.parse(stale.stdout) as { deviceId: string; status: string; reportedStatus: string | null; staleAfterMinutes: number }[];
    expect(rows.map((r) => r.deviceId).sort()).toEqual(['line-new-1', 'line-stale-1', 'line-stale-2', 'line-stale-3', 'line-stale-4']);
    expect(rows.find((r) => r.deviceId === 'line-stale-1')).toMatchObject({ status: 'stale', reportedStatus: 'ok', staleAfterMinutes: 15 });
    expect(stale.code).toBe(1);

    const failingDisk = await runCli(['fleet', 'status', '--where', "properties.reported.health.checks.disk_space.status = 'error'"], env);
    expect(failingDisk.stdout.trimEnd().split('\n').pop()).toBe('4 devices: 0 ok, 0 warning, 4 error, 0 stale');

    const healthy = await runCli(['fleet', 'status', '--status', 'ok', '--where', "properties.reported.health.status = 'ok'", '--stale-minutes', '240'], env);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toContain('hourly-ok-1');
    expect(healthy.stdout).toContain('line-stale-1');
  });

  it('refuses bad input and an unreachable or refusing hub with one line and exit 2, never printing the key', async () => {
    const runs = await Promise.all([
      runCli(['fleet', 'status', '--status', 'sick'], env),
      runCli(['fleet', 'status', '--stale-minutes', '0'], env),
      runCli(['fleet', 'status'], { IOTHUB_CONNECTION_STRING: undefined }),
      runCli(['fleet', 'status'], { IOTHUB_CONNECTION_STRING: hub.serviceConnectionString.replace(/SharedAccessKey=[^;]+/, 'SharedAccessKey=d3Jvbmc=') }),
      runCli(['fleet', 'status', '--timeout', '5'], { IOTHUB_CONNECTION_STRING: hub.serviceConnectionString.replace(/HostName=[^;]+/, 'HostName=127.0.0.1') }),
      runCli(['fleet', 'status', '--where', 'tags.site ~ 3'], env),
    ]);
    const messages = runs.map((run) => {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
      expect(run.stderr).not.toContain(secret());
      return run.stderr.trim();
    });
    expect(messages[0]).toBe('edge-health: --status: expected ok | warning | error | stale, got "sick"');
    expect(messages[1]).toBe('edge-health: --stale-minutes: expected a whole number from 1 to 525600, got "0"');
    expect(messages[2]).toMatch(/^edge-health: IOTHUB_CONNECTION_STRING is not set/);
    expect(messages[3]).toMatch(/refused IOTHUB_CONNECTION_STRING \(unauthorized\)/);
    expect(messages[4]).toMatch(/^edge-health: cannot reach IoT Hub 127\.0\.0\.1: ECONNREFUSED$/);
    expect(messages[5]).toMatch(/^edge-health: query: IoT Hub refused the request: /);
  });

  it('invokes a direct method on the real agent and prints the status and the answer', async () => {
    const ok = await runCli(['fleet', 'invoke', 'gateway-real', 'getReport', '{"checkId": "disk.space"}'], env);
    console.info(`$ edge-health fleet invoke gateway-real getReport '{"checkId": "disk.space"}'\n${ok.stdout.split('\n').slice(0, 6).join('\n')}\n…`);
    expect(ok.code, ok.stderr).toBe(0);
    const [statusLine, ...json] = ok.stdout.split('\n');
    expect(statusLine).toBe('status 200');
    expect(JSON.parse(json.join('\n'))).toMatchObject({ checks: [{ id: 'disk.space' }] });

    const notFound = await runCli(['fleet', 'invoke', 'gateway-real', 'getReport', '{"checkId": "disk.spaec"}'], env);
    expect(notFound.code).toBe(1);
    expect(notFound.stdout).toMatch(/^status 404\n/);
  });

  it('prunes one device safely: a dry run, then the real run of what it showed', async () => {
    const request = JSON.stringify({ names: [leftover], olderThanHours: 0 });
    const dry = await runCli(['fleet', 'invoke', 'gateway-real', 'pruneVolumes', request], env);
    console.info(`$ edge-health fleet invoke gateway-real pruneVolumes '${request}'\n${dry.stdout}`);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout.slice(dry.stdout.indexOf('\n')))).toMatchObject({ dryRun: true, removedCount: 1, removed: [{ name: leftover }] });
    const volumes = async () => ((await plant.docker.listVolumes()).Volumes ?? []).map((v) => v.Name);
    expect(await volumes()).toContain(leftover);
    const realRequest = JSON.stringify({ names: [leftover], olderThanHours: 0, dryRun: false });
    const real = await runCli(['fleet', 'invoke', 'gateway-real', 'pruneVolumes', realRequest], env);
    console.info(`$ edge-health fleet invoke gateway-real pruneVolumes '${realRequest}'\n${real.stdout}`);
    expect(real.code, real.stderr).toBe(0);
    expect(JSON.parse(real.stdout.slice(real.stdout.indexOf('\n')))).toMatchObject({ dryRun: false, removedCount: 1 });
    expect(await volumes()).not.toContain(leftover);
  });

  it('gives an offline device, a timeout and a payload that is not JSON one clear line each and a non-zero exit', async () => {
    const offline = await runCli(['fleet', 'invoke', 'line-ok-1', 'getReport'], env);
    const timeout = await runCli(['fleet', 'invoke', 'gateway-real', 'noSuchMethod', '{}', '--timeout', '5'], env);
    // Refused before any request: the hub named here does not exist, and the error is the payload's.
    const notJson = await runCli(['fleet', 'invoke', 'gateway-real', 'pruneVolumes', "{dryRun: false}"], { IOTHUB_CONNECTION_STRING: 'HostName=no-such-hub.invalid;SharedAccessKeyName=service;SharedAccessKey=eA==' });
    const badTimeout = await runCli(['fleet', 'invoke', 'gateway-real', 'getReport', '--timeout', '2'], env);
    for (const run of [offline, timeout, notJson, badTimeout]) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
      expect(run.stderr).not.toContain('    at ');
    }
    expect(offline.stderr.trim()).toBe('edge-health: getReport on line-ok-1/edgeHealth: the device is offline (the module is not connected to IoT Hub)');
    expect(timeout.stderr.trim()).toBe('edge-health: noSuchMethod on gateway-real/edgeHealth: no answer within 5 s (the module is connected but did not respond; is the method name right?)');
    expect(notJson.stderr).toMatch(/^edge-health: jsonPayload is not JSON \(.+\); nothing was sent/);
    expect(badTimeout.stderr.trim()).toBe('edge-health: --timeout: expected a whole number from 5 to 300, got "2"');
  });
});
