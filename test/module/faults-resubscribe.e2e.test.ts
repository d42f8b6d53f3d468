// edgeHub restarted without its session state (a new container, no persistent store): the broker
// no longer knows what the module subscribed to. Against the real module process, the unmodified
// SDK and the local hub, the module must be back by itself — methods answered, desired changes
// applied and reported, fresh health sent — not connected but deaf.
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentProcess, startAgent } from '../support/agent-process.js';
import { type TestHub, startTestHub } from '../support/hub/index.js';
import { sleep, until } from '../support/until.js';

const METHODS = '$iothub/methods/POST/#';
const DESIRED = '$iothub/twin/PATCH/properties/desired/#';
const TWIN_RESPONSES = '$iothub/twin/res/#';

describe('edgeHub restarted without its sessions', () => {
  let hub: TestHub;
  let agent: AgentProcess | undefined;
  afterAll(async () => {
    await agent?.stop();
    await hub?.close();
  });

  it('the module subscribes again to methods and the twin by itself: a method is answered, a desired change applied and reported, fresh health sent', async () => {
    hub = await startTestHub();
    const moduleId = hub.addModule('edgeHealth');
    agent = startAgent(['run'], {
      ...process.env,
      NODE_EXTRA_CA_CERTS: undefined,
      ...hub.moduleEnv(moduleId),
      EDGE_HEALTH_SCHEDULE: '* * * * * *',
      EDGE_HEALTH_JITTER_SECONDS: '0',
      EDGE_HEALTH_LOG_LEVEL: 'info',
      EDGE_HEALTH_VOLUME_SIZES: 'false',
    });
    const logged = (text: string) => agent?.logs().filter((l) => l.logText.includes(text)) ?? [];
    const subscribed = () => hub.subscriptions(moduleId);
    const reportedConfig = () => (hub.twin(moduleId) as { properties: { reported: { config?: { desiredVersion?: number; applied?: Record<string, unknown> } } } }).properties.reported.config;
    const setDesired = async (desired: Record<string, unknown>) => {
      // Unconditional: the module's reported patches move the etag between a read and the update.
      await hub.registry().updateModuleTwin(hub.deviceId, moduleId, { properties: { desired } }, '*');
      return (await hub.registry().getModuleTwin(hub.deviceId, moduleId)).responseBody.properties.desired.$version as number;
    };

    await hub.waitForConnections(moduleId, 1, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; agent log:\n${agent?.logs().map((l) => l.line).join('\n')}`);
    });
    await until('listening for methods and desired properties', () => [METHODS, DESIRED, TWIN_RESPONSES].every((t) => subscribed().includes(t)), 30_000);
    await until('the first cycle', () => logged('cycle finished').length >= 1, 30_000);

    await hub.stopMqtt({ forgetSessions: true });
    expect(subscribed()).toEqual([]);
    // The SDK retries nothing itself: the agent's own loop takes over at once, not after the SDK's 4 minutes.
    await until('the agent reconnecting', () => logged('disconnected from edgeHub; reconnecting').length >= 1, 10_000);
    // Changed while the hub is away: the module learns it by reading the twin again on its return.
    const whileAway = await setDesired({ diskFreeWarnPercent: 25 });
    await sleep(2_000);
    await hub.startMqtt();
    const backAt = Date.now();
    await hub.waitForConnections(moduleId, 2, 30_000);
    const reconnectedAt = Date.now();
    expect(hub.connections(moduleId)[1].cleanSession).toBe(false);

    await until('subscribed again to methods, desired patches and twin responses', () => [METHODS, DESIRED, TWIN_RESPONSES].every((t) => subscribed().includes(t)), 10_000);
    expect((await hub.serviceClient().invokeDeviceMethod(hub.deviceId, moduleId, { methodName: 'getConfig', payload: null, responseTimeoutInSeconds: 10 })).result).toMatchObject({ status: 200 });
    await until('the change made while away, applied and reported', () => reportedConfig()?.desiredVersion === whileAway, 10_000, () => ({ whileAway, config: reportedConfig(), log: logged('').slice(-15).map((l) => l.line) }));
    // Made after the return: it reaches the module only through the desired-properties subscription.
    const afterReturn = await setDesired({ diskFreeWarnPercent: 30 });
    await until('the change made after the return, applied and reported', () => reportedConfig()?.desiredVersion === afterReturn && reportedConfig()?.applied?.diskFreeWarnPercent === 30, 10_000);
    await hub.waitForEvent(moduleId, (event) => event.outputName === 'health' && event.receivedAt.getTime() > reconnectedAt, 10_000);
    expect(logged('reconnected to edgeHub').length).toBeGreaterThanOrEqual(1);
    console.info(`edgeHub without sessions: reconnected ${reconnectedAt - backAt} ms after it returned; subscriptions, method, desired and health within ${Date.now() - reconnectedAt} ms more`);
  }, 90_000);
});
