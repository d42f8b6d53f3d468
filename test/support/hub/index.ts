/**
 * A local IoT Hub with one IoT Edge device, for tests that drive the real, unmodified Azure IoT
 * SDKs on both sides. Everything listens on loopback; nothing leaves the machine.
 *
 *   const hub = await startTestHub();            // afterAll: await hub.close()
 *   const moduleId = hub.addModule('edgeHealth'); // the module identity, as edgeAgent creates it
 *
 * Module side — azure-iot-device's ModuleClient.fromEnvironment with the Mqtt transport:
 *   hub.moduleEnv(moduleId)  the IOTEDGE_* variables IoT Edge gives a module: the workload API
 *                            (unix socket: trust bundle, signing with the module key), device and
 *                            module ids, the hub host name, and the gateway `localhost:<port>`
 *                            where the MQTT endpoint (edgeHub) listens. Spawn the agent with
 *                            `{ ...process.env, NODE_EXTRA_CA_CERTS: undefined, ...hub.moduleEnv(id) }`:
 *                            edgeHub's certificate is signed by an edge CA that only the workload
 *                            trust bundle holds (`hub.edgeCa`), so a client that drops that CA
 *                            (setOptions({productInfo}) alone does) fails TLS, as on a real device.
 *   hub.moduleConnectionString(moduleId)  the same identity as an EdgeHubConnectionString-style
 *                            string (needs `ca: hub.edgeCa`), for the non-workload path.
 *
 * Service side — azure-iothub, as an operator's code uses it (HTTPS on <hostName>:443, trusted
 * through NODE_EXTRA_CA_CERTS set by the global setup service-ca.ts):
 *   hub.registry()           Registry: getModuleTwin, updateModuleTwin (desired patches reach the
 *                            module), createQuery (SELECT … FROM devices.modules WHERE …, paged)
 *   hub.serviceClient()      Client: invokeDeviceMethod(deviceId, moduleId, {methodName, payload,
 *                            responseTimeoutInSeconds}) → {status, payload}
 *   hub.serviceConnectionString, hub.hostName, hub.deviceId
 *   hub.queries              every query page asked for (SQL, continuation), to see paging
 *
 * A fleet: hub.addModule(moduleId, otherDeviceId) registers a module on another device, and
 * hub.simulateReported(deviceId, moduleId, patch) patches its reported properties as a connected
 * module would, for devices that exist only as twins. Only the hub's own device has a workload API.
 *
 * What the hub saw (read in the test process; the module may run in a child process):
 *   hub.events(moduleId) / hub.waitForEvent(moduleId, predicate?, timeoutMs?)
 *       output events: outputName, body, contentType, contentEncoding, properties (application)
 *   hub.connections(moduleId) / hub.waitForConnections(moduleId, count, timeoutMs?)
 *       accepted MQTT connections; deviceClientType ends with the ProductInfo string
 *   hub.subscriptions(moduleId)  its MQTT topic filters, e.g. '$iothub/twin/PATCH/properties/desired/#'
 *                            once it listens for desired properties (wait for it before patching)
 *   hub.twin(moduleId)       the twin document as the service API returns it
 *   hub.rejections           what the MQTT endpoint refused or could not deliver (bad SAS, failed
 *                            TLS, reported properties breaking IoT Hub's rules, unknown topics):
 *                            look here first when a module misbehaves. The service API answers
 *                            its errors to the caller instead, as IoT Hub does.
 *
 * IoT Hub's rules, enforced: twin property names without '.', '$' or spaces, strings up to 4 KB,
 * nesting up to 10, 32 KB per properties section (a reported patch breaking one fails the SDK's
 * update callback with the reason); events up to 256 KB; method payloads up to 128 KB, response
 * timeout 5–300 s (no answer in time: 504 GatewayTimeoutError); a method for a module that is not
 * connected: 404, which azure-iothub turns into Error('Not found') with err.responseBody holding
 * "ErrorCode:DeviceNotOnline;…".
 *
 * Outages: hub.stopMqtt() cuts every module connection and stops listening; hub.startMqtt()
 * listens again on the same port. Sessions (subscriptions) survive, as in IoT Hub, unless
 * hub.stopMqtt({ forgetSessions: true }): edgeHub restarted without its session state. The SDK
 * reconnects by itself only while it listens for methods or desired properties.
 * Faults: hub.faults.refuseAuth refuses every CONNECT as not authorized (hub.connectAttempts holds
 * when each CONNECT came); hub.faults.loseReportedResponses = n applies the next n reported patches
 * but never answers them, as when a response is lost with the connection up;
 * hub.faults.rawTwinBodies = ['…'] answers the next twin GETs with those bodies (200) instead of the twin;
 * hub.sendRawDesired(moduleId, version, body) publishes a desired patch frame with any body.
 *
 * Importing the SDKs from ESM: Node sees only `Client` as a named export of azure-iot-device and
 * azure-iothub; take the rest from the default export (`import iotDevice from 'azure-iot-device'`).
 * One hub per test file (or per test) is cheap; several hubs can run at once.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iothub, { type Client, type Registry } from 'azure-iothub';
import { createCa, issueServerCert } from './certificates.js';
import { HubModules, type ModuleConnection, type OutputEvent } from './modules.js';
import { MqttGateway } from './mqtt.js';
import { newKey } from './sas.js';
import { serviceCa } from './service-ca.js';
import { startServiceApi } from './service.js';
import type { JsonObject } from './twin.js';
import { waitFor } from './wait.js';
import { startWorkloadApi } from './workload-api.js';

export type { ModuleConnection, OutputEvent } from './modules.js';

const SERVICE_POLICY = 'iothubowner';
const DEFAULT_WAIT_MS = 10_000;

export interface TestHub {
  /** The IoT Hub host name: a loopback address of its own, where the service API listens on 443. */
  readonly hostName: string;
  readonly deviceId: string;
  readonly serviceConnectionString: string;
  /** IOTEDGE_GATEWAYHOSTNAME: `localhost:<port>` of the MQTT endpoint. */
  readonly gatewayHostName: string;
  /** PEM of the CA that signs the MQTT endpoint's certificate; served only in the workload trust bundle. */
  readonly edgeCa: string;
  /** What the MQTT endpoint refused or could not deliver, newest last. */
  readonly rejections: readonly string[];
  /** Every query page the service API was asked for, oldest first. */
  readonly queries: readonly { query: string; continuation: string | undefined }[];
  /** Registers a module identity (fresh key and generation id) on the hub's device or `deviceId`; returns its id. */
  addModule(moduleId?: string, deviceId?: string): string;
  /** Patches a module's reported properties as if it had sent them. */
  simulateReported(deviceId: string, moduleId: string, patch: JsonObject): void;
  moduleEnv(moduleId: string): Record<string, string>;
  moduleConnectionString(moduleId: string): string;
  registry(): Registry;
  serviceClient(): Client;
  events(moduleId: string): readonly OutputEvent[];
  waitForEvent(moduleId: string, predicate?: (event: OutputEvent) => boolean, timeoutMs?: number): Promise<OutputEvent>;
  connections(moduleId: string): readonly ModuleConnection[];
  waitForConnections(moduleId: string, count: number, timeoutMs?: number): Promise<ModuleConnection>;
  /** The MQTT topic filters the module is subscribed to (kept while it is disconnected). */
  subscriptions(moduleId: string): string[];
  twin(moduleId: string): JsonObject;
  /** Publishes a desired-properties frame with this raw body and $version; throws when the module does not listen for patches. */
  sendRawDesired(moduleId: string, version: number, body: string): void;
  stopMqtt(options?: { forgetSessions?: boolean }): Promise<void>;
  startMqtt(): Promise<void>;
  readonly faults: MqttGateway['faults'];
  readonly connectAttempts: readonly Date[];
  close(): Promise<void>;
}

/** 127.a.b.c: a loopback address of this hub's own, so its port 443 is free whatever else runs. */
function randomLoopbackAddress(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

function shortId(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export async function startTestHub(options: { deviceId?: string } = {}): Promise<TestHub> {
  const dir = await mkdtemp(join(tmpdir(), 'edge-health-hub-'));
  const closers: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const hostName = randomLoopbackAddress();
    const edgeCa = await createCa(dir, 'edge-ca', 'edge-health test IoT Edge CA');
    const edgeHubTls = await issueServerCert(edgeCa, dir, 'edgehub', { dns: ['localhost'], ips: ['127.0.0.1'] });
    const serviceTls = await issueServerCert(await serviceCa(), dir, 'iothub', { ips: [hostName] });
    const modules = new HubModules(options.deviceId ?? shortId('edge-device'));
    const policy = { name: SERVICE_POLICY, key: newKey() };

    const workload = await startWorkloadApi(join(dir, 'workload.sock'), edgeCa.cert, modules);
    closers.push(workload.close);
    const mqtt = await MqttGateway.start(hostName, modules, edgeHubTls);
    closers.push(() => mqtt.close());
    const service = await startServiceApi({ host: hostName, tls: serviceTls, policy, modules, mqtt });
    closers.push(service.close);

    const deviceId = modules.deviceId;
    const serviceConnectionString = `HostName=${hostName};SharedAccessKeyName=${policy.name};SharedAccessKey=${policy.key}`;
    const gatewayHostName = `localhost:${mqtt.listeningPort}`;
    const module = (moduleId: string) => modules.get(deviceId, moduleId);
    const events = (moduleId: string) => module(moduleId).events;
    const connections = (moduleId: string) => module(moduleId).connections;

    return {
      hostName,
      deviceId,
      serviceConnectionString,
      gatewayHostName,
      edgeCa: edgeCa.cert,
      rejections: mqtt.rejections,
      queries: service.queries,
      addModule: (moduleId = shortId('module'), onDevice = deviceId) => modules.add(moduleId, onDevice).moduleId,
      simulateReported: (onDevice, moduleId, patch) => {
        modules.get(onDevice, moduleId).twin.patchReported(patch);
      },
      moduleEnv: (moduleId) => ({
        IOTEDGE_WORKLOADURI: workload.uri,
        IOTEDGE_DEVICEID: deviceId,
        IOTEDGE_MODULEID: moduleId,
        IOTEDGE_MODULEGENERATIONID: module(moduleId).generationId,
        IOTEDGE_IOTHUBHOSTNAME: hostName,
        IOTEDGE_GATEWAYHOSTNAME: gatewayHostName,
        IOTEDGE_AUTHSCHEME: 'sasToken',
      }),
      moduleConnectionString: (moduleId) =>
        `HostName=${hostName};DeviceId=${deviceId};ModuleId=${moduleId};SharedAccessKey=${module(moduleId).key};GatewayHostName=${gatewayHostName}`,
      registry: () => iothub.Registry.fromConnectionString(serviceConnectionString),
      serviceClient: () => iothub.Client.fromConnectionString(serviceConnectionString),
      events,
      waitForEvent: (moduleId, predicate = () => true, timeoutMs = DEFAULT_WAIT_MS) =>
        waitFor(`an event from ${moduleId}`, () => events(moduleId).find(predicate), timeoutMs, () =>
          JSON.stringify(events(moduleId).map(({ outputName, properties }) => ({ outputName, properties })))),
      connections,
      waitForConnections: (moduleId, count, timeoutMs = DEFAULT_WAIT_MS) =>
        waitFor(`connection #${count} of ${moduleId}`, () => connections(moduleId)[count - 1], timeoutMs, () =>
          `${connections(moduleId).length} connections; rejections: ${mqtt.rejections.join(' | ')}`),
      subscriptions: (moduleId) => mqtt.subscriptionsOf(module(moduleId)),
      twin: (moduleId) => module(moduleId).twin.serviceView(),
      sendRawDesired: (moduleId, version, body) => {
        if (!mqtt.pushRawDesired(module(moduleId), version, body)) throw new Error(`${moduleId} is not connected and listening for desired patches`);
      },
      stopMqtt: (options) => mqtt.stop(options),
      startMqtt: () => mqtt.listen(),
      faults: mqtt.faults,
      connectAttempts: mqtt.connectAttempts,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
