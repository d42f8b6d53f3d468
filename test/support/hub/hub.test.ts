// Proves the test hub with the raw, unmodified Azure IoT SDKs and no edge-health code: the
// module side through ModuleClient.fromEnvironment (the IoT Edge workload API path) over MQTT,
// the service side through azure-iothub's Registry and Client.
import { randomBytes } from 'node:crypto';
import iotDevice, { type ModuleClient, type Twin } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './index.js';

const { IotEdgeAuthenticationProvider, Message, ModuleClient: ModuleClients } = iotDevice;
const PRODUCT_INFO = 'com-example.edge-health-test.sku1';
const DESIRED_PATCHES = '$iothub/twin/PATCH/properties/desired/#';

let hub: TestHub;
const openClients: ModuleClient[] = [];

beforeAll(async () => {
  hub = await startTestHub();
});

afterEach(async () => {
  await Promise.all(openClients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await hub?.close();
});

/** ModuleClient.fromEnvironment with the module's IOTEDGE_* variables in process.env while it reads them. */
async function fromEnvironment(env: Record<string, string>): Promise<ModuleClient> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await ModuleClients.fromEnvironment(Mqtt);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The workload API's trust bundle, fetched as fromEnvironment fetches it. */
function trustBundle(env: Record<string, string>): Promise<string> {
  const provider = new IotEdgeAuthenticationProvider({
    workloadUri: env.IOTEDGE_WORKLOADURI,
    deviceId: env.IOTEDGE_DEVICEID,
    moduleId: env.IOTEDGE_MODULEID,
    iothubHostName: env.IOTEDGE_IOTHUBHOSTNAME,
    authScheme: env.IOTEDGE_AUTHSCHEME,
    gatewayHostName: env.IOTEDGE_GATEWAYHOSTNAME,
    generationId: env.IOTEDGE_MODULEGENERATIONID,
  });
  return new Promise((resolve, reject) => provider.getTrustBundle((error, ca) => (error ? reject(error) : resolve(ca as string))));
}

/**
 * The correct way to set ProductInfo on a fromEnvironment client: setOptions replaces the
 * transport's options, so the trust-bundle CA goes in the same call, or TLS to edgeHub fails.
 */
async function openModule(moduleId: string): Promise<ModuleClient> {
  const env = hub.moduleEnv(moduleId);
  const client = await fromEnvironment(env);
  openClients.push(client);
  await client.setOptions({ ca: await trustBundle(env), productInfo: PRODUCT_INFO });
  await client.open();
  return client;
}

function report(twin: Twin, patch: object): Promise<void> {
  return new Promise((resolve, reject) => twin.properties.reported.update(patch, (error?: Error) => (error ? reject(error) : resolve())));
}

describe('test hub, module side through the workload API and MQTT', () => {
  it('serves the twin, takes reported properties and shows them to the service Registry', async () => {
    const moduleId = hub.addModule();
    await hub.registry().updateModuleTwin(hub.deviceId, moduleId, { properties: { desired: { intervalMinutes: 5 } } }, '*');
    const client = await openModule(moduleId);

    const twin = await client.getTwin();
    expect(twin.properties.desired).toMatchObject({ intervalMinutes: 5, $version: 2 });
    await report(twin, { health: { status: 'warning', counts: { ok: 3, warning: 1 } } });

    const { responseBody } = await hub.registry().getModuleTwin(hub.deviceId, moduleId);
    expect(responseBody.properties.reported).toMatchObject({ health: { status: 'warning', counts: { ok: 3, warning: 1 } }, $version: 2 });
    expect(responseBody).toMatchObject({ deviceId: hub.deviceId, moduleId, connectionState: 'Connected' });
  });

  it('pushes desired-property patches sent through Registry.updateModuleTwin to the module', async () => {
    const moduleId = hub.addModule();
    const twin = await (await openModule(moduleId)).getTwin();
    const patches: Record<string, unknown>[] = [];
    twin.on('properties.desired', (patch: Record<string, unknown>) => patches.push(patch));
    await expect.poll(() => hub.subscriptions(moduleId)).toContain(DESIRED_PATCHES);

    const { responseBody } = await hub.registry().getModuleTwin(hub.deviceId, moduleId);
    await responseBody.update({ properties: { desired: { thresholds: { diskFreeWarnPercent: 25 } } } });

    await expect.poll(() => patches.at(-1), { timeout: 5_000 }).toEqual({ thresholds: { diskFreeWarnPercent: 25 }, $version: 2 });
  });

  it('refuses a stale etag on a twin update', async () => {
    const moduleId = hub.addModule();
    await expect(hub.registry().updateModuleTwin(hub.deviceId, moduleId, { properties: { desired: { a: 1 } } }, 'stale')).rejects.toThrow(/etag/);
  });

  it('refuses reported properties IoT Hub would refuse, saying why', async () => {
    const moduleId = hub.addModule();
    const twin = await (await openModule(moduleId)).getTwin();

    await expect(report(twin, { 'disk.space': { status: 'ok' } })).rejects.toThrow(/"disk\.space"/);
    await expect(report(twin, { big: 'x'.repeat(5000) })).rejects.toThrow(/longer than 4 KB/);
    const nineLongStrings = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`part${i}`, 'x'.repeat(4000)]));
    await expect(report(twin, nineLongStrings)).rejects.toThrow(/over the 32768-byte limit/);
    expect(hub.rejections.join('\n')).toMatch(/reported properties refused/);
    expect(hub.twin(moduleId)).toMatchObject({ properties: { reported: { $version: 1 } } });
  });

  it('delivers direct methods invoked through the service Client and returns status and payload', async () => {
    const moduleId = hub.addModule();
    const client = await openModule(moduleId);
    client.onMethod('getReport', (request, response) => {
      void response?.send(request?.payload?.checkId === 'unknown' ? 404 : 200, { asked: request?.payload });
    });

    const serviceClient = hub.serviceClient();
    const ok = await serviceClient.invokeDeviceMethod(hub.deviceId, moduleId, { methodName: 'getReport', payload: { checkId: 'disk.space' }, responseTimeoutInSeconds: 10 });
    expect(ok.result).toEqual({ status: 200, payload: { asked: { checkId: 'disk.space' } } });
    const notFound = await serviceClient.invokeDeviceMethod(hub.deviceId, moduleId, { methodName: 'getReport', payload: { checkId: 'unknown' }, responseTimeoutInSeconds: 10 });
    expect(notFound.result).toEqual({ status: 404, payload: { asked: { checkId: 'unknown' } } });
  });

  it('answers 504 when the module does not answer within the response timeout', async () => {
    const moduleId = hub.addModule();
    const client = await openModule(moduleId);
    client.onMethod('runChecks', () => undefined); // subscribes to methods, never answers

    await expect(hub.serviceClient().invokeDeviceMethod(hub.deviceId, moduleId, { methodName: 'runChecks', payload: {}, responseTimeoutInSeconds: 5 }))
      .rejects.toMatchObject({ name: 'GatewayTimeoutError' });
  });

  it('answers 404 for a method on a module that is not connected', async () => {
    const moduleId = hub.addModule();
    await expect(hub.serviceClient().invokeDeviceMethod(hub.deviceId, moduleId, { methodName: 'runChecks', payload: {} })).rejects.toMatchObject({
      message: 'Not found', // what azure-iothub makes of a 404 that is not DeviceNotFound
      responseBody: expect.stringContaining('ErrorCode:DeviceNotOnline;'),
    });
  });

  it('records output events with their output name, content type, encoding and application properties', async () => {
    const moduleId = hub.addModule();
    const client = await openModule(moduleId);
    const message = new Message(JSON.stringify({ status: 'error' }));
    message.contentType = 'application/json';
    message.contentEncoding = 'utf-8';
    message.properties.add('messageType', 'healthSummary');
    message.properties.add('status', 'error');

    await client.sendOutputEvent('health', message);

    const event = await hub.waitForEvent(moduleId, (e) => e.outputName === 'health');
    expect(event).toMatchObject({ contentType: 'application/json', contentEncoding: 'utf-8', properties: { messageType: 'healthSummary', status: 'error' } });
    expect(JSON.parse(event.body.toString())).toEqual({ status: 'error' });
  });

  it('selects module twins with the query API, page by page', async () => {
    const role = `query-${randomBytes(3).toString('hex')}`;
    const moduleIds = [hub.addModule(), hub.addModule()];
    for (const moduleId of moduleIds) await report(await (await openModule(moduleId)).getTwin(), { role, health: { status: 'ok' } });

    const query = hub.registry().createQuery(`SELECT moduleId, properties.reported.health.status AS status FROM devices.modules WHERE properties.reported.role = '${role}'`, 1);
    const pages = [];
    // next() without the token starts over: azure-iothub resumes only from a token passed in.
    while (query.hasMoreResults && pages.length <= moduleIds.length) pages.push((await query.next(query.continuationToken)).result);
    expect(pages).toEqual(moduleIds.map((moduleId) => [{ moduleId, status: 'ok' }]));
  });
});

describe('test hub, connection rules', () => {
  it('hears the ProductInfo string set together with the trust-bundle CA', async () => {
    const moduleId = hub.addModule();
    await openModule(moduleId);

    const [connection] = hub.connections(moduleId);
    expect(connection.deviceClientType).toMatch(/^azure-iot-device\/1\.18\.4 /);
    expect(connection.deviceClientType.endsWith(PRODUCT_INFO)).toBe(true);
  });

  it('TRAP: setOptions({productInfo}) alone drops the trust-bundle CA, and TLS to edgeHub fails', async () => {
    const moduleId = hub.addModule();
    const client = await fromEnvironment(hub.moduleEnv(moduleId));
    openClients.push(client);
    await client.setOptions({ productInfo: PRODUCT_INFO });
    const earlierRejections = hub.rejections.length;

    // The SDK reports it as "Failure on first connection (Not authorized): unable to verify the first certificate".
    await expect(client.open()).rejects.toThrow(/unable to verify the first certificate/);
    expect(hub.connections(moduleId)).toEqual([]);
    await expect.poll(() => hub.rejections.slice(earlierRejections).join('\n')).toMatch(/connection failed before CONNECT/);
  });

  it('refuses a SAS token signed with the wrong key', async () => {
    const moduleId = hub.addModule();
    const wrongKey = randomBytes(32).toString('base64');
    const client = ModuleClients.fromConnectionString(hub.moduleConnectionString(moduleId).replace(/SharedAccessKey=[^;]+/, `SharedAccessKey=${wrongKey}`), Mqtt);
    openClients.push(client);
    await client.setOptions({ ca: hub.edgeCa });

    await expect(client.open()).rejects.toThrow(/Not authorized/);
    expect(hub.connections(moduleId)).toEqual([]);
    expect(hub.rejections.join('\n')).toMatch(new RegExp(`${moduleId}: signature does not match the key`));
  });

  it('lets a module reconnect after the MQTT listener restarts, with its subscriptions kept', async () => {
    const moduleId = hub.addModule();
    const client = await openModule(moduleId);
    client.onMethod('ping', (_request, response) => void response?.send(200, 'pong'));
    const twin = await client.getTwin();
    const patches: Record<string, unknown>[] = [];
    twin.on('properties.desired', (patch: Record<string, unknown>) => patches.push(patch));
    await expect.poll(() => hub.subscriptions(moduleId)).toContain(DESIRED_PATCHES);

    await hub.stopMqtt();
    expect(hub.twin(moduleId)).toMatchObject({ connectionState: 'Disconnected' });
    await hub.startMqtt();
    const reconnection = await hub.waitForConnections(moduleId, 2, 30_000);
    expect(reconnection.cleanSession).toBe(false);

    // The SDK subscribed again only to methods; desired patches and twin responses still arrive.
    const result = await hub.serviceClient().invokeDeviceMethod(hub.deviceId, moduleId, { methodName: 'ping', payload: null, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10 });
    expect(result.result).toEqual({ status: 200, payload: 'pong' });
    await hub.registry().updateModuleTwin(hub.deviceId, moduleId, { properties: { desired: { after: 'restart' } } }, '*');
    await expect.poll(() => patches.at(-1), { timeout: 5_000 }).toMatchObject({ after: 'restart' });
    await report(twin, { after: 'restart' });
    expect(hub.twin(moduleId)).toMatchObject({ properties: { reported: { after: 'restart' } } });
  });
});
