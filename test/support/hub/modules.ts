// The hub's identity registry: its IoT Edge device (and any more a fleet test registers), each
// module's identity (key and generation id, as edgeAgent would create them), its twin, and what
// the hub saw it do.
import { randomUUID } from 'node:crypto';
import { HubError } from './hub-error.js';
import { newKey } from './sas.js';
import { ModuleTwin } from './twin.js';

/** A device-to-cloud message a module sent, with the properties IoT Hub routes on. */
export interface OutputEvent {
  moduleId: string;
  /** The module output it was sent on (sendOutputEvent's first argument); undefined for sendEvent. */
  outputName: string | undefined;
  body: Buffer;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  messageId: string | undefined;
  /** Application properties (message.properties), by name. */
  properties: Record<string, string>;
  /** Every other system property on the topic ($.cid, $.uid, …), by name. */
  systemProperties: Record<string, string>;
  receivedAt: Date;
}

/** An MQTT connection the hub accepted. */
export interface ModuleConnection {
  moduleId: string;
  /** The user agent from the MQTT username: the SDK's own, with the ProductInfo string appended. */
  deviceClientType: string;
  apiVersion: string;
  cleanSession: boolean;
  connectedAt: Date;
}

export interface HubModule {
  deviceId: string;
  moduleId: string;
  generationId: string;
  /** The module identity's symmetric key, base64: the workload API signs with it, the hub checks it. */
  key: string;
  twin: ModuleTwin;
  events: OutputEvent[];
  connections: ModuleConnection[];
}

export class HubModules {
  private readonly modules = new Map<string, HubModule>();

  constructor(readonly deviceId: string) {}

  /** Registers a module on the hub's device, or on `deviceId`. */
  add(moduleId: string, deviceId = this.deviceId): HubModule {
    const key = `${deviceId}/${moduleId}`;
    if (this.modules.has(key)) throw new Error(`module ${moduleId} is already registered on ${deviceId}`);
    const module: HubModule = {
      deviceId,
      moduleId,
      generationId: randomUUID(),
      key: newKey(),
      twin: new ModuleTwin(deviceId, moduleId),
      events: [],
      connections: [],
    };
    this.modules.set(key, module);
    return module;
  }

  find(deviceId: string, moduleId: string): HubModule | undefined {
    return this.modules.get(`${deviceId}/${moduleId}`);
  }

  /** The module, or the 404 IoT Hub answers for an unknown one. */
  get(deviceId: string, moduleId: string): HubModule {
    const module = this.find(deviceId, moduleId);
    if (!module) throw new HubError(404, 'ModuleNotFound', `module ${deviceId}/${moduleId} is not registered`);
    return module;
  }

  all(): HubModule[] {
    return [...this.modules.values()];
  }
}
