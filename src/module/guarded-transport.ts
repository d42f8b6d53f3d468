// The SDK parses what the hub sends with JSON.parse before the agent sees it, and merges twin
// bodies recursively: a method body that is not JSON throws inside the SDK, one with a field given
// twice silently keeps the last value, and a twin body that is not JSON or nested 2,000 deep ends
// the process. This transport (the SDK's own MQTT transport, extended through the constructor
// fromEnvironment takes) and its MQTT base (GuardedMqttBase, which client.ts hands the transport's
// constructor as its connection) check each raw body first, within bounds:
// - a bad method body reaches the SDK as an empty payload, and the agent answers it 400 with the
//   problem, naming the field;
// - a bad desired patch reaches it as a patch of its $version alone, a bad twin as an empty twin,
//   and the refusal goes to the module's configuration, which reports that version rejected and
//   keeps the last good configuration;
// - a bad body of any other twin response (reported-properties updates) fails that request.
import mqttBase from 'azure-iot-mqtt-base';
import type deviceMqtt from 'azure-iot-device-mqtt';
import { type Parsed, describeValue, parseJsonBody } from '../config/parse-payload.js';

type MqttTransport = typeof deviceMqtt.Mqtt;
type Problem = Extract<Parsed<unknown>, { ok: false }>;

interface MethodMessage {
  requestId: string;
  body?: Buffer;
}

/** A twin body the SDK was not given: the desired version it carried (from the topic; null for a twin), and why. */
export interface TwinRefusal {
  version: number | null;
  problem: string;
}

/** What was wrong with each refused request body, by request id, until the agent answers it; refused twin bodies go to `onTwinRefused` at once. */
export class BodyProblems {
  private readonly byRequest = new Map<string, Problem>();

  constructor(readonly onTwinRefused: (refusal: TwinRefusal) => void = () => {}) {}

  record(requestId: string, problem: Problem): void {
    this.byRequest.set(requestId, problem);
  }

  take(requestId: string): Problem | undefined {
    const problem = this.byRequest.get(requestId);
    this.byRequest.delete(requestId);
    return problem;
  }
}

/** Twice what IoT Hub holds in a twin's desired and reported sections together (32 KB each). */
export const TWIN_BODY_MAX_BYTES = 128 * 1024;
/** IoT Hub nests twin properties at most 10 deep; the SDK's recursive merge overflows the stack thousands deep. */
export const TWIN_BODY_MAX_DEPTH = 16;

const EMPTY = Buffer.from('null');
const EMPTY_TWIN = Buffer.from('{"desired":{},"reported":{}}');
const DESIRED_PATCH = '$iothub/twin/PATCH/properties/desired/';
const TWIN_RESPONSE = /^\$iothub\/twin\/res\/(\d+)\//;

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

/** The SDK's MQTT base, with every twin message screened before the SDK's twin client parses it; the transport must be given it as its connection. */
export class GuardedMqttBase extends mqttBase.MqttBase {
  constructor(private readonly problems: BodyProblems) {
    super();
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'message') return super.emit(event, ...args);
    const [topic, payload] = args as [string, Buffer | string];
    const screened = screenTwinMessage(topic, Buffer.isBuffer(payload) ? payload : Buffer.from(String(payload)));
    if (screened.refusal) this.problems.onTwinRefused(screened.refusal);
    return super.emit('message', topic, screened.body);
  }
}

/** What the SDK is given for a message on `topic`: its body as it came, or a stand-in for a refused one (and the refusal, for twin state). */
export function screenTwinMessage(topic: string, body: Buffer): { body: Buffer; refusal?: TwinRefusal } {
  if (topic.startsWith(DESIRED_PATCH)) {
    const version = desiredVersion(topic);
    const problem = bodyProblem(body, 'properties.desired', true);
    return problem ? { body: Buffer.from(JSON.stringify({ $version: version })), refusal: { version, problem } } : { body };
  }
  const response = TWIN_RESPONSE.exec(topic);
  if (!response) return { body };
  // 200 answers a GET with the twin; the rest (204 for a reported update, errors) may be empty.
  if (response[1] === '200') {
    const problem = bodyProblem(body, 'twin', true);
    return problem ? { body: EMPTY_TWIN, refusal: { version: null, problem } } : { body };
  }
  const problem = body.length === 0 ? undefined : bodyProblem(body, 'twin response', false);
  // Any errorCode makes the SDK fail the request with the message.
  return problem ? { body: Buffer.from(JSON.stringify({ errorCode: 'BodyRefused', message: problem })) } : { body };
}

/** Why the SDK must not parse `body` (prefixed with what it is), or undefined when it may. */
function bodyProblem(body: Buffer, what: string, mustBeObject: boolean): string | undefined {
  const text = body.toString('utf8');
  const parsed = parseJsonBody(text, { maxBytes: TWIN_BODY_MAX_BYTES, maxDepth: TWIN_BODY_MAX_DEPTH });
  if (!parsed.ok) return parsed.field ? `${what}.${parsed.error}` : parsed.error.replace(/^payload:/, `${what}:`);
  // Blank counts as no payload for methods, but the SDK parses a twin body that is not empty.
  if (text.trim() === '') return `${what}: blank`;
  const { value } = parsed;
  if (mustBeObject && (value === null || typeof value !== 'object' || Array.isArray(value))) return `${what}: not an object but ${value === null ? 'null' : describeValue(value)}`;
  return undefined;
}

/** `$iothub/twin/PATCH/properties/desired/?$version=7` → 7. */
function desiredVersion(topic: string): number | null {
  const version = Number(new URLSearchParams(topic.split('?')[1] ?? '').get('$version') ?? Number.NaN);
  return Number.isSafeInteger(version) ? version : null;
}
