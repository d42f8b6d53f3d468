// edgeHub's MQTT endpoint as a module sees it: an aedes broker behind TLS (a certificate signed
// by the edge CA) speaking IoT Hub's MQTT topics.
// - CONNECT: client id <device>/<module>, username <hub>/<device>/<module>/?api-version=…&DeviceClientType=…
//   (recorded: ProductInfo rides at the end of DeviceClientType), password a SAS token signed
//   with the module's key (checked; bad ones are refused with "not authorized").
// - Module → hub: twin GET and reported PATCH ($iothub/twin/…/?$rid=…), method responses
//   ($iothub/methods/res/<status>/?$rid=…), events on devices/<d>/modules/<m>/messages/events/<properties>.
// - Hub → module, only on what it subscribed to: twin responses, desired-property patches,
//   method requests ($iothub/methods/POST/<name>/?$rid=…).
// A module's subscriptions outlive its connection (clean: false), as in IoT Hub: after a
// reconnect the SDK subscribes again only to methods and inputs, not to the twin topics. A restart
// that forgets sessions (stop({ forgetSessions: true })) is an edgeHub without its session state.
import type { Socket } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import { HubError } from './hub-error.js';
import type { HubModule, HubModules, OutputEvent } from './modules.js';
import { sasProblem } from './sas.js';
import { pollUntil } from './wait.js';

const TWIN_RESPONSES = '$iothub/twin/res/#';
const DESIRED_PATCHES = '$iothub/twin/PATCH/properties/desired/#';
const METHOD_REQUESTS = '$iothub/methods/POST/#';
const METHOD_RESPONSE = /^\$iothub\/methods\/res\/(\d+)\/$/;
const MAX_EVENT_BYTES = 256 * 1024;
const MAX_METHOD_PAYLOAD_BYTES = 128 * 1024;
const NOT_AUTHORIZED = 5; // CONNACK return code
const STOP_TIMEOUT_MS = 5_000;

export interface MethodCall {
  methodName: string;
  payload: unknown;
  responseTimeoutInSeconds: number;
  connectTimeoutInSeconds: number;
}

export interface MethodResult {
  status: number;
  payload: unknown;
}

/** The MQTT client id a module connects with. */
function clientIdOf(module: HubModule): string {
  return `${module.deviceId}/${module.moduleId}`;
}

/** "$iothub/twin/GET/?$rid=1" → path "$iothub/twin/GET/" and its parameters. */
function splitTopic(topic: string): { path: string; params: URLSearchParams } {
  const at = topic.indexOf('?');
  return at < 0 ? { path: topic, params: new URLSearchParams() } : { path: topic.slice(0, at), params: new URLSearchParams(topic.slice(at + 1)) };
}

/** The event a module published; `propertyBag` is the topic after ".../messages/events/". */
function parseEvent(moduleId: string, propertyBag: string, body: Buffer): OutputEvent {
  const properties: Record<string, string> = {};
  const systemProperties: Record<string, string> = {};
  for (const pair of propertyBag.replace(/\/$/, '').split('&').filter(Boolean)) {
    const at = pair.includes('=') ? pair.indexOf('=') : pair.length;
    const name = decodeURIComponent(pair.slice(0, at));
    (name.startsWith('$.') ? systemProperties : properties)[name] = decodeURIComponent(pair.slice(at + 1));
  }
  const { '$.on': outputName, '$.ct': contentType, '$.ce': contentEncoding, '$.mid': messageId, ...otherSystemProperties } = systemProperties;
  return { moduleId, outputName, body, contentType, contentEncoding, messageId, properties, systemProperties: otherSystemProperties, receivedAt: new Date() };
}

export class MqttGateway {
  /** What the hub refused or could not do, newest last: the first place to look when a module misbehaves. */
  readonly rejections: string[] = [];
  /**
   * Faults a test injects: refuse every CONNECT as not authorized; apply reported patches but lose
   * the next n responses; answer the next twin GETs with these raw bodies instead of the twin.
   */
  readonly faults = { refuseAuth: false, loseReportedResponses: 0, rawTwinBodies: [] as string[] };
  /** When each CONNECT arrived, accepted or not, for tests that watch a module's retry rate. */
  readonly connectAttempts: Date[] = [];
  /** Topic filters by client id; kept across reconnects, dropped when a client connects with clean: true. */
  private readonly subscriptions = new Map<string, Set<string>>();
  private readonly online = new Map<string, Client>();
  private readonly sockets = new Set<Socket>();
  private readonly pendingMethods = new Map<string, (status: number, body: Buffer) => void>();
  private methodRequests = 0;
  private broker!: Aedes;
  private readonly server: Server;
  private port = 0;

  private constructor(
    private readonly hubHostName: string,
    private readonly modules: HubModules,
    tls: { cert: string; key: string },
  ) {
    this.server = createServer(tls, (socket) => this.broker.handle(socket));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('tlsClientError', (error) => this.reject('client', `connection failed before CONNECT: ${error.message}`));
  }

  /** Starts listening on 127.0.0.1 on a free port. */
  static async start(hubHostName: string, modules: HubModules, tls: { cert: string; key: string }): Promise<MqttGateway> {
    const gateway = new MqttGateway(hubHostName, modules, tls);
    gateway.broker = await gateway.createBroker();
    await gateway.listen();
    return gateway;
  }

  /** An aedes broker speaking for this hub, with no sessions yet. */
  private async createBroker(): Promise<Aedes> {
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const problem = this.authenticate(client, username, password);
        if (problem) this.reject(client.id, problem);
        done(problem ? (Object.assign(new Error(problem), { returnCode: NOT_AUTHORIZED }) as AuthenticateError) : null, !problem);
      },
      authorizeSubscribe: (client, subscription, done) => {
        const allowed = [TWIN_RESPONSES, DESIRED_PATCHES, METHOD_REQUESTS, `${this.moduleTopics(client)}inputs/#`];
        if (allowed.includes(subscription.topic)) return done(null, subscription);
        done(this.reject(client.id, `subscription to ${subscription.topic} is not one IoT Hub offers a module`));
      },
      authorizePublish: (client, packet, done) => {
        if (!client) return done(new Error('the hub accepts no publish without a client'));
        try {
          this.handlePublish(client, packet);
          done(null);
        } catch (error) {
          done(this.reject(client.id, (error as Error).message));
        }
      },
    });
    // Online from CONNACK on: the module may send requests from then, before aedes calls it ready.
    broker.on('connackSent', (connack, client) => {
      if (connack.returnCode !== 0) return;
      this.online.set(client.id, client);
      this.moduleOf(client).twin.connectionState = 'Connected';
    });
    broker.on('clientDisconnect', (client) => {
      if (this.online.get(client.id) !== client) return; // replaced by a newer connection
      this.online.delete(client.id);
      this.moduleOf(client).twin.connectionState = 'Disconnected';
    });
    // With TLS 1.3 a client's refusal of the server certificate arrives after the handshake.
    broker.on('connectionError', (client, error) => this.reject(client.id ?? 'client', `connection failed before CONNECT: ${error.message}`));
    broker.on('subscribe', (subscriptions, client) => {
      const filters = this.subscriptions.get(client.id) ?? new Set<string>();
      for (const { topic } of subscriptions) filters.add(topic);
      this.subscriptions.set(client.id, filters);
    });
    broker.on('unsubscribe', (topics, client) => {
      for (const topic of topics) this.subscriptions.get(client.id)?.delete(topic);
    });
    return broker;
  }

  get listeningPort(): number {
    return this.port;
  }

  /**
   * Takes the listener down and cuts every connection, as when edgeHub restarts. Sessions are kept,
   * unless `forgetSessions`: a new broker, as an edgeHub restarted without its session state.
   */
  async stop({ forgetSessions = false } = {}): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    if (!(await pollUntil(() => this.online.size === 0, STOP_TIMEOUT_MS))) throw new Error(`MQTT clients still online ${STOP_TIMEOUT_MS} ms after their sockets were cut`);
    if (!forgetSessions) return;
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    this.subscriptions.clear();
    this.broker = await this.createBroker();
  }

  /** Listens again, on the same port. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject).listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.stop();
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }

  /** The topic filters the module is subscribed to, connected or not. */
  subscriptionsOf(module: HubModule): string[] {
    return [...(this.subscriptions.get(clientIdOf(module)) ?? [])];
  }

  /** Pushes a desired-properties patch (with its $version) to the module, if it listens for them. */
  pushDesired(module: HubModule, patch: { $version: number }): void {
    this.send(clientIdOf(module), DESIRED_PATCHES, `$iothub/twin/PATCH/properties/desired/?$version=${patch.$version}`, JSON.stringify(patch));
  }

  /**
   * Publishes a desired-properties frame with a raw body IoT Hub would never send (not JSON, nested
   * 2,000 deep), bypassing the twin document; false when the module does not listen for patches.
   */
  pushRawDesired(module: HubModule, version: number, body: string): boolean {
    return this.send(clientIdOf(module), DESIRED_PATCHES, `$iothub/twin/PATCH/properties/desired/?$version=${version}`, body);
  }

  /** Delivers a direct method to the module and waits for its response, within IoT Hub's timeouts. */
  async invokeMethod(module: HubModule, call: MethodCall): Promise<MethodResult> {
    const request = JSON.stringify(call.payload);
    if (Buffer.byteLength(request) > MAX_METHOD_PAYLOAD_BYTES) {
      throw new HubError(413, 'MessageTooLarge', `${call.methodName} payload is ${Buffer.byteLength(request)} bytes, over the 128 KB limit`);
    }
    const clientId = clientIdOf(module);
    if (!(await pollUntil(() => this.online.has(clientId) && this.subscribed(clientId, METHOD_REQUESTS), call.connectTimeoutInSeconds * 1000))) {
      throw new HubError(404, 'DeviceNotOnline', `module ${module.moduleId} is not connected and subscribed to methods`);
    }
    const requestId = (++this.methodRequests).toString(16);
    return new Promise<MethodResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingMethods.delete(requestId);
        reject(new HubError(504, 'GatewayTimeoutError', `Timed out waiting for the response from module ${module.moduleId} to ${call.methodName}`));
      }, call.responseTimeoutInSeconds * 1000);
      this.pendingMethods.set(requestId, (status, body) => {
        clearTimeout(timer);
        this.pendingMethods.delete(requestId);
        if (body.length > MAX_METHOD_PAYLOAD_BYTES) {
          return reject(new HubError(413, 'MessageTooLarge', `response to ${call.methodName} is ${body.length} bytes, over the 128 KB limit`));
        }
        try {
          resolve({ status, payload: body.length ? JSON.parse(body.toString()) : null });
        } catch {
          reject(new HubError(502, 'BadDeviceResponse', `response to ${call.methodName} is not JSON: ${body.toString().slice(0, 200)}`));
        }
      });
      this.send(clientId, METHOD_REQUESTS, `$iothub/methods/POST/${call.methodName}/?$rid=${requestId}`, request);
    });
  }

  /** Records `problem` and returns it as an Error, for aedes to refuse with. */
  private reject(clientId: string, problem: string): Error {
    this.rejections.push(`${clientId}: ${problem}`);
    return new Error(problem);
  }

  /** Why the CONNECT must be refused, or undefined (and the connection recorded) when it is fine. */
  private authenticate(client: Client, username: string | undefined, password: Buffer | undefined): string | undefined {
    this.connectAttempts.push(new Date());
    if (this.faults.refuseAuth) return 'not authorized (fault injected by the test)';
    const [identity, query = ''] = (username ?? '').split('/?');
    const [hubHostName, deviceId, moduleId, ...rest] = identity.split('/');
    if (hubHostName !== this.hubHostName || !moduleId || rest.length) return `username ${username} is not ${this.hubHostName}/<device>/<module>/?…`;
    const module = this.modules.find(deviceId, moduleId);
    if (!module) return `module ${deviceId}/${moduleId} is not registered`;
    if (client.id !== clientIdOf(module)) return `client id ${client.id} is not ${clientIdOf(module)}`;
    const problem = sasProblem(password?.toString(), { resource: `${hubHostName}/devices/${deviceId}/modules/${moduleId}`, key: module.key });
    if (problem) return problem;
    const params = new URLSearchParams(query);
    module.connections.push({
      moduleId,
      deviceClientType: params.get('DeviceClientType') ?? '',
      apiVersion: params.get('api-version') ?? '',
      cleanSession: client.clean,
      connectedAt: new Date(),
    });
    if (client.clean) this.subscriptions.delete(client.id);
    return undefined;
  }

  private moduleOf(client: Client): HubModule {
    const [deviceId, moduleId] = client.id.split('/');
    return this.modules.get(deviceId, moduleId);
  }

  /** The prefix of the module's own topics: events and inputs. */
  private moduleTopics(client: Client): string {
    const module = this.moduleOf(client);
    return `devices/${module.deviceId}/modules/${module.moduleId}/`;
  }

  /** Handles what a module publishes; throws (and the hub disconnects it) for what IoT Hub would not accept. */
  private handlePublish(client: Client, packet: PublishPacket): void {
    const module = this.moduleOf(client);
    const payload = Buffer.from(packet.payload);
    const eventTopic = `${this.moduleTopics(client)}messages/events/`;
    if (packet.topic.startsWith(eventTopic)) {
      if (payload.length > MAX_EVENT_BYTES) throw new Error(`event of ${payload.length} bytes is over the 256 KB limit`);
      module.events.push(parseEvent(module.moduleId, packet.topic.slice(eventTopic.length), payload));
      return;
    }
    const { path, params } = splitTopic(packet.topic);
    const requestId = params.get('$rid');
    const methodResponse = METHOD_RESPONSE.exec(path);
    if (methodResponse && requestId) {
      const complete = this.pendingMethods.get(requestId);
      if (complete) complete(Number(methodResponse[1]), payload);
      else this.rejections.push(`${client.id}: method response ${requestId} came after its timeout or was never asked for`);
    } else if (path === '$iothub/twin/GET/' && requestId) {
      const raw = this.faults.rawTwinBodies.shift();
      if (raw === undefined) this.answerTwin(client, requestId, 200, module.twin.deviceView());
      else if (!this.send(client.id, TWIN_RESPONSES, `$iothub/twin/res/200/?$rid=${requestId}`, raw)) this.rejections.push(`${client.id}: raw twin body not delivered`);
    } else if (path === '$iothub/twin/PATCH/properties/reported/' && requestId) {
      try {
        const version = module.twin.patchReported(JSON.parse(payload.toString()));
        if (this.faults.loseReportedResponses > 0) {
          this.faults.loseReportedResponses -= 1;
          this.rejections.push(`${client.id}: reported patch ${requestId} applied, its response lost (fault injected by the test)`);
          return;
        }
        this.answerTwin(client, `${requestId}&$version=${version}`, 204);
      } catch (error) {
        const status = error instanceof HubError ? error.status : 400;
        this.rejections.push(`${client.id}: reported properties refused: ${(error as Error).message}`);
        this.answerTwin(client, requestId, status, { errorCode: status * 1000, message: (error as Error).message });
      }
    } else {
      throw new Error(`publish to ${packet.topic} is not one IoT Hub accepts from a module`);
    }
  }

  private answerTwin(client: Client, ridAndVersion: string, status: number, body?: object): void {
    const topic = `$iothub/twin/res/${status}/?$rid=${ridAndVersion}`;
    if (!this.send(client.id, TWIN_RESPONSES, topic, body ? JSON.stringify(body) : '')) {
      this.rejections.push(`${client.id}: twin request before subscribing to ${TWIN_RESPONSES}: not answered`);
    }
  }

  /** Publishes to one client if it is online and subscribed to `filter`; false when not. */
  private send(clientId: string, filter: string, topic: string, payload: string): boolean {
    const client = this.online.get(clientId);
    if (!client || !this.subscribed(clientId, filter)) return false;
    client.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, dup: false, retain: false }, (error) => {
      if (error) this.rejections.push(`${clientId}: delivering ${topic} failed: ${error.message}`);
    });
    return true;
  }

  private subscribed(clientId: string, filter: string): boolean {
    return this.subscriptions.get(clientId)?.has(filter) ?? false;
  }
}
