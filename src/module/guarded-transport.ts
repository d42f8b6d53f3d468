// The SDK parses every method request body with JSON.parse before the agent sees it: a body that is
// not JSON would throw inside the SDK, and one with a field given twice would silently keep the
// last value. This transport (the SDK's own MQTT transport, extended through the constructor
// fromEnvironment takes) checks each raw body first, within bounds; a bad one reaches the SDK as
// an empty payload, and the agent answers it 400 with the problem, naming the field.
import type deviceMqtt from 'azure-iot-device-mqtt';
import { type Parsed, parseJsonBody } from '../config/parse-payload.js';

type MqttTransport = typeof deviceMqtt.Mqtt;

interface MethodMessage {
  requestId: string;
  body?: Buffer;
}

/** What was wrong with each refused request body, by request id, until the agent answers it. */
export class BodyProblems {
  private readonly byRequest = new Map<string, Extract<Parsed<unknown>, { ok: false }>>();

  record(requestId: string, problem: Extract<Parsed<unknown>, { ok: false }>): void {
    this.byRequest.set(requestId, problem);
  }

  take(requestId: string): Extract<Parsed<unknown>, { ok: false }> | undefined {
    const problem = this.byRequest.get(requestId);
    this.byRequest.delete(requestId);
    return problem;
  }
}

const EMPTY = Buffer.from('null');

type MethodCallback = Parameters<InstanceType<MqttTransport>['onDeviceMethod']>[1];

export function guardedTransport(Transport: MqttTransport, problems: BodyProblems): MqttTransport {
  return class extends Transport {
    override onDeviceMethod(methodName: string, callback: MethodCallback): void {
      super.onDeviceMethod(methodName, (message, response) => {
        const { requestId, body } = message as unknown as MethodMessage;
        const parsed = parseJsonBody(body?.toString('utf8') ?? '');
        if (parsed.ok) return callback(message, response);
        problems.record(requestId, parsed);
        callback({ ...message, body: EMPTY } as typeof message, response);
      });
    }
  };
}
