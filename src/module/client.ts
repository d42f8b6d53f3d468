// Connects to edgeHub the production way (ModuleClient.fromEnvironment) with ProductInfo set, every
// connection attempt paced by one gate.
import { readFile } from 'node:fs/promises';
import device from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import mqttBase from 'azure-iot-mqtt-base';
import type { Config } from '../config/settings.js';
import type { ConnectGate } from './connect-gate.js';
import { type BodyProblems, guardedTransport } from './guarded-transport.js';

// The SDKs are CommonJS: their classes come from the default export.
const { IotEdgeAuthenticationProvider, ModuleClient } = device;
const TRANSPORTS = { mqtt: deviceMqtt.Mqtt, mqttWs: deviceMqtt.MqttWs } as const;

type MqttTransport = typeof deviceMqtt.Mqtt;
type ConnectCallback = Parameters<mqttBase.MqttBase['connect']>[1];

/**
 * The SDK's MQTT connection (MqttBase, which the transport's constructor takes) with each CONNECT
 * waiting for its turn at `gate`. Every path the SDK reconnects by ends here, one attempt at a time
 * (the transport's state machine holds everything else back while it connects).
 */
function gatedConnection(gate: ConnectGate): mqttBase.MqttBase {
  return new (class extends mqttBase.MqttBase {
    override connect(config: mqttBase.MqttBaseTransportConfig, done: ConnectCallback): void {
      gate.beforeAttempt().then(
        () => {
          try {
            super.connect(config, (error, result) => {
              if (error) gate.failed(error);
              else gate.succeeded();
              done(error, result);
            });
          } catch (error) {
            done(error as Error);
          }
        },
        (error: Error) => done(error),
      );
    }

    override disconnect(done: Parameters<mqttBase.MqttBase['disconnect']>[0]): void {
      gate.dropWaiting();
      super.disconnect(done);
    }
  })();
}

/** The transport fromEnvironment constructs (with the provider it made), on a gated connection. */
function gatedTransport(Transport: MqttTransport, gate: ConnectGate): MqttTransport {
  return class extends Transport {
    constructor(...[authenticationProvider]: ConstructorParameters<MqttTransport>) {
      super(authenticationProvider, gatedConnection(gate));
    }
  };
}

/**
 * A module client, not yet open, whose connection attempts all wait for their turn at `gate`, and
 * whose transport checks each method body before the SDK parses it (problems recorded in `bodyProblems`). fromEnvironment gives the transport the edgeHub CA from the
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
  const client = await ModuleClient.fromEnvironment(gatedTransport(guardedTransport(TRANSPORTS[config.transport], bodyProblems), gate));
  const ca = await edgeHubCa(env);
  await client.setOptions({ productInfo: config.productInfo, ...(ca ? { ca } : {}) });
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
