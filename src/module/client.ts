// Connects to edgeHub the production way (ModuleClient.fromEnvironment) with ProductInfo set, every
// connection attempt paced by one gate, and what the module listens to subscribed again on every
// reconnect.
//
// Why resubscribe here: the SDK connects with clean session false and counts on edgeHub keeping the
// session. It subscribes again to methods only on its own retries, never when the agent opens the
// client after the SDK gave up, and it never subscribes again to the twin's response and
// desired-properties topics (its twin client remembers them as subscribed for the client's whole
// life). An edgeHub restarted without its session state (a new container, no persistent store)
// then left the module connected but deaf: no methods, no desired changes, no reported properties.
// MQTT lets a client repeat a SUBSCRIBE (the broker replaces the subscription), so the connection
// repeats all of them after each reconnect, before the SDK sees it connected.
import { readFile } from 'node:fs/promises';
import device from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import mqttBase from 'azure-iot-mqtt-base';
import type { Config } from '../config/settings.js';
import type { ConnectGate } from './connect-gate.js';
import { type BodyProblems, GuardedMqttBase, guardedTransport } from './guarded-transport.js';

// The SDKs are CommonJS: their classes come from the default export.
const { IotEdgeAuthenticationProvider, ModuleClient } = device;
const TRANSPORTS = { mqtt: deviceMqtt.Mqtt, mqttWs: deviceMqtt.MqttWs } as const;

type MqttTransport = typeof deviceMqtt.Mqtt;
type ConnectCallback = Parameters<mqttBase.MqttBase['connect']>[1];

type SubscribeOptions = Parameters<mqttBase.MqttBase['subscribe']>[1];

/**
 * The SDK's MQTT connection (MqttBase, which the transport's constructor takes) with each CONNECT
 * waiting for its turn at `gate`, each twin body screened (guarded-transport.ts), and every topic
 * filter it was subscribed to subscribed again once a reconnect succeeds. Every path the SDK
 * reconnects by ends here, one attempt at a time (the transport's state machine holds everything
 * else back while it connects).
 */
function gatedConnection(gate: ConnectGate, bodyProblems: BodyProblems): mqttBase.MqttBase {
  return new (class extends GuardedMqttBase {
    /** Topic filters subscribed to, with their options: what a reconnect restores. */
    private readonly subscribed = new Map<string, SubscribeOptions>();

    override connect(config: mqttBase.MqttBaseTransportConfig, done: ConnectCallback): void {
      gate.beforeAttempt().then(
        () => {
          try {
            super.connect(config, (error, result) => {
              if (error) {
                gate.failed(error);
                return done(error, result);
              }
              gate.succeeded();
              // A failed SUBSCRIBE fails the connect: the SDK (or the agent's reconnect loop) connects again, and that restores them again.
              this.resubscribe().then(() => done(undefined, result), (failed: Error) => done(failed));
            });
          } catch (error) {
            done(error as Error);
          }
        },
        (error: Error) => done(error),
      );
    }

    override subscribe(topic: string, options: SubscribeOptions, callback: (error?: Error, result?: unknown) => void): void {
      super.subscribe(topic, options, (error, result) => {
        if (!error) this.subscribed.set(topic, options);
        callback(error, result);
      });
    }

    override unsubscribe(topic: string, callback: (error?: Error, result?: unknown) => void): void {
      super.unsubscribe(topic, (error, result) => {
        if (!error) this.subscribed.delete(topic);
        callback(error, result);
      });
    }

    override disconnect(done: Parameters<mqttBase.MqttBase['disconnect']>[0]): void {
      gate.dropWaiting();
      super.disconnect(done);
    }

    private resubscribe(): Promise<unknown> {
      return Promise.all(
        [...this.subscribed].map(
          ([topic, options]) => new Promise<void>((resolve, reject) => super.subscribe(topic, options, (error) => (error ? reject(error) : resolve()))),
        ),
      );
    }
  })(bodyProblems);
}

/** The transport fromEnvironment constructs (with the provider it made), on a gated, guarded connection. */
function gatedTransport(Transport: MqttTransport, gate: ConnectGate, bodyProblems: BodyProblems): MqttTransport {
  return class extends Transport {
    constructor(...[authenticationProvider]: ConstructorParameters<MqttTransport>) {
      super(authenticationProvider, gatedConnection(gate, bodyProblems));
    }
  };
}

/**
 * The SDK retries nothing itself. Its default retries each operation on its own for 4 minutes and
 * only then reports `disconnect`: meanwhile a drop shows nowhere in the log, and the agent's one
 * reconnect loop (paced at the gate, logging each failure) waits. What an operation could not send
 * the agent's sinks keep and send again on reconnect, so nothing relies on the SDK's retries.
 */
const NO_SDK_RETRIES: Parameters<device.ModuleClient['setRetryPolicy']>[0] = { shouldRetry: () => false, nextRetryTimeout: () => -1 };

/**
 * A module client, not yet open, retrying nothing by itself (the agent reconnects), whose connection attempts all wait for their turn at `gate`, and
 * whose transport checks each method and twin body before the SDK parses it (problems recorded in `bodyProblems`). fromEnvironment gives the transport the edgeHub CA from the
 * workload trust bundle, but a later setOptions replaces the transport's options: setting
 * productInfo alone would drop that CA and break TLS to edgeHub. So the CA is fetched the same
 * way and set again together with productInfo.
 */
export async function createModuleClient(
  config: Pick<Config, 'transport' | 'productInfo'>,
  bodyProblems: BodyProblems,
  gate: ConnectGate,
  env: NodeJS.ProcessEnv = process.env,
): Promise<device.ModuleClient> {
  const client = await ModuleClient.fromEnvironment(gatedTransport(guardedTransport(TRANSPORTS[config.transport], bodyProblems), gate, bodyProblems));
  const ca = await edgeHubCa(env);
  await client.setOptions({ productInfo: config.productInfo, ...(ca ? { ca } : {}) });
  client.setRetryPolicy(NO_SDK_RETRIES);
  return client;
}

/** The CA that signs edgeHub's server certificate, from where fromEnvironment takes it. */
async function edgeHubCa(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.EdgeHubConnectionString || env.IotHubConnectionString) {
    return env.EdgeModuleCACertificateFile ? readFile(env.EdgeModuleCACertificateFile, 'utf8') : undefined;
  }
  const provider = new IotEdgeAuthenticationProvider({
    workloadUri: env.IOTEDGE_WORKLOADURI as string,
    deviceId: env.IOTEDGE_DEVICEID as string,
    moduleId: env.IOTEDGE_MODULEID as string,
    iothubHostName: env.IOTEDGE_IOTHUBHOSTNAME as string,
    authScheme: env.IOTEDGE_AUTHSCHEME as string,
    gatewayHostName: env.IOTEDGE_GATEWAYHOSTNAME,
    generationId: env.IOTEDGE_MODULEGENERATIONID as string,
  });
  return new Promise((resolve, reject) => provider.getTrustBundle((error, ca) => (error ? reject(error) : resolve(ca))));
}
