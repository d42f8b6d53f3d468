// Faults an operator meets, against the real module process, the unmodified SDK and the local hub
// (and the private engine): each scenario asserts what the operator would observe. Scenarios are
// independent and run side by side; outages are kept short where the point holds.
import { createServer, type Server } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentProcess, startAgent } from '../support/agent-process.js';
import { Plant, describeWithEngine } from '../support/engine.js';
import { PRUNE_RULES, READ_ONLY_RULES, startSocketProxy } from '../support/socket-proxy.js';
import { type TestHub, startTestHub } from '../support/hub/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, read: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

interface Scenario {
  hub: TestHub;
  moduleId: string;
  agent: AgentProcess;
  cycles(): number[];
  invoke(methodName: string, payload?: unknown): Promise<{ status: number; payload: unknown }>;
}

const started: Scenario[] = [];

async function scenario(env: Record<string, string> = {}): Promise<Scenario> {
  const hub = await startTestHub();
  const moduleId = hub.addModule('edgeHealth');
  const agent = startAgent(['run'], {
    ...process.env,
    NODE_EXTRA_CA_CERTS: undefined,
    ...hub.moduleEnv(moduleId),
    EDGE_HEALTH_SCHEDULE: '* * * * * *',
    EDGE_HEALTH_JITTER_SECONDS: '0',
    EDGE_HEALTH_LOG_LEVEL: 'info',
    EDGE_HEALTH_VOLUME_SIZES: 'false',
    ...env,
  });
  const s: Scenario = {
    hub,
    moduleId,
    agent,
    cycles: () => agent.logs().filter((l) => l.logText.includes('cycle finished')).map((l) => Date.parse(l.timestamp ?? '')),
    invoke: async (methodName, payload = null) => {
      const { result } = await hub.serviceClient().invokeDeviceMethod(hub.deviceId, moduleId, { methodName, payload, responseTimeoutInSeconds: 10 });
      return result as { status: number; payload: unknown };
    },
  };
  started.push(s);
  await hub.waitForConnections(moduleId, 1, 30_000);
  return s;
}

describeWithEngine('the module under faults', () => {
  afterAll(async () => {
    await Promise.all(started.map(async ({ agent, hub }) => {
      await agent.stop();
      await hub.close();
    }));
  });

  describe.concurrent('side by side', () => {
    it('SIGTERM during a real prune: the delete in flight finishes, the call is answered and an action event says where it stopped; exit within 5 s', async () => {
      const plant = new Plant();
      const proxy = await startSocketProxy((process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, ''), [...READ_ONLY_RULES, ...PRUNE_RULES], { holdDeletesMs: 700 });
      try {
        const names = await Promise.all(['t1', 't2', 't3', 't4', 't5', 't6'].map((base) => plant.volume(base)));
        const s = await scenario({ DOCKER_HOST: proxy.dockerHost, EDGE_HEALTH_SCHEDULE: '0 0 1 1 *' });
        await until('listening for methods', () => s.hub.subscriptions(s.moduleId).some((t) => t.startsWith('$iothub/methods/POST')), 30_000);
        const answer = s.invoke('pruneVolumes', { dryRun: false, names, olderThanHours: 0 });
        await until('the first delete', () => proxy.seen.some((r) => r.method === 'DELETE'), 30_000);
        const { code, ms } = await s.agent.stop();
        expect(code).toBe(0);
        expect(ms).toBeLessThan(5_000);
        const result = (await answer) as { status: number; payload: { removedCount: number; interrupted?: { after: number; of: number } } };
        expect(result.status).toBe(200);
        expect(result.payload.interrupted).toEqual({ after: result.payload.removedCount, of: 6 });
        expect(result.payload.removedCount).toBeGreaterThanOrEqual(1);
        expect(result.payload.removedCount).toBeLessThan(6);
        const event = s.hub.events(s.moduleId).find((e) => e.properties.messageType === 'action');
        expect(JSON.parse(event?.body.toString() ?? '{}')).toMatchObject({ action: 'pruneVolumes', interrupted: { of: 6 } });
        expect(s.agent.logs().some((l) => l.logText.includes('prune interrupted'))).toBe(true);
        // Exactly the deletes it reports went out; the rest of the volumes are still there.
        const { Volumes } = await plant.docker.listVolumes();
        expect((Volumes ?? []).filter((v) => names.includes(v.Name)).length).toBe(6 - result.payload.removedCount);
      } finally {
        await proxy.close();
        await plant.cleanup();
      }
    }, 90_000);

    it('one lost reported-properties response: cycles and methods go on, and the state still reaches the twin', async () => {
      const s = await scenario();
      s.hub.faults.loseReportedResponses = 1;
      await until('the first cycle', () => s.cycles().length >= 1, 30_000);
      const lostAt = Date.now();
      await until('cycles after the lost response', () => s.cycles().filter((t) => t > lostAt).length >= 3, 20_000);
      expect((await s.invoke('getConfig')).status).toBe(200);
      await until('the health section on the twin', () => (s.hub.twin(s.moduleId) as { properties: { reported: { health?: unknown } } }).properties.reported.health, 30_000);
      expect(s.hub.rejections.some((r) => r.includes('its response lost'))).toBe(true);
    }, 90_000);

    it('edgeHub down 8 s: cycles go on at the schedule, and within seconds of its return methods answer and the twin is fresh', async () => {
      const plant = new Plant();
      try {
        const s = await scenario();
        const reportedHealth = () => JSON.stringify((s.hub.twin(s.moduleId) as { properties: { reported: { health?: unknown } } }).properties.reported.health);
        await until('two cycles', () => s.cycles().length >= 2, 30_000);
        await s.hub.stopMqtt();
        const downAt = Date.now();
        const healthBefore = reportedHealth();
        // What an operator reads changes while the hub is away: the state the agent owes the twin on its return.
        await plant.volume('outage');
        await sleep(8_000);
        const during = s.cycles().filter((t) => t > downAt).length;
        // A one-second schedule: a cycle in most seconds of the outage, not one blocked behind the hub.
        expect(during).toBeGreaterThanOrEqual(5);
        await s.hub.startMqtt();
        const backAt = Date.now();
        await s.hub.waitForConnections(s.moduleId, 2, 30_000);
        const reconnectedAt = Date.now();
        expect((await s.invoke('getConfig')).status).toBe(200);
        await until('the health found during the outage on the twin', () => reportedHealth() !== healthBefore, 10_000);
        // Only the agent's own log lines, on stderr: nothing from node-cron or the SDK on the console.
        expect(s.agent.stdoutLines()).toEqual([]);
        expect(s.agent.logs().filter((l) => l.logLevel === undefined).map((l) => l.line)).toEqual([]);
        expect(s.agent.logs().length).toBeGreaterThan(0);
        console.info(`edgeHub outage: ${during} cycles in 8 s down; reconnected ${reconnectedAt - backAt} ms after the hub returned; fresh twin ${Date.now() - reconnectedAt} ms later`);
      } finally {
        await plant.cleanup();
      }
    }, 90_000);

    it('edgeHub restarts refusing auth: CONNECTs come less and less often, and once it accepts the module is back by itself with a fresh twin and methods', async () => {
      const s = await scenario();
      const reported = () => (s.hub.twin(s.moduleId) as { properties: { reported: { config?: { desiredVersion?: number } } } }).properties.reported;
      await until('two cycles', () => s.cycles().length >= 2, 30_000);
      await until('listening for methods', () => s.hub.subscriptions(s.moduleId).some((t) => t.startsWith('$iothub/methods/POST')), 30_000);
      await s.hub.stopMqtt();
      s.hub.faults.refuseAuth = true;
      await s.hub.startMqtt();
      const restartedAt = Date.now();
      const refused = () => s.hub.connectAttempts.filter((at) => at.getTime() >= restartedAt).map((at) => at.getTime());
      // Changed while the module cannot get in: the state it owes the twin when it is back.
      const { responseBody } = await s.hub.registry().getModuleTwin(s.hub.deviceId, s.moduleId);
      await s.hub.registry().updateModuleTwin(s.hub.deviceId, s.moduleId, { properties: { desired: { diskFreeWarnPercent: 25 } } }, responseBody.etag);
      const desiredVersion = (await s.hub.registry().getModuleTwin(s.hub.deviceId, s.moduleId)).responseBody.properties.desired.$version as number;

      // Cycles each second, each wanting to send: without one pace they meant a CONNECT a second.
      const attempts = await until('five refused CONNECTs', () => refused().length >= 5 && refused().slice(0, 5), 60_000);
      const gaps = attempts.slice(1).map((at, i) => at - attempts[i]);
      // Half the first step (1 s) is the shortest wait; then each step doubles, jittered within its upper half.
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(450);
      expect(gaps[3]).toBeGreaterThanOrEqual(2 * gaps[0]);
      expect(gaps[2] + gaps[3]).toBeGreaterThan(gaps[0] + gaps[1]);
      expect(s.agent.logs().some((l) => l.logText.includes('edgeHub connection failed; next attempt after a pause'))).toBe(true);

      s.hub.faults.refuseAuth = false;
      const acceptedAt = Date.now();
      const connectionsBefore = s.hub.connections(s.moduleId).length;
      // The next attempt is one backoff step (8–16 s after the fifth) away, whatever else the module does.
      await s.hub.waitForConnections(s.moduleId, connectionsBefore + 1, 30_000);
      const reconnectedAt = Date.now();
      expect(reconnectedAt - acceptedAt).toBeLessThan(20_000);
      await until('the desired change made meanwhile, reported as applied', () => reported().config?.desiredVersion === desiredVersion, 10_000);
      expect((await s.invoke('getConfig')).status).toBe(200);
      console.info(`auth refused: CONNECT gaps ${gaps.join(', ')} ms; reconnected ${reconnectedAt - acceptedAt} ms after auth was accepted again; twin fresh ${Date.now() - reconnectedAt} ms later`);
    }, 120_000);

    it('SIGTERM during the first cycle (an engine that never answers): exits within 5 s', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'eh-hung-'));
      const socket = path.join(dir, 'docker.sock');
      const hung: Server = createServer(() => {}).listen(socket);
      try {
        const s = await scenario({ DOCKER_HOST: `unix://${socket}`, EDGE_HEALTH_COLLECT_TIMEOUT_SECONDS: '60' });
        await until('connected', () => s.agent.logs().some((l) => l.logText.includes('connected to edgeHub')), 30_000);
        await sleep(500);
        expect(s.cycles()).toEqual([]);
        const { code, ms } = await s.agent.stop();
        expect(code).toBe(0);
        expect(ms).toBeLessThan(5_000);
      } finally {
        hung.close();
      }
    }, 90_000);
  });
});
